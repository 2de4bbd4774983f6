"""Issue #10 §1: a duplicate is the same message delivered again (same Message-ID and same
content); a different message reusing a Message-ID is stored and routed as its own, through
the pipe, SMTP and IMAP."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from intake.identity import dedupe_key_for
from intake.imap import imap_poll, mailbox_from_url
from intake.models import InboundMessage, Outcome
from intake.services.receive import inbound_receive
from notifications.models import OutboxEmail
from tests.intake.conftest import NOW, Desk, Dovecot
from tests.intake.mail import imap_append, message, pipe, smtp_deliver
from tickets.models import Ticket

pytestmark = pytest.mark.usefixtures("catalogue_back_after_module")

FIRST = message()
# The same message as another relay hands it over: trace headers added, LF line endings.
RELAYED = (
    b"Return-Path: <anna@klant-a.example>\r\n"
    b"Delivered-To: support@servicedesk.example\r\n"
    b"X-Original-To: support@servicedesk.example\r\n"
    b"Received: from mx2.klant-a.example by mx.servicedesk.example; Tue, 10 Mar 2026 11:59:01\r\n"
    b"X-Spam-Status: No, score=-0.1\r\n" + FIRST
).replace(b"\r\n", b"\n")
# Another message that reuses the first one's Message-ID (a sloppy mailer, or an attacker).
REUSED = message(
    subject="Ook de printer in zaal 3 is stuk",
    body="Hallo,\n\nDe printer in zaal 3 drukt niets meer af.\n\nAnna",
)


def stored() -> list[tuple[str, str]]:
    return list(InboundMessage.objects.order_by("pk").values_list("message_id", "outcome"))


def test_the_same_message_delivered_again_by_another_relay_is_stored_once(desk: Desk) -> None:
    first, created = inbound_receive(raw=FIRST, transport="pipe", now=NOW)
    again, again_created = inbound_receive(raw=RELAYED, transport="imap", now=NOW)
    assert (created, again_created, again.pk) == (True, False, first.pk)
    assert Ticket.objects.count() == 1
    assert OutboxEmail.objects.count() == 1  # one receipt


def test_a_different_message_reusing_a_message_id_is_stored_and_routed_as_its_own(
    desk: Desk,
) -> None:
    first, _ = inbound_receive(raw=FIRST, transport="pipe", now=NOW)
    other, created = inbound_receive(raw=REUSED, transport="pipe", now=NOW)
    assert created
    assert other.pk != first.pk
    assert bytes(InboundMessage.objects.get(pk=other.pk).raw) == REUSED
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == [
        "De scanner op de tweede verdieping start niet",
        "Ook de printer in zaal 3 is stuk",
    ]
    assert sorted(OutboxEmail.objects.values_list("key", flat=True)) == sorted(
        [f"receipt:{first.pk}", f"receipt:{other.pk}"]
    )


def test_a_reference_to_a_reused_message_id_threads_into_neither_ticket(desk: Desk) -> None:
    inbound_receive(raw=FIRST, transport="pipe", now=NOW)
    inbound_receive(raw=REUSED, transport="pipe", now=NOW)
    reply = message(
        subject="Re: de scanner",
        body="Nog steeds stuk.",
        message_id="<reply-1@mail.klant-a.example>",
        headers=(("In-Reply-To", "<scanner-e42.1@mail.klant-a.example>"),),
    )
    inbound, _ = inbound_receive(raw=reply, transport="pipe", now=NOW)
    inbound.refresh_from_db()
    # Two tickets carry that Message-ID: the reference names neither, so a new ticket.
    assert inbound.outcome == Outcome.TICKET
    assert Ticket.objects.count() == 3
    assert not Ticket.objects.exclude(pk=inbound.ticket_id).filter(
        messages__body="Nog steeds stuk."
    )


def test_the_pipe_stores_a_redelivery_once_and_a_reused_message_id_again(desk: Desk) -> None:
    answers = [pipe(FIRST), pipe(RELAYED), pipe(REUSED)]
    assert [(code, out.strip().split(": ")[-1]) for code, out, _ in answers] == [
        (0, "ticket"),
        (0, "duplicate, no effect"),
        (0, "ticket"),
    ]
    assert stored() == [("scanner-e42.1@mail.klant-a.example", "ticket")] * 2


@pytest.mark.django_db(transaction=True)
def test_smtp_stores_a_redelivery_once_and_a_reused_message_id_again(
    live_desk: Desk, smtp_port: int
) -> None:
    first = smtp_deliver(smtp_port, FIRST)
    again = smtp_deliver(smtp_port, RELAYED)
    other = smtp_deliver(smtp_port, REUSED)
    rows = list(InboundMessage.objects.order_by("pk").values_list("pk", flat=True))
    assert len(rows) == 2
    assert first == (250, f"2.0.0 Message accepted ({rows[0]})")
    assert again == (250, f"2.0.0 Message accepted ({rows[0]}, duplicate)")
    assert other == (250, f"2.0.0 Message accepted ({rows[1]})")
    assert Ticket.objects.count() == 2


def test_imap_stores_a_redelivery_once_and_a_reused_message_id_again(
    desk: Desk, dovecot: Dovecot
) -> None:
    box = mailbox_from_url(dovecot.url())
    imap_append(dovecot, "INBOX", FIRST, RELAYED, REUSED)
    assert imap_poll(box, NOW) == 2
    assert stored() == [("scanner-e42.1@mail.klant-a.example", "ticket")] * 2
    assert Ticket.objects.count() == 2


def test_the_migration_rekeys_stored_messages_so_a_redelivery_stays_a_duplicate(
    desk: Desk,
) -> None:
    old = InboundMessage.objects.create(
        dedupe_key="id:scanner-e42.1@mail.klant-a.example",  # the key before issue #10
        message_id="scanner-e42.1@mail.klant-a.example",
        sha256="0" * 64,
        size=len(FIRST),
        raw=FIRST,
        transport="pipe",
        received_at=NOW,
        outcome=Outcome.TICKET,
    )
    migration = importlib.import_module("intake.migrations.0006_flag_and_content_dedupe")
    migration.rekey(apps, None)
    old.refresh_from_db()
    assert old.dedupe_key == dedupe_key_for(FIRST, "scanner-e42.1@mail.klant-a.example")
    again, created = inbound_receive(raw=RELAYED, transport="imap", now=NOW)
    assert (again.pk, created) == (old.pk, False)
