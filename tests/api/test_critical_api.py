"""A ticket's critical situation through the API (SPEC §3.10, ESC-12, D8): the work page's and
the portal's services, for the right caller only; another customer's ticket is 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from contracts.models import ContactRoleKind, EscalationContact
from notifications.models import OutboxEmail
from tests.api.conftest import api_client, contact_token, provider_token
from tests.factories import ContractFactory, CustomerFactory
from tests.portal.conftest import contact_in_role
from tests.tickets.helpers import create_ticket
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _ticket(code: str, level: str = "critical") -> Ticket:
    contract = ContractFactory(
        customer=CustomerFactory(code=code), provider_code="microsoft", package_code="performance"
    )
    EscalationContact.objects.create(
        contract=contract, level=2, role="Director", name="Dirk de Wit", email="dirk@ms.example"
    )
    manager = contact_in_role(
        contract, ContactRoleKind.SUPPORT_SERVICES_MANAGER, email=f"ssm@{code}.example"
    )
    return create_ticket(manager, timezone.now(), priority_level=level)


def _url(ticket: Ticket, action: str) -> str:
    return f"/api/v1/tickets/{ticket.pk}/{action}/"


@pytest.fixture
def staff(coordinator: User) -> Any:
    return api_client(provider_token(coordinator, provider="microsoft"))


def test_staff_assign_the_resource_and_the_customer_reads_it(staff: Any, coordinator: User):
    ticket = _ticket("alfa")
    response = staff.post(
        _url(ticket, "critical-resource"), {"user": coordinator.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["resource"]["id"] == coordinator.pk
    assert body["executives_offered"] == ["provider", "customer"]
    customer = api_client(contact_token(ticket.contact))
    read = customer.get(_url(ticket, "critical-situation")).json()
    assert read["resource"]["id"] is None
    assert read["resource"]["name"]
    assert read["resource_assigned_at"] is not None
    assert read["executives_offered"] == []


def test_a_customer_token_may_not_assign_the_resource(coordinator: User):
    ticket = _ticket("alfa")
    customer = api_client(contact_token(ticket.contact))
    response = customer.post(
        _url(ticket, "critical-resource"), {"user": coordinator.pk}, format="json"
    )
    assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).critical_resource_id is None


def test_another_customers_ticket_is_404_for_every_critical_action(coordinator: User):
    mine, theirs = _ticket("alfa"), _ticket("bravo")
    customer = api_client(contact_token(mine.contact))
    assert customer.get(_url(theirs, "critical-situation")).status_code == 404
    assert customer.post(_url(theirs, "effort-24x7")).status_code == 404


def test_a_typed_update_is_written_and_mailed_once(staff: Any):
    ticket = _ticket("alfa")
    response = staff.post(
        _url(ticket, "status-updates"),
        {"kind": "status", "body": "De replica wordt hersteld."},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["update_kind"] == "status"
    rows = OutboxEmail.objects.filter(key__startswith=f"reply:{response.json()['id']}")
    assert [r.to_email for r in rows] == ["ssm@alfa.example"]  # the contact is the manager


def test_executives_are_notified_once_then_refused(staff: Any):
    ticket = _ticket("alfa")
    url = _url(ticket, "executive-notifications")
    first = staff.post(url, {"side": "provider", "note": "Productie ligt plat"}, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["recipients"] == ["dirk@ms.example"]
    again = staff.post(url, {"side": "provider"}, format="json")
    assert again.status_code == 422
    assert OutboxEmail.objects.filter(key__startswith="executives:").count() == 1


def test_a_customer_asks_for_24x7_effort_on_a_normal_case_only():
    normal, critical = _ticket("alfa", "normal"), _ticket("bravo")
    response = api_client(contact_token(normal.contact)).post(_url(normal, "effort-24x7"))
    assert response.status_code == 200, response.content
    assert response.json()["effort_24x7_requested"] is True
    refused = api_client(contact_token(critical.contact)).post(_url(critical, "effort-24x7"))
    assert refused.status_code == 422
