"""A ticket change's new mails ride on its webhook event's statement (issue #16): on
PostgreSQL one round trip writes both, each row gets its own key, the due ones are published on
commit; what no statement carried is written at the end of the change; a key that must be new
and is not still fails the change."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

import notifications.services.outbox as outbox_module
from notifications.models import OutboxEmail, WebhookEvent
from notifications.services.outbox import (
    Email,
    outbox_enqueue_many,
    outbox_inserts_carried,
)
from tests.factories import ContractFactory, named_contact
from tests.tickets.helpers import ams, create_ticket

pytestmark = pytest.mark.django_db

NOW = ams("2026-06-08 10:00")


def email(to: str) -> Email:
    return Email(to, to.split("@")[0], "nl", "[SD-1] onderwerp", "tekst\n", "<p>tekst</p>")


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    sent: list[Any] = []
    monkeypatch.setattr(outbox_module, "outbox_dispatch", sent.append)
    return sent


def test_a_new_ticket_s_receipt_and_webhook_event_are_one_statement(
    published: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    contact = named_contact(contract)
    create_ticket(contact, ams("2026-06-01 10:00"))  # warm caches
    published.clear()
    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as ctx,
    ):
        ticket = create_ticket(contact, ams("2026-06-01 10:05"))
    receipt = OutboxEmail.objects.get(key=f"receipt:ticket:{ticket.pk}")
    event = WebhookEvent.objects.get(ticket=ticket, type="ticket.created")
    writes = [q["sql"] for q in ctx.captured_queries if "escalation_outboxemail" in q["sql"]]
    assert len(writes) == 1
    if connection.vendor == "postgresql":
        assert "notifications_webhookevent" in writes[0]
    assert published == [receipt.pk]
    assert receipt.ticket_id == event.ticket_id == ticket.pk


def test_mails_no_statement_carried_are_written_at_the_end(
    published: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    ticket = create_ticket(named_contact(contract), ams("2026-06-01 10:00"))
    published.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with outbox_inserts_carried():
            rows = outbox_enqueue_many(
                [("k:a", email("a@klant.example")), ("k:b", email("b@klant.example"))],
                now=NOW,
                send_after=NOW,
                ticket=ticket,
            )
        stored = dict(OutboxEmail.objects.filter(key__startswith="k:").values_list("key", "pk"))
        assert [row.pk for row in rows] == [stored["k:a"], stored["k:b"]]
        assert not any(row._state.adding for row in rows)
    assert published == [[stored["k:a"], stored["k:b"]]]


def test_a_key_that_must_be_new_and_is_not_still_fails() -> None:
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    ticket = create_ticket(named_contact(contract), ams("2026-06-01 10:00"))
    outbox_enqueue_many([("k:x", email("x@klant.example"))], now=NOW, send_after=NOW)
    with pytest.raises(IntegrityError), transaction.atomic(), outbox_inserts_carried():
        outbox_enqueue_many(
            [("k:x", email("x@klant.example"))], now=NOW, send_after=NOW, ticket=ticket
        )
    assert OutboxEmail.objects.filter(key="k:x").count() == 1
