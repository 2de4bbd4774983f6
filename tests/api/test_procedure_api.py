"""Websitenazorg through the API (issue #13 §2): the customer takes the steps of the escalation
procedure with a reason, as on the portal's panel, each step an escalation record staff read
in GET /escalations/; an emergency filed through the API outside 09:00-17:00 reaches on call
once, as the portal's does."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User

from contracts.models import Contact, ContactRoleKind, Contract, EscalationContact, TokenScope
from escalation.models import Escalation, Level, OnCallPage, Reason
from tests.api.conftest import api_client, contact_token, provider_token, staff_member
from tests.api.oncall_spy import oncall_calls
from tests.factories import ContractFactory
from tests.out_of_hours.support import SATURDAY_0300, TUESDAY_NOON
from tests.portal.conftest import contact_in_role
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def wnz(reference: str) -> tuple[Contract, Contact]:
    contract = ContractFactory(
        provider_code="websitenazorg", package_code="office365", reference=reference
    )
    contact = contact_in_role(contract, ContactRoleKind.NAMED_CONTACT, name=f"Klant {reference}")
    contact_in_role(contract, ContactRoleKind.SUPPORT_SERVICES_MANAGER)
    EscalationContact.objects.create(
        contract=contract, level=2, role="Management", name="Sanne Senior", email="s@wnz.example"
    )
    return contract, contact


@pytest.fixture
def customer(db: None) -> tuple[Contract, Contact]:
    return wnz("WNZ-A")


@pytest.fixture
def staff(db: None) -> User:
    return staff_member("wnz-coordinator")


def file_ticket(contact: Contact, at: datetime, **changes: Any) -> Any:
    body = {
        "request_type": "incident",
        "subject": "De website is onbereikbaar",
        "description": "Sinds middernacht geeft de site een foutmelding.",
        **changes,
    }
    with time_machine.travel(at, tick=False):
        return api_client(contact_token(contact)).post("/api/v1/tickets/", body, format="json")


def ticket_of(contact: Contact) -> int:
    response = file_ticket(contact, TUESDAY_NOON)
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def next_step(contact: Contact, ticket_id: int, reason: str) -> Any:
    client = api_client(contact_token(contact))
    return client.post(f"/api/v1/tickets/{ticket_id}/procedure/", {"reason": reason}, format="json")


# --- the procedure ----------------------------------------------------------------------------


def test_the_customer_takes_step_2_and_3_with_its_reasons(
    customer: tuple[Contract, Contact],
) -> None:
    _contract, contact = customer
    ticket_id = ticket_of(contact)
    first = next_step(contact, ticket_id, "Het probleem is nog steeds niet opgelost.")
    assert first.status_code == 201, first.content
    steps = first.json()["steps"]
    assert [(s["number"], s["current"]) for s in steps] == [(1, False), (2, True), (3, False)]
    assert steps[1]["taken"]["reason"] == "Het probleem is nog steeds niet opgelost."
    assert steps[1]["taken"]["taken_by"]["name"] == "Klant WNZ-A"

    second = next_step(contact, ticket_id, "Al twee weken geen oplossing: bemiddeling graag.")
    assert second.status_code == 201, second.content
    assert second.json()["steps"][2]["current"]
    rows = Escalation.objects.filter(ticket_id=ticket_id).order_by("level")
    assert [(r.level, r.reason, r.raised_by_contact_id) for r in rows] == [
        (Level.SECOND_LINE, Reason.CUSTOMER_UNSATISFIED, contact.pk),
        (Level.MEDIATION, Reason.MEDIATION, contact.pk),
    ]


def test_after_the_third_step_no_further_step_is_taken(
    customer: tuple[Contract, Contact],
) -> None:
    _contract, contact = customer
    ticket_id = ticket_of(contact)
    next_step(contact, ticket_id, "Niet opgelost.")
    next_step(contact, ticket_id, "Nog steeds niet.")
    refused = next_step(contact, ticket_id, "En nu?")
    assert refused.status_code == 422
    assert "All steps of the procedure have been taken" in refused.json()["detail"]
    assert Escalation.objects.filter(ticket_id=ticket_id).count() == 2


def test_a_step_needs_a_reason(customer: tuple[Contract, Contact]) -> None:
    _contract, contact = customer
    ticket_id = ticket_of(contact)
    response = next_step(contact, ticket_id, "")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    assert not Escalation.objects.filter(ticket_id=ticket_id).exists()


def test_staff_read_the_steps_here_and_in_the_escalations_but_do_not_take_them(
    customer: tuple[Contract, Contact], staff: User
) -> None:
    _contract, contact = customer
    ticket_id = ticket_of(contact)
    next_step(contact, ticket_id, "Niet naar tevredenheid opgelost.")
    client = api_client(provider_token(staff, "websitenazorg"))

    read = client.get(f"/api/v1/tickets/{ticket_id}/procedure/")
    assert read.status_code == 200
    assert read.json()["steps"][1]["taken"]["reason"] == "Niet naar tevredenheid opgelost."
    listed = client.get("/api/v1/escalations/", {"ticket": ticket_id}).json()["results"]
    assert [(e["level"], e["reason"], e["note"]) for e in listed] == [
        (2, "customer_unsatisfied", "Niet naar tevredenheid opgelost.")
    ]
    assert listed[0]["raised_by_contact"]["id"] == contact.pk

    taken = client.post(f"/api/v1/tickets/{ticket_id}/procedure/", {"reason": "x"}, format="json")
    assert (taken.status_code, taken.json()["code"]) == (403, "customer_only")


def test_the_customer_sees_its_step_in_its_escalations(customer: tuple[Contract, Contact]) -> None:
    _contract, contact = customer
    ticket_id = ticket_of(contact)
    next_step(contact, ticket_id, "Niet opgelost.")
    listed = api_client(contact_token(contact)).get("/api/v1/escalations/").json()["results"]
    assert [(e["ticket"]["id"], e["level"]) for e in listed] == [(ticket_id, 2)]


def test_another_organisation_finds_no_ticket(customer: tuple[Contract, Contact]) -> None:
    _contract, contact = customer
    ticket_id = ticket_of(contact)
    _other_contract, stranger = wnz("WNZ-B")
    client = api_client(contact_token(stranger))
    assert client.get(f"/api/v1/tickets/{ticket_id}/procedure/").status_code == 404
    refused = next_step(stranger, ticket_id, "Wij escaleren")
    assert refused.status_code == 404
    assert b"WNZ-A" not in refused.content
    assert not Escalation.objects.exists()


def test_a_read_only_token_takes_no_step(customer: tuple[Contract, Contact]) -> None:
    _contract, contact = customer
    ticket_id = ticket_of(contact)
    client = api_client(contact_token(contact, scope=TokenScope.READ))
    response = client.post(f"/api/v1/tickets/{ticket_id}/procedure/", {"reason": "x"})
    assert (response.status_code, response.json()["code"]) == (403, "read_only_token")


def test_a_ticket_without_the_procedure_says_so_and_refuses_a_step() -> None:
    contract = ContractFactory(reference="ONS-PROC-1")
    contact = contact_in_role(contract, ContactRoleKind.SUPPORT_SERVICES_MANAGER)
    ticket_id = ticket_of(contact)
    read = api_client(contact_token(contact)).get(f"/api/v1/tickets/{ticket_id}/procedure/")
    assert read.json() == {"applies": False, "steps": []}
    refused = next_step(contact, ticket_id, "Niet opgelost.")
    assert refused.status_code == 422
    assert "no step-by-step escalation procedure" in refused.json()["detail"]


# --- an emergency filed through the API -------------------------------------------------------


def test_an_emergency_on_saturday_0300_reaches_on_call_once(
    customer: tuple[Contract, Contact], monkeypatch: pytest.MonkeyPatch
) -> None:
    _contract, contact = customer
    calls = oncall_calls(monkeypatch)
    response = file_ticket(contact, SATURDAY_0300, emergency=True)
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.emergency
    assert calls.count("emergency") == 1
    pages = OnCallPage.objects.filter(ticket=ticket)
    assert [page.opened_at for page in pages] == [SATURDAY_0300]


def test_an_emergency_in_office_hours_and_a_normal_ticket_at_night_page_nobody(
    customer: tuple[Contract, Contact], monkeypatch: pytest.MonkeyPatch
) -> None:
    _contract, contact = customer
    calls = oncall_calls(monkeypatch)
    assert file_ticket(contact, TUESDAY_NOON, emergency=True).status_code == 201
    assert file_ticket(contact, SATURDAY_0300).status_code == 201
    assert "emergency" not in calls
