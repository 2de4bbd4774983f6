"""The work page's critical situation panel (SPEC §3.10, ESC-12, ESC-13, D8): each control
calls its service; refusals are shown on the page."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from contracts.models import EntitlementKind, EntitlementMovement
from notifications.models import OutboxEmail
from tests.backoffice.conftest import english_client, staff
from tests.factories import ContractFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import PriorityReason, Ticket

pytestmark = pytest.mark.django_db


def _ticket(package: str, level: str, when: str = "2026-06-12 10:00") -> Ticket:
    contract = ContractFactory(provider_code="microsoft", package_code=package)
    return create_ticket(named_contact(contract), ams(when), priority_level=level)


def _page(ticket: Ticket) -> str:
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


def test_the_first_line_assigns_the_critical_situation_resource():
    ticket = _ticket("advanced", "critical")
    user = staff("first")
    client = english_client(user)
    page = client.get(_page(ticket)).content.decode()
    assert "none assigned yet" in page
    response = client.post(
        _page(ticket), {"do": "critical_resource", "critical_resource-user": user.pk}
    )
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).critical_resource == user
    assert "none assigned yet" not in client.get(_page(ticket)).content.decode()


def test_no_critical_panel_on_a_ticket_without_a_critical_situation():
    ticket = create_ticket(
        named_contact(ContractFactory()), ams("2026-06-12 10:00"), priority_level="hoog"
    )
    page = english_client(staff("first")).get(_page(ticket)).content.decode()
    assert 'id="critical-situation"' not in page


def test_an_escalation_update_at_night_without_rsm_hours_is_refused_on_the_page():
    ticket = _ticket("advanced", "normal")
    client = english_client(staff("first"))
    with time_machine.travel(ams("2026-06-13 03:00"), tick=False):
        page = client.get(_page(ticket)).content.decode()
        assert "need extra RSM hours (the RSM add-on); this contract has none" in page
        response = client.post(
            _page(ticket),
            {
                "do": "status_update",
                "status_update-kind": "escalation_update",
                "status_update-body": "Stand",
            },
            follow=True,
        )
    assert "needs extra RSM hours" in response.content.decode()
    assert not ticket.messages.exists()


def test_an_escalation_update_at_night_uses_rsm_hours_and_mails_the_customer():
    ticket = _ticket("advanced", "normal")
    EntitlementMovement.objects.create(
        contract=ticket.contract,
        kind=EntitlementKind.RSM_HOURS,
        quantity=Decimal("2"),
        reason="RSM add-on",
        occurred_at=ams("2026-01-01 09:00"),
    )
    client = english_client(staff("first"))
    with time_machine.travel(ams("2026-06-13 03:00"), tick=False):
        assert "use extra RSM hours: 2" in client.get(_page(ticket)).content.decode()
        response = client.post(
            _page(ticket),
            {
                "do": "status_update",
                "status_update-kind": "escalation_update",
                "status_update-body": "Stand",
            },
        )
    assert response.status_code == 302
    message = ticket.messages.get()
    assert message.update_kind == "escalation_update"
    assert OutboxEmail.objects.filter(key=f"reply:{message.pk}").count() == 1
    used = EntitlementMovement.objects.filter(contract=ticket.contract, quantity__lt=0)
    assert [m.quantity for m in used] == [Decimal("-0.25")]


def test_executives_are_offered_on_performance_critical_and_notified_once():
    ticket = _ticket("performance", "critical")
    ticket.contract.escalation_contacts.create(level=2, role="Director", email="dir@ms.example")
    client = english_client(staff("first"))
    assert "Notify our senior executives" in client.get(_page(ticket)).content.decode()
    client.post(_page(ticket), {"do": "executives", "executives-side": "provider"})
    page = client.get(_page(ticket)).content.decode()
    assert "Notify our senior executives" not in page
    assert "Notified our senior executives on" in page
    assert OutboxEmail.objects.filter(key__startswith="executives:").count() == 1


def test_a_downgrade_because_the_customer_cannot_staff_24x7_is_recorded():
    ticket = _ticket("advanced", "critical")
    client = english_client(staff("first"))
    response = client.post(
        _page(ticket),
        {
            "do": "priority",
            "priority-level": "normal",
            "priority-reason_code": PriorityReason.CUSTOMER_CANNOT_STAFF_24X7,
            "priority-reason": "Geen nachtdienst beschikbaar",
        },
    )
    assert response.status_code == 302
    event = ticket.events.get(kind="priority_changed")
    assert event.data["reason_code"] == "customer_cannot_staff_24x7"


def test_the_staffing_reason_is_refused_for_a_move_that_is_no_24x7_downgrade():
    ticket = _ticket("advanced", "normal")
    response = english_client(staff("first")).post(
        _page(ticket),
        {
            "do": "priority",
            "priority-level": "critical",
            "priority-reason_code": PriorityReason.CUSTOMER_CANNOT_STAFF_24X7,
            "priority-reason": "x",
        },
        follow=True,
    )
    assert "explains only a downgrade from a 24x7 priority" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).priority_level == "normal"


def test_the_first_line_records_a_customers_24x7_effort_request():
    ticket = _ticket("performance", "normal")
    due = ticket.response_due_at
    client = english_client(staff("first"))
    assert "The customer asks for 24x7 effort" in client.get(_page(ticket)).content.decode()
    client.post(_page(ticket), {"do": "effort_24x7"})
    ticket.refresh_from_db()
    assert (ticket.effort_24x7_requested, ticket.response_due_at) == (True, due)
