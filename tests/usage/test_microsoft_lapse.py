"""Unused entitlements lapse once at the end of the work order (CON-20, A-31), and the figures
the dashboard and the portal show per Microsoft work order."""

from datetime import date
from decimal import Decimal

import pytest

from contracts.models import EntitlementMovement
from contracts.selectors import entitlement_balances
from tests.tickets.helpers import ams
from tests.usage.microsoft_helpers import (
    WORKSHOP,
    buy,
    ede_entry,
    ms_contract,
    ms_service,
    ms_ticket,
    rate,
)
from usage.selectors_microsoft import microsoft_figures
from usage.services.microsoft import (
    credits_redeem,
    ede_time_entry_deduct,
    entitlements_lapse,
    support_location_add,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended():
    contract = ms_contract()  # ends 30 Nov 2026
    buy(contract, "proactive_credits", "40")
    buy(contract, "ede_hours", "8")
    buy(contract, "dsa_hours", "0")
    return contract


def test_nothing_lapses_on_the_last_day(ended):
    assert entitlements_lapse(now=ams("2026-11-30 23:00")) == 0


def test_what_is_left_lapses_once_per_kind_the_day_after_the_end(ended):
    assert entitlements_lapse(now=ams("2026-12-01 00:30")) == 2
    assert entitlements_lapse(now=ams("2026-12-01 01:30")) == 0
    assert entitlements_lapse(now=ams("2026-12-02 00:30")) == 0
    lapsed = EntitlementMovement.objects.filter(cause="lapse").order_by("kind")
    assert [(row.kind, row.quantity) for row in lapsed] == [
        ("ede_hours", Decimal(-8)),
        ("proactive_credits", Decimal(-40)),
    ]
    assert entitlement_balances(ended) == {
        "dsa_hours": 0,
        "ede_hours": 0,
        "proactive_credits": 0,
    }


def test_each_support_location_lapses_on_its_own():
    contract = ms_contract()
    now = ams("2026-06-01 10:00")
    host = support_location_add(
        contract=contract, country="NL", role="host", credit_rate=Decimal(1), now=now
    )
    downstream = support_location_add(
        contract=contract, country="DE", role="downstream", credit_rate=Decimal(1), now=now
    )
    buy(contract, "proactive_credits", "30", location=host)
    buy(contract, "proactive_credits", "5", location=downstream)
    assert entitlements_lapse(now=ams("2026-12-01 06:00")) == 2
    assert sorted(
        EntitlementMovement.objects.filter(cause="lapse").values_list(
            "location__country", "quantity"
        )
    ) == [("DE", Decimal(-5)), ("NL", Decimal(-30))]


def test_the_figures_show_credits_hours_open_requests_and_days_to_the_deadline(
    django_assert_max_num_queries,
):
    contract = ms_contract()
    buy(contract, "proactive_credits", "40")
    buy(contract, "ede_hours", "10")
    rate(WORKSHOP, "12.5")
    credits_redeem(
        contract=contract,
        service=ms_service(WORKSHOP),
        requested_by=None,
        first_delivery_date=date(2026, 7, 1),
        now=ams("2026-06-01 10:00"),
    )
    ticket = ms_ticket(contract)
    ede_time_entry_deduct(
        entry=ede_entry(ticket, "2026-06-08 09:00", 90), now=ams("2026-06-08 11:00")
    )
    ms_contract(csam=None)  # a second work order, no movements
    with django_assert_max_num_queries(3):
        figures = microsoft_figures(today=date(2026, 10, 11))
    mine = next(row for row in figures if row.contract == contract)
    assert (
        mine.credits_left,
        mine.ede_purchased,
        mine.ede_used,
        mine.ede_left,
        mine.unused_requests,
        mine.request_deadline,
        mine.days_to_deadline,
    ) == (Decimal(27), Decimal(10), Decimal("1.50"), Decimal("8.50"), 1, date(2026, 10, 1), -10)
    assert len(figures) == 2
