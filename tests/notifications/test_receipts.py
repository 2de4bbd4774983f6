"""Issue #11 §2: a receipt for every channel that creates a ticket; here the first line's phone
registration (the back-office "New ticket" page), whose receipt box is on by default. With the
box on, the contact's receipt (outbox key "receipt:ticket:<pk>") is written with the ticket, in
the contact's language, with the number and the due times; with it off, none is."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils.translation import gettext, override

from notifications.models import OutboxEmail
from notifications.services.emails import due_text
from tests.backoffice.conftest import english_client, staff
from tests.intake.conftest import Desk, desk_build
from tickets.models import Channel, Ticket

pytestmark = pytest.mark.django_db

# A Tuesday, 12:00 in Amsterdam: inside business hours.
NOW = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
PAGE = "/admin/backoffice/tickets/new/"


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def desk(db: None) -> Desk:
    return desk_build()


def _register_call(client: Client, desk: Desk, **changes: Any) -> Ticket:
    data: dict[str, Any] = {
        "received_how": "phone",
        "received_at": "2026-03-10T11:40",  # Amsterdam: 20 minutes ago
        "request_type": "incident",
        "subject": "Outlook start niet",
        "description": "Sinds vanochtend start Outlook bij niemand.",
        "impact_scope": "multiple_users",
        "impact_effect": "down",
        "send_receipt": "on",
    }
    data.update(changes)
    sent = {key: value for key, value in data.items() if value is not None}
    response = client.post(f"{PAGE}?contact={desk.anna.pk}", sent)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Ticket.objects.get(subject=data["subject"])


@pytest.mark.parametrize(
    ("language", "opening"), [("nl", "We hebben uw verzoek ontvangen"), ("en", "We received")]
)
def test_a_phone_registration_with_the_receipt_box_on_writes_the_receipt(
    desk: Desk, language: str, opening: str
) -> None:
    desk.anna.language = language
    desk.anna.save(update_fields=["language"])

    ticket = _register_call(english_client(staff("first")), desk)

    assert ticket.channel == Channel.PHONE
    receipt = OutboxEmail.objects.get(key=f"receipt:ticket:{ticket.pk}")
    assert (receipt.to_email, receipt.language, receipt.ticket_id) == (
        desk.anna.email,
        language,
        ticket.pk,
    )
    with override(language):
        heading = gettext("We received your request: ticket %(number)s")
        due = [
            due_text(ticket, ticket.response_due_at, resolution=False),
            due_text(ticket, ticket.resolution_due_at, resolution=True),
        ]
    assert heading % {"number": ticket.number} in receipt.subject
    assert opening in receipt.subject
    assert ticket.response_due_at is not None
    assert all(moment in receipt.body_text for moment in due)


def test_a_phone_registration_with_the_receipt_box_off_writes_no_receipt(desk: Desk) -> None:
    ticket = _register_call(english_client(staff("first")), desk, send_receipt=None)

    assert ticket.channel == Channel.PHONE
    assert not OutboxEmail.objects.filter(key=f"receipt:ticket:{ticket.pk}").exists()
    assert not OutboxEmail.objects.filter(to_email=desk.anna.email).exists()
