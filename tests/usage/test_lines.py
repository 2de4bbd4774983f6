"""The ticket's billable lines follow its recorded work: only differences are written, twice
writes nothing, a closed month's change lands in the next open month as a correction."""

from decimal import Decimal

import pytest

from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tests.usage.factories import ContractBillingFactory, coordinator, work
from tickets.exceptions import TicketValidationError
from tickets.models import TimeEntry
from tickets.services.timers import time_timer_start
from usage.models import BillingLine
from usage.services.lines import ticket_lines_refresh
from usage.services.months import billing_month_close
from usage.services.time import time_entry_record, time_timer_stop

pytestmark = pytest.mark.django_db

NOW = ams("2026-06-10 12:00")


def _ticket(package_code="basis", rates=True):
    contract = ContractFactory(provider_code="cbg", package_code=package_code)
    if rates:
        ContractBillingFactory(contract=contract)
    return create_ticket(named_contact(contract), ams("2026-05-04 09:00"))


def _lines(ticket):
    return [
        (line.month.isoformat(), line.category, line.quantity, line.amount)
        for line in BillingLine.objects.filter(ticket=ticket).order_by("pk")
    ]


def test_basis_job_of_45_contiguous_minutes_writes_one_line_of_15_minutes():
    ticket = _ticket()
    work(ticket, ams("2026-06-01 10:00"), 25)
    work(ticket, ams("2026-06-01 10:25"), 20)
    ticket_lines_refresh(ticket=ticket, now=NOW)
    assert _lines(ticket) == [("2026-06-01", "over_limit", Decimal(15), Decimal("22.50"))]


def test_refreshing_twice_writes_nothing_the_second_time():
    ticket = _ticket()
    work(ticket, ams("2026-06-01 10:00"), 45)
    ticket_lines_refresh(ticket=ticket, now=NOW)
    assert ticket_lines_refresh(ticket=ticket, now=NOW) == []
    assert BillingLine.objects.filter(ticket=ticket).count() == 1


def test_more_work_writes_only_the_difference_pointing_at_the_earlier_line():
    ticket = _ticket()
    work(ticket, ams("2026-06-01 10:00"), 45)
    first = ticket_lines_refresh(ticket=ticket, now=NOW)[0]
    work(ticket, ams("2026-06-01 10:45"), 10)
    delta = ticket_lines_refresh(ticket=ticket, now=NOW)
    assert [(d.quantity, d.amount, d.corrects_id) for d in delta] == [
        (Decimal(10), Decimal("15.00"), first.pk)
    ]


def test_a_withdrawn_billing_is_a_negative_line_never_an_edit():
    ticket = _ticket()
    entry = work(ticket, ams("2026-06-01 10:00"), 45)
    ticket_lines_refresh(ticket=ticket, now=NOW)
    TimeEntry.objects.filter(pk=entry.pk).update(minutes=20)
    ticket_lines_refresh(ticket=ticket, now=NOW)
    assert _lines(ticket) == [
        ("2026-06-01", "over_limit", Decimal(15), Decimal("22.50")),
        ("2026-06-01", "over_limit", Decimal(-15), Decimal("-22.50")),
    ]


def test_a_closed_months_change_lands_in_the_next_open_month_as_a_correction():
    ticket = _ticket()
    work(ticket, ams("2026-05-20 10:00"), 45)
    first = ticket_lines_refresh(ticket=ticket, now=NOW)[0]
    billing_month_close(
        provider=ticket.contract.provider, month=first.month, by=coordinator(), now=NOW
    )
    work(ticket, ams("2026-05-20 10:45"), 15)
    correction = ticket_lines_refresh(ticket=ticket, now=NOW)[0]
    assert (correction.month.isoformat(), correction.quantity, correction.corrects_id) == (
        "2026-06-01",
        Decimal(15),
        first.pk,
    )
    assert correction.source == first.source


def test_standaard_ticket_bills_a_quarter_for_ten_minutes():
    ticket = _ticket("standaard")
    work(ticket, ams("2026-06-02 14:00"), 10)
    ticket_lines_refresh(ticket=ticket, now=NOW)
    assert _lines(ticket) == [("2026-06-01", "labour", Decimal(15), Decimal("22.50"))]


def test_without_rates_nothing_is_written():
    ticket = _ticket(rates=False)
    work(ticket, ams("2026-06-01 10:00"), 90)
    assert ticket_lines_refresh(ticket=ticket, now=NOW) == []


def test_recording_time_writes_the_entry_and_its_line_together():
    ticket = _ticket("standaard")
    entry = time_entry_record(
        ticket=ticket,
        user=UserFactory(),
        started_at=ams("2026-06-02 14:00"),
        minutes=20,
        category="in_subscription",
        note="mailbox hersteld",
        now=NOW,
    )
    assert BillingLine.objects.get(ticket=ticket).quantity == Decimal(30)
    assert entry.minutes == 20


def test_a_stopped_timer_writes_its_entry_and_line_together():
    ticket = _ticket("standaard")
    engineer = UserFactory()
    time_timer_start(ticket=ticket, user=engineer, now=ams("2026-06-02 14:00"))
    entry = time_timer_stop(
        user=engineer,
        ticket=ticket,
        category="in_subscription",
        note="printer",
        now=ams("2026-06-02 14:20"),
    )
    assert entry.minutes == 20
    assert BillingLine.objects.get(ticket=ticket).quantity == Decimal(30)


def test_refused_time_writes_neither_entry_nor_line():
    ticket = _ticket("standaard")
    with pytest.raises(TicketValidationError):
        time_entry_record(
            ticket=ticket,
            user=UserFactory(),
            started_at=ams("2026-06-02 14:00"),
            minutes=-5,
            category="in_subscription",
            note="",
            now=NOW,
        )
    assert (TimeEntry.objects.filter(ticket=ticket).count(), BillingLine.objects.count()) == (0, 0)


def test_a_coordinators_decision_brings_the_lines_up_to_date_with_it():
    from usage.services.time import time_entry_billable_decide

    ticket = _ticket("standaard")
    entry = time_entry_record(
        ticket=ticket,
        user=UserFactory(),
        started_at=ams("2026-06-02 14:00"),
        minutes=20,
        category="in_subscription",
        note="",
        now=NOW,
    )
    time_entry_billable_decide(
        entry=entry, billable=False, reason="Garantie", by=coordinator(), now=NOW
    )
    assert sum(line.quantity for line in BillingLine.objects.filter(ticket=ticket)) == 0
