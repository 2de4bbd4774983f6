"""Time registration on tickets (CON-56, BIL-04) and vendor escalations (TKT-05, TKT-100..105)."""

from datetime import datetime

import pytest

from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket, local
from tickets.exceptions import InvalidTransition, TicketValidationError
from tickets.models import Status, TimeCategory, Vendor
from tickets.selectors import (
    TimeTotals,
    ticket_has_open_vendor_escalation,
    ticket_time_totals,
    ticket_vendor_escalations,
    tickets_time_totals,
)
from tickets.services import ticket_resolve, ticket_transition
from tickets.services.work import (
    time_entry_add,
    vendor_escalation_close,
    vendor_escalation_open,
    vendor_update_shared,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def contact():
    return named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))


@pytest.fixture
def agent():
    return UserFactory()


@pytest.fixture
def ticket(contact):
    return create_ticket(contact, ams("2026-06-01 09:00"), priority_level="hoog")


def _add(ticket, agent, **kwargs):
    fields = {
        "ticket": ticket,
        "user": agent,
        "started_at": ams("2026-06-01 10:00"),
        "minutes": 30,
        "category": TimeCategory.IN_SUBSCRIPTION,
        "note": "",
        "now": ams("2026-06-01 11:00"),
    }
    fields.update(kwargs)
    return time_entry_add(**fields)


def test_a_time_entry_is_stored_with_its_event(ticket, agent):
    entry = _add(ticket, agent, minutes=45, note="  logs bekeken ")
    assert (entry.minutes, entry.category, entry.billable_override, entry.note) == (
        45,
        "in_subscription",
        None,
        "logs bekeken",
    )
    assert local(entry.started_at) == "2026-06-01 10:00 +0200"
    assert local(entry.ended_at) == "2026-06-01 10:45 +0200"
    event = ticket.events.get(kind="time_entry_added")
    assert event.actor_user == agent
    assert event.data == {"entry": entry.pk, "minutes": 45, "category": "in_subscription"}


def test_travel_is_stored_with_its_distance_in_the_event(ticket, agent):
    entry = _add(ticket, agent, minutes=40, category=TimeCategory.TRAVEL, distance_km=23)
    assert (entry.category, entry.distance_km) == ("travel", 23)
    event = ticket.events.get(kind="time_entry_added")
    assert event.data["distance_km"] == 23


def test_totals_count_minutes_and_distance(ticket, agent, contact, django_assert_num_queries):
    _add(ticket, agent, started_at=ams("2026-06-01 09:00"), minutes=30)
    _add(ticket, agent, started_at=ams("2026-06-01 09:30"), minutes=45)
    _add(
        ticket,
        agent,
        started_at=ams("2026-06-01 10:15"),
        minutes=15,
        category=TimeCategory.TRAVEL,
        distance_km=12,
    )
    other = create_ticket(contact, ams("2026-06-01 09:30"), priority_level="laag")
    _add(other, agent, started_at=ams("2026-06-01 10:30"), minutes=20)
    untouched = create_ticket(contact, ams("2026-06-01 09:40"), priority_level="laag")
    assert ticket_time_totals(ticket) == TimeTotals(total_minutes=90, distance_km=12)
    assert ticket_time_totals(untouched) == TimeTotals(0, 0)
    with django_assert_num_queries(1):
        totals = tickets_time_totals([ticket.pk, other.pk, untouched.pk])
    assert totals == {ticket.pk: TimeTotals(90, 12), other.pk: TimeTotals(20, 0)}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": 1441}, "minutes"),
        ({"minutes": -5}, "minutes"),
        ({"minutes": True}, "minutes"),
        ({"minutes": 1.5}, "minutes"),
        ({"category": "coffee"}, "category"),
        # Starts in the future.
        ({"started_at": ams("2026-06-01 11:30")}, "started_at"),
        # Starts in the past but would end after now.
        ({"started_at": ams("2026-06-01 10:45"), "minutes": 30}, "started_at"),
        ({"started_at": datetime(2026, 6, 1, 10)}, "started_at"),
    ],
    ids=[
        "zero",
        "over-a-day",
        "negative",
        "bool",
        "fraction",
        "category",
        "future",
        "ends-in-future",
        "naive",
    ],
)
def test_invalid_time_entries_are_refused(ticket, agent, kwargs, field):
    with pytest.raises(TicketValidationError) as refused:
        _add(ticket, agent, **kwargs)
    assert refused.value.field == field
    assert not ticket.time_entries.exists()
    assert not ticket.events.filter(kind="time_entry_added").exists()


