"""Priority requests and decisions, 24x7 downgrade and effort flag (D8, TKT-12, TKT-14, A-41)."""

import pytest

from contracts.models import BusinessCalendar
from tests.factories import ContactFactory, ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket, local
from tickets.exceptions import PriorityNotAllowed, TicketValidationError
from tickets.models import PriorityReason, RequestState
from tickets.services import (
    ticket_change_priority,
    ticket_priority_decide,
    ticket_priority_request,
    ticket_request_24x7_effort,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def contact():
    return named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))


@pytest.fixture
def agent():
    return UserFactory()


def _gemiddeld(contact):
    # Gemiddeld (18 bh response) registered Mon 1 Jun 09:00.
    return create_ticket(contact, ams("2026-06-01 09:00"), priority_level="gemiddeld")


def test_a_customer_request_changes_nothing_until_decided(contact):
    ticket = _gemiddeld(contact)
    request = ticket_priority_request(
        ticket=ticket,
        contact=contact,
        level="top",
        reason="Nu ook andere afdelingen geraakt",
        now=ams("2026-06-01 09:30"),
    )
    ticket.refresh_from_db()
    assert (request.state, ticket.priority_level) == (RequestState.PENDING, "gemiddeld")
    assert ticket.events.filter(kind="priority_change_requested").exists()


def test_accepting_applies_the_priority_from_the_original_start(contact, agent):
    ticket = _gemiddeld(contact)
    request = ticket_priority_request(
        ticket=ticket, contact=contact, level="top", reason="x", now=ams("2026-06-01 09:30")
    )
    ticket_priority_decide(
        request=request, accept=True, note="terecht", now=ams("2026-06-01 09:40"), actor=agent
    )
    ticket.refresh_from_db()
    assert ticket.priority_level == "top"
    assert local(ticket.response_due_at) == "2026-06-01 10:00 +0200"
    change = ticket.events.get(kind="priority_changed")
    assert change.data["reason_code"] == PriorityReason.CUSTOMER_REQUEST


def test_a_request_is_decided_only_once(contact, agent):
    ticket = _gemiddeld(contact)
    request = ticket_priority_request(
        ticket=ticket, contact=contact, level="top", reason="x", now=ams("2026-06-01 09:30")
    )
    ticket_priority_decide(
        request=request,
        accept=False,
        note="impact is één gebruiker",
        now=ams("2026-06-01 09:40"),
        actor=agent,
    )
    with pytest.raises(PriorityNotAllowed, match="already been decided"):
        ticket_priority_decide(
            request=request, accept=True, note="", now=ams("2026-06-01 09:50"), actor=agent
        )
    ticket.refresh_from_db()
    assert ticket.priority_level == "gemiddeld"


def test_one_pending_request_at_a_time(contact):
    ticket = _gemiddeld(contact)
    ticket_priority_request(
        ticket=ticket, contact=contact, level="top", reason="x", now=ams("2026-06-01 09:30")
    )
    with pytest.raises(PriorityNotAllowed, match="already has a priority request"):
        ticket_priority_request(
            ticket=ticket, contact=contact, level="hoog", reason="y", now=ams("2026-06-01 09:31")
        )


@pytest.mark.parametrize(
    ("level", "reason", "other_customer", "error"),
    [
        ("urgent", "x", False, PriorityNotAllowed),
        ("top", " ", False, TicketValidationError),
        ("top", "x", True, PriorityNotAllowed),
    ],
)
def test_bad_requests_are_refused(contact, level, reason, other_customer, error):
    ticket = _gemiddeld(contact)
    requester = ContactFactory() if other_customer else contact
    with pytest.raises(error):
        ticket_priority_request(
            ticket=ticket,
            contact=requester,
            level=level,
            reason=reason,
            now=ams("2026-06-01 09:30"),
        )


def test_24x7_downgrade_is_recorded_and_switches_to_business_hours(agent):
    contract = ContractFactory(provider_code="microsoft", package_code="advanced")
    ticket = create_ticket(
        named_contact(contract), ams("2026-06-05 16:00"), priority_level="critical"
    )
    assert local(ticket.response_due_at) == "2026-06-05 17:00 +0200"  # 1 h, 24x7
    ticket = ticket_change_priority(
        ticket=ticket,
        level="normal",
        reason="Klant kan geen 24x7 bezetting leveren",
        reason_code=PriorityReason.CUSTOMER_CANNOT_STAFF_24X7,
        now=ams("2026-06-05 16:30"),
        actor=agent,
    )
    # Normal: 4 business hours from Fri 16:00: 1h30 Friday, 2h30 from Mon 09:00.
    assert local(ticket.response_due_at) == "2026-06-08 11:30 +0200"
    assert ticket.calendar.code == "microsoft-nl"
    event = ticket.events.get(kind="priority_changed")
    assert event.data["reason_code"] == "customer_cannot_staff_24x7"


def test_a_downgrade_follows_the_contracts_own_calendar(agent):
    location = BusinessCalendar.objects.get(code="websitenazorg", release__is_current=True)
    contract = ContractFactory(
        provider_code="microsoft", package_code="advanced", calendar=location
    )
    ticket = create_ticket(
        named_contact(contract), ams("2026-06-05 16:00"), priority_level="critical"
    )
    assert ticket.calendar.code == "24x7"
    ticket = ticket_change_priority(
        ticket=ticket, level="normal", reason="x", now=ams("2026-06-05 16:30"), actor=agent
    )
    assert ticket.calendar == location


def test_24x7_effort_on_a_normal_case_sets_only_a_flag(agent):
    contract = ContractFactory(provider_code="microsoft", package_code="performance")
    contact = named_contact(contract)
    ticket = create_ticket(contact, ams("2026-06-05 16:00"), priority_level="normal")
    due = ticket.response_due_at
    ticket = ticket_request_24x7_effort(ticket=ticket, contact=contact, now=ams("2026-06-05 16:10"))
    assert ticket.effort_24x7_requested is True
    assert ticket.response_due_at == due
    assert ticket.events.filter(kind="effort_24x7_requested").count() == 1


def test_the_back_office_accepts_a_request_through_the_service(contact, admin_client):
    ticket = _gemiddeld(contact)
    request = ticket_priority_request(
        ticket=ticket, contact=contact, level="hoog", reason="x", now=ams("2026-06-01 09:30")
    )
    response = admin_client.post(
        "/admin/tickets/prioritychangerequest/",
        {"action": "accept", "_selected_action": [request.pk]},
        follow=True,
    )
    assert response.status_code == 200
    request.refresh_from_db()
    ticket.refresh_from_db()
    assert (request.state, ticket.priority_level) == (RequestState.ACCEPTED, "hoog")
