"""`manage.py seed_demo` gives the demo a month of usage (`usage.demo`): rates, time on the demo
tickets through the time service, fees, CBG's closed month, a fair-use flag with its mail,
Microsoft credits and EDE hours used, a late cancellation billed and a CBG notice.

The demo is loaded once for the package (tests/demo/conftest.py).
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from contracts.models import (
    Contract,
    ContractNotice,
    EntitlementMovement,
    MovementCause,
    ServiceRequestChange,
)
from contracts.selectors import entitlement_balances
from contracts.selectors_terms import contract_next_deadline
from contracts.terms import DeadlineKind
from notifications.models import OutboxEmail, OutboxState
from tests.demo.seeding import DEMO_NOW, seed
from tickets.models import TimeEntry
from usage.demo import usage_demo_seed
from usage.models import BillingLine, BillingMonth, ContractBilling, FairUseFlag
from usage.selectors_pages import month_csv_rows, month_lines

NOW = datetime.fromisoformat(DEMO_NOW)
PREVIOUS, CURRENT = date(2026, 10, 1), date(2026, 11, 1)

pytestmark = pytest.mark.django_db


def contract_of(customer_code: str) -> Contract:
    return Contract.objects.get(customer__code=customer_code)


def usage_rows() -> dict[str, int]:
    models = (
        ContractBilling,
        BillingLine,
        BillingMonth,
        FairUseFlag,
        TimeEntry,
        EntitlementMovement,
        ServiceRequestChange,
        ContractNotice,
        OutboxEmail,
    )
    return {model.__name__: model.objects.count() for model in models}


def test_the_command_reports_the_month_of_usage(demo_output):
    lines = BillingLine.objects.count()

    assert f"{lines} billing lines, 1 months closed, 1 fair-use flags" in demo_output


def test_the_microsoft_work_orders_show_their_credit_and_ede_balances():
    # Hollands Retail: 150 credits less a workshop (12.5 -> 13); 40 EDE hours less 2 + 1.5 + 2.5.
    assert entitlement_balances(contract_of("hollands-retail")) == {
        "ede_hours": Decimal(34),
        "proactive_credits": Decimal(137),
    }
    # Noordzee: the assessment (30) was cancelled too late: its credits came back and the
    # fee is a billing line.
    assert entitlement_balances(contract_of("noordzee-energie")) == {
        "ede_hours": Decimal(15),
        "proactive_credits": Decimal(100),
    }


def test_every_ede_time_entry_took_its_hours_from_the_ledger():
    ede = TimeEntry.objects.filter(category="ede")

    deducted = EntitlementMovement.objects.filter(cause=MovementCause.EDE, time_entry__in=ede)

    assert ede.count() == deducted.count() == 4


def test_the_heavy_cbg_organisation_is_flagged_for_the_previous_month_and_told():
    flag = FairUseFlag.objects.get()

    assert (flag.contract.customer.code, flag.month) == ("fysio-oost", PREVIOUS)
    assert flag.minutes_per_licence > 2 * flag.mean_of_others
    mails = OutboxEmail.objects.filter(key__startswith=f"fair-use:{flag.contract_id}:2026-10:")
    assert list(mails.values_list("to_email", "state")) == [
        ("coordinator@servicedesk.example", OutboxState.SENT)
    ]


def test_both_months_have_billable_work_lines_and_monthly_fees():
    for month in (PREVIOUS, CURRENT):
        lines = BillingLine.objects.filter(month=month)
        assert lines.filter(ticket__isnull=False, amount__gt=0).exists()
        assert lines.filter(category="monthly_fee").count() == 2


def test_the_work_lines_cover_each_providers_billable_categories():
    categories = set(BillingLine.objects.values_list("contract__provider__code", "category"))

    assert {
        ("cbg", "over_limit"),
        ("cbg", "data_migration"),
        ("cbg", "sharepoint"),
        ("cbg", "travel"),
        ("onitnow", "change_request"),
        ("websitenazorg", "onboarding"),
        ("microsoft", "cancellation_fee"),
    } <= categories


def test_cbg_closed_the_previous_month_and_its_lines_stay_in_it():
    closed = BillingMonth.objects.get()

    assert (closed.provider.code, closed.month, closed.closed_by.username) == (
        "cbg",
        PREVIOUS,
        "coordinator",
    )
    assert not BillingLine.objects.filter(
        contract__provider__code="cbg", month=PREVIOUS, created_at__gt=closed.closed_at
    ).exists()


def test_the_coordinator_decided_one_entry_billable_with_a_reason():
    decided = TimeEntry.objects.get(billable_override__isnull=False)

    assert decided.billable_override is True
    assert decided.billable_override_by.username == "coordinator"
    assert decided.billable_override_reason


def test_the_month_csv_has_a_row_for_every_line_of_the_month():
    lines = month_lines(contracts=Contract.objects.all(), month=PREVIOUS)

    rows = month_csv_rows(lines)

    assert len(rows) == BillingLine.objects.filter(month=PREVIOUS).count() > 0
    assert all(row[-1] == "NL-21" for row in rows)


def test_a_cbg_notice_gives_the_contract_its_end_as_next_deadline():
    contract = contract_of("fysio-oost")

    deadline = contract_next_deadline(contract, NOW.date())

    assert ContractNotice.objects.filter(contract=contract).exists()
    assert (deadline.kind, deadline.on) == (DeadlineKind.END, date(2026, 12, 31))


def test_nothing_of_the_usage_lies_after_the_load_time():
    assert not TimeEntry.objects.filter(created_at__gt=NOW).exists()
    assert not BillingLine.objects.filter(created_at__gt=NOW).exists()
    assert not TimeEntry.objects.filter(started_at__gt=NOW - timedelta(minutes=30)).exists()


def test_a_second_run_creates_nothing():
    before = usage_rows()

    output = seed()
    counts = usage_demo_seed(now=NOW)

    assert usage_rows() == before
    assert not any(counts.values())
    assert "nothing changed" in output
