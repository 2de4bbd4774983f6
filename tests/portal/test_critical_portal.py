"""The portal's side of a critical situation (SPEC §3.10, ESC-12, D8): the resource by name,
typed updates in the conversation, the 24x7 effort request and the staffing downgrade request,
in Dutch and English."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contracts.models import ContactRoleKind
from tests.factories import ContractFactory, CustomerFactory, UserFactory
from tests.portal.conftest import client_for, contact_in_role
from tests.tickets.helpers import ams, create_ticket
from tickets.models import PriorityChangeRequest, PriorityReason, Ticket
from tickets.services import ticket_critical_resource_assign, ticket_status_update

pytestmark = pytest.mark.django_db


def _ticket(level: str) -> Ticket:
    contract = ContractFactory(
        customer=CustomerFactory(), provider_code="microsoft", package_code="performance"
    )
    manager = contact_in_role(contract, ContactRoleKind.SUPPORT_SERVICES_MANAGER)
    return create_ticket(manager, ams("2026-06-13 03:00"), priority_level=level)


def _page(ticket: Ticket) -> str:
    return reverse("portal:ticket", args=[ticket.number])


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ('<html lang="en"', "Critical situation resource", ">Status update<")),
        ("nl", ('<html lang="nl"', 'id="critical-resource"', 'class="update-kind"')),
    ],
)
def test_the_customer_sees_the_resource_and_the_typed_update(language, words):
    ticket = _ticket("critical")
    resource = UserFactory(first_name="Rosa", last_name="Bakker")
    ticket_critical_resource_assign(
        ticket=ticket, user=resource, actor=resource, now=ams("2026-06-13 03:20")
    )
    ticket_status_update(
        ticket=ticket,
        author=resource,
        kind="status",
        body="Failover loopt.",
        now=ams("2026-06-13 04:00"),
    )
    client = client_for(ticket.contact, HTTP_ACCEPT_LANGUAGE=language)
    client.cookies["django_language"] = language
    page = client.get(_page(ticket)).content.decode()
    assert "Rosa Bakker" in page
    assert "Failover loopt." in page
    for word in words:
        assert word in page


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_customer_asks_for_24x7_effort_on_a_normal_case(language):
    ticket = _ticket("normal")
    client = client_for(ticket.contact)
    client.cookies["django_language"] = language
    assert 'id="effort-24x7-request"' in client.get(_page(ticket)).content.decode()
    client.post(_page(ticket), {"action": "effort_24x7"})
    ticket.refresh_from_db()
    assert ticket.effort_24x7_requested is True
    page = client.get(_page(ticket)).content.decode()
    assert 'id="effort-24x7-request"' not in page
    assert 'id="effort-24x7"' in page


def test_no_24x7_effort_request_on_a_critical_case():
    ticket = _ticket("critical")
    page = client_for(ticket.contact).get(_page(ticket)).content.decode()
    assert 'id="effort-24x7-request"' not in page


def test_the_customer_asks_for_a_downgrade_because_it_cannot_staff_24x7():
    ticket = _ticket("critical")
    client = client_for(ticket.contact)
    assert "priority-cannot_staff_24x7" in client.get(_page(ticket)).content.decode()
    client.post(
        _page(ticket),
        {
            "action": "priority",
            "priority-level": "normal",
            "priority-reason": "Geen nachtdienst",
            "priority-cannot_staff_24x7": "on",
        },
    )
    request = PriorityChangeRequest.objects.get(ticket=ticket)
    assert request.reason_code == PriorityReason.CUSTOMER_CANNOT_STAFF_24X7


def test_no_staffing_choice_on_a_business_hours_case():
    ticket = _ticket("normal")
    page = client_for(ticket.contact).get(_page(ticket)).content.decode()
    assert "priority-cannot_staff_24x7" not in page