def test_a_full_day_is_the_longest_entry(ticket, agent):
    entry = _add(ticket, agent, started_at=ams("2026-05-31 10:00"), minutes=1440)
    assert entry.minutes == 1440


def test_no_time_on_a_cancelled_ticket(ticket, agent):
    ticket_transition(
        ticket=ticket, to_status=Status.CANCELLED, now=ams("2026-06-01 09:30"), actor=agent
    )
    with pytest.raises(InvalidTransition, match="cancelled"):
        _add(ticket, agent)


def test_time_can_be_registered_after_the_ticket_closed(ticket, agent):
    ticket_resolve(
        ticket=ticket,
        kind="fix",
        text="Certificaat vervangen",
        now=ams("2026-06-01 10:30"),
        actor=agent,
    )
    ticket_transition(
        ticket=ticket, to_status=Status.CLOSED, now=ams("2026-06-01 10:40"), actor=agent
    )
    entry = _add(ticket, agent, started_at=ams("2026-06-01 10:00"), minutes=30)
    assert ticket.time_entries.get() == entry


# --- Vendor escalations ----------------------------------------------------------------------


def test_escalating_to_xurrent_and_sharing_updates_writes_events(ticket, agent):
    escalation = vendor_escalation_open(
        ticket=ticket,
        vendor=Vendor.XURRENT,
        vendor_reference="XR-4711",
        note="Defect in de koppeling",
        now=ams("2026-06-01 10:00"),
        actor=agent,
    )
    assert escalation.is_open
    assert ticket_has_open_vendor_escalation(ticket)
    opened = ticket.events.get(kind="vendor_escalated")
    assert opened.data == {
        "escalation": escalation.pk,
        "vendor": "xurrent",
        "vendor_name": "",
        "vendor_reference": "XR-4711",
    }
    escalation = vendor_update_shared(
        escalation=escalation, note="Fix gepland", now=ams("2026-06-02 11:00"), actor=agent
    )
    assert local(escalation.last_update_shared_at) == "2026-06-02 11:00 +0200"
    shared = ticket.events.get(kind="vendor_update_shared")
    assert (shared.data["note"], shared.actor_user) == ("Fix gepland", agent)
    vendor_escalation_close(escalation=escalation, now=ams("2026-06-03 09:00"), actor=agent)
    assert not ticket_has_open_vendor_escalation(ticket)
    assert ticket.events.filter(kind="vendor_escalation_closed").count() == 1
    with pytest.raises(InvalidTransition, match="closed"):
        vendor_update_shared(escalation=escalation, now=ams("2026-06-03 10:00"), actor=agent)


def test_several_vendors_but_one_open_escalation_each(ticket, agent):
    now = ams("2026-06-01 10:00")
    vendor_escalation_open(ticket=ticket, vendor=Vendor.MICROSOFT, now=now, actor=agent)
    vendor_escalation_open(
        ticket=ticket, vendor=Vendor.OTHER, vendor_name="Exact", now=now, actor=agent
    )
    with pytest.raises(InvalidTransition, match="already has an open escalation"):
        vendor_escalation_open(ticket=ticket, vendor=Vendor.MICROSOFT, now=now, actor=agent)
    names = [str(e) for e in ticket_vendor_escalations(ticket)]
    assert names == [f"{ticket.number} → Microsoft", f"{ticket.number} → Exact"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"vendor": "ibm"}, "vendor"), ({"vendor": "other", "vendor_name": " "}, "vendor_name")],
)
def test_the_vendor_must_be_known_or_named(ticket, agent, kwargs, field):
    with pytest.raises(TicketValidationError) as refused:
        vendor_escalation_open(ticket=ticket, now=ams("2026-06-01 10:00"), actor=agent, **kwargs)
    assert refused.value.field == field


def test_a_cancelled_ticket_is_not_escalated(ticket, agent):
    ticket_transition(
        ticket=ticket, to_status=Status.CANCELLED, now=ams("2026-06-01 09:30"), actor=agent
    )
    with pytest.raises(InvalidTransition):
        vendor_escalation_open(
            ticket=ticket, vendor=Vendor.XURRENT, now=ams("2026-06-01 10:00"), actor=agent
        )
