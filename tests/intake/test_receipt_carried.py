"""An email's receipt is written with its new ticket's own mails (issue #16): on PostgreSQL in
the statement of the ticket's webhook event, never an INSERT of its own; its key stays the
message's (`receipt:<inbound>`, whose Message-ID threads the answers). What keeps a receipt
back (a machine's address, the hourly cap) is decided before the ticket exists and noted in
the message's one outcome UPDATE; the cap's alert is raised only for a ticket really opened."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intake.models import InboundMessage, Outcome
from intake.services.receive import inbound_receive
from notifications.models import OutboxEmail, WebhookEvent
from notifications.services.outbox import message_id_for
from notifications.services.recipients import COORDINATOR_GROUP
from tests.factories import ContactFactory, CustomerFactory, UserFactory
from tests.intake.conftest import NOW, Desk
from tests.intake.mail import message

pytestmark = pytest.mark.usefixtures("english")


def _statements(ctx: CaptureQueriesContext, table: str) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if table in q["sql"]]


def test_a_new_tickets_receipt_rides_on_its_webhook_event(desk: Desk) -> None:
    inbound_receive(raw=message(message_id="<warm@klant-a.example>"), transport="pipe", now=NOW)
    with CaptureQueriesContext(connection) as ctx:
        inbound, created = inbound_receive(
            raw=message(message_id="<carried@klant-a.example>", body="Tweede melding"),
            transport="pipe",
            now=NOW,
        )
    assert created
    assert inbound.outcome == Outcome.TICKET
    receipt = OutboxEmail.objects.get(key=f"receipt:{inbound.pk}")
    assert receipt.ticket_id == inbound.ticket_id
    assert receipt.to_email == desk.anna.email
    assert receipt.message_id == message_id_for(f"receipt:{inbound.pk}")
    assert inbound.ticket is not None
    assert inbound.ticket.number in receipt.subject
    assert not OutboxEmail.objects.filter(key=f"receipt:ticket:{inbound.ticket_id}").exists()
    writes = _statements(ctx, "escalation_outboxemail")
    if connection.vendor == "postgresql":
        assert len(writes) == 2  # the sender's cap count, and the event's statement
        assert "notifications_webhookevent" in writes[1]
    assert WebhookEvent.objects.filter(ticket_id=inbound.ticket_id).count() == 1
    assert len(_statements(ctx, 'UPDATE "intake_inboundmessage"')) == 1


def test_a_capped_sender_is_noted_in_the_outcome_update(desk: Desk, settings: Any) -> None:
    settings.INTAKE_RECEIPTS_PER_HOUR = 0
    with CaptureQueriesContext(connection) as ctx:
        inbound, _ = inbound_receive(raw=message(), transport="pipe", now=NOW)
    assert inbound.outcome == Outcome.TICKET
    assert InboundMessage.objects.get(pk=inbound.pk).reason == (
        "no receipt: hourly limit for this sender reached"
    )
    assert not OutboxEmail.objects.filter(key__startswith="receipt:").exists()
    assert len(_statements(ctx, 'UPDATE "intake_inboundmessage"')) == 1


def test_a_message_that_opens_no_ticket_raises_no_cap_alert(desk: Desk, settings: Any) -> None:
    settings.INTAKE_RECEIPTS_PER_HOUR = 0
    UserFactory(username="carla").groups.add(Group.objects.get(name=COORDINATOR_GROUP))
    lapsed = CustomerFactory(code="klant-z", name="Klant Z", email_domains=["klant-z.example"])
    ContactFactory(customer=lapsed, email="zoe@klant-z.example", name="Zoë")  # no contract
    inbound, _ = inbound_receive(
        raw=message(sender="Zoë <zoe@klant-z.example>"), transport="pipe", now=NOW
    )
    assert inbound.outcome == Outcome.TRIAGE
    assert "no current contract" in inbound.reason
    assert not OutboxEmail.objects.filter(key__startswith="alert:receipt-cap:").exists()
    assert not OutboxEmail.objects.filter(key__startswith="receipt:").exists()
