"""Issue #10 §3: delivery-status reports mark the outbox row they report on as bounced (shown on
the escalations page and the ticket page) and flag the contact; the desk's own mail coming
back, a sender at the receipt cap and role senders get no receipt, the first two raise one
alert to the coordinators per sender and hour; list mail from a known contact goes to triage."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from contracts.models import Contact
from escalation.services.actions import escalation_raise_by_customer
from intake.models import Flag, InboundMessage, Outcome
from notifications.models import OutboxEmail, OutboxState
from notifications.services.outbox import Email, outbox_enqueue
from notifications.services.recipients import COORDINATOR_GROUP
from tests.backoffice.conftest import english_client, staff
from tests.factories import ContactFactory, UserFactory
from tests.intake.conftest import NOW, Desk
from tests.intake.mail import message, pipe
from tests.tickets.helpers import create_ticket
from tickets.models import Ticket

pytestmark = pytest.mark.usefixtures("english")


def taken(raw: bytes) -> InboundMessage:
    code, out, err = pipe(raw)
    assert code == 0, err
    return InboundMessage.objects.get(pk=int(out.split(":")[0]))


@pytest.fixture
def coordinators(db: None) -> list[str]:
    group = Group.objects.get(name=COORDINATOR_GROUP)
    people = [UserFactory(username="carla"), UserFactory(username="kees")]
    for person in people:
        person.groups.add(group)
    return sorted(p.email for p in people)


def sent_update(desk: Desk, to: Contact, key: str = "test:update") -> OutboxEmail:
    ticket = create_ticket(to, NOW - timedelta(days=1))
    row = outbox_enqueue(
        key=f"{key}:{ticket.pk}",
        email=Email(to.email, to.name, "nl", "Update", "Update", "<p>Update</p>"),
        now=NOW - timedelta(hours=1),
        ticket=ticket,
    )
    assert row is not None
    OutboxEmail.objects.filter(pk=row.pk).update(state=OutboxState.SENT, sent_at=row.created_at)
    return OutboxEmail.objects.get(pk=row.pk)


def dsn(original_id: str, *, action: str = "failed", kind: str = "text/rfc822-headers") -> bytes:
    """An RFC 3464 report from the customer's mail server about the desk's message."""
    original = (
        "From: Servicedesk <servicedesk@localhost>\r\n"
        "To: anna@klant-a.example\r\n"
        "Subject: Update\r\n"
        f"Message-ID: {original_id}\r\n"
    )
    if kind == "message/rfc822":
        original += "\r\nUpdate\r\n"
    return (
        "Return-Path: <>\r\n"
        "From: Mail Delivery System <MAILER-DAEMON@mx.klant-a.example>\r\n"
        "To: servicedesk@localhost\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <dsn-5521@mx.klant-a.example>\r\n"
        "Auto-Submitted: auto-replied\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="R"\r\n\r\n'
        "--R\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--R\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.klant-a.example\r\n\r\n"
        "Final-Recipient: rfc822; anna@klant-a.example\r\n"
        f"Action: {action}\r\nStatus: 5.2.2\r\n"
        "Diagnostic-Code: smtp; 552 5.2.2 mailbox full\r\n"
        f"--R\r\nContent-Type: {kind}\r\n\r\n{original}"
        "--R--\r\n"
    ).encode()


@pytest.mark.parametrize("kind", ["text/rfc822-headers", "message/rfc822"])
def test_a_delivery_report_marks_its_outbox_row_bounced_and_flags_the_contact(
    desk: Desk, kind: str
) -> None:
    row = sent_update(desk, desk.anna)
    other = sent_update(desk, desk.piet, key="test:other")
    inbound = taken(dsn(row.message_id, kind=kind))
    row.refresh_from_db()
    desk.anna.refresh_from_db()
    assert inbound.outcome == Outcome.IGNORED
    assert f"bounced outbox #{row.pk} to anna@klant-a.example" in inbound.reason
    assert (row.state, row.bounce_reason) == (OutboxState.BOUNCED, "552 5.2.2 mailbox full")
    assert row.bounced_at is not None
    assert desk.anna.email_bounced_at == row.bounced_at
    assert "mailbox full" in desk.anna.email_bounce_reason
    assert OutboxEmail.objects.get(pk=other.pk).state == OutboxState.SENT
    assert Contact.objects.get(pk=desk.piet.pk).email_bounced_at is None


def test_a_second_report_on_the_same_row_changes_nothing(desk: Desk) -> None:
    row = sent_update(desk, desk.anna)
    taken(dsn(row.message_id))
    first = OutboxEmail.objects.get(pk=row.pk).bounced_at
    second = dsn(row.message_id).replace(b"dsn-5521", b"dsn-5522")
    taken(second)
    assert OutboxEmail.objects.get(pk=row.pk).bounced_at == first


def test_a_delayed_report_does_not_mark_it_bounced(desk: Desk) -> None:
    row = sent_update(desk, desk.anna)
    inbound = taken(dsn(row.message_id, action="delayed"))
    assert OutboxEmail.objects.get(pk=row.pk).state == OutboxState.SENT
    assert "not failed" in inbound.reason
    assert Contact.objects.get(pk=desk.anna.pk).email_bounced_at is None


def test_a_non_standard_bounce_quoting_the_message_id_is_matched(desk: Desk) -> None:
    row = sent_update(desk, desk.anna)
    qmail = (
        "From: MAILER-DAEMON@mail.klant-a.example\r\n"
        "To: servicedesk@localhost\r\n"
        "Subject: failure notice\r\n"
        "Message-ID: <qmail-77@mail.klant-a.example>\r\n\r\n"
        "Hi. This is the qmail-send program at mail.klant-a.example.\r\n"
        "I'm afraid I wasn't able to deliver your message to the following addresses.\r\n\r\n"
        "<anna@klant-a.example>:\r\nSorry, no mailbox here by that name. (#5.1.1)\r\n\r\n"
        "--- Below this line is a copy of the message.\r\n\r\n"
        f"Message-ID: {row.message_id}\r\nSubject: Update\r\n\r\nUpdate\r\n"
    ).encode()
    taken(qmail)
    assert OutboxEmail.objects.get(pk=row.pk).state == OutboxState.BOUNCED


def test_a_report_on_mail_the_desk_did_not_send_changes_nothing(desk: Desk) -> None:
    row = sent_update(desk, desk.anna)
    inbound = taken(dsn("<not-ours-123@elsewhere.example>"))
    assert inbound.outcome == Outcome.IGNORED
    assert "did not send" in inbound.reason
    assert OutboxEmail.objects.get(pk=row.pk).state == OutboxState.SENT


def test_bounced_is_shown_on_the_escalations_and_ticket_pages(desk: Desk) -> None:
    now = timezone.now()
    ticket = create_ticket(desk.anna, now - timedelta(hours=2), priority_level="hoog")
    escalation = escalation_raise_by_customer(
        ticket=ticket, contact=desk.anna, reason="Het duurt te lang", now=now
    )
    row = outbox_enqueue(
        key=f"test:escalation:{escalation.pk}",
        email=Email(desk.anna.email, desk.anna.name, "nl", "Escalatie", "E", "<p>E</p>"),
        now=now,
        ticket=ticket,
        escalation=escalation,
    )
    assert row is not None
    taken(dsn(row.message_id))
    client = english_client(staff("coordinator"))
    escalations = client.get(reverse("backoffice:escalations")).content.decode()
    work = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()
    for page in (escalations, work):
        assert 'class="delivery delivery-bounced">bounced</span>' in page
        assert "552 5.2.2 mailbox full" in page
    assert "email bounced" in work


# --- loops, caps and machines ---------------------------------------------------------------------


def own_mail_back(n: int) -> bytes:
    return message(
        sender="Servicedesk <servicedesk@localhost>",
        subject="[SD-2026-000001] Uw melding is bijgewerkt",
        message_id=f"<{n:032x}@servicedesk.local>",
        body="Uw melding is bijgewerkt.",
    )


def test_our_own_mail_coming_back_is_ignored_with_one_alert_per_hour(
    desk: Desk, coordinators: list[str], settings: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        first = taken(own_mail_back(1))
        taken(own_mail_back(2))  # same sender, same hour: no new alert
    alerts = OutboxEmail.objects.filter(key__startswith="alert:loop:")
    assert first.outcome == Outcome.IGNORED
    assert sorted(alerts.values_list("to_email", flat=True)) == coordinators
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        taken(own_mail_back(3))  # the next hour: one new alert each
    assert alerts.count() == 2 * len(coordinators)
    assert not OutboxEmail.objects.filter(key__startswith="receipt:").exists()


def test_the_receipt_cap_raises_one_alert_per_sender_and_hour(
    desk: Desk, coordinators: list[str], settings: Any
) -> None:
    settings.INTAKE_RECEIPTS_PER_HOUR = 1
    rows = [
        taken(message(message_id=f"<cap-{n}@mail.klant-a.example>", body=f"Bericht {n}"))
        for n in range(3)
    ]
    assert [r.outcome for r in rows] == [Outcome.TICKET] * 3
    receipts = OutboxEmail.objects.filter(key__startswith="receipt:")
    assert list(receipts.values_list("key", flat=True)) == [f"receipt:{rows[0].pk}"]
    alerts = OutboxEmail.objects.filter(key__startswith="alert:receipt-cap:")
    assert sorted(alerts.values_list("to_email", flat=True)) == coordinators
    assert "hourly limit" in InboundMessage.objects.get(pk=rows[2].pk).reason


@pytest.mark.parametrize(
    ("address", "outcome"),
    [
        ("noreply@klant-a.example", Outcome.TICKET),
        ("no-reply@klant-a.example", Outcome.TICKET),
        ("donotreply@klant-a.example", Outcome.TICKET),
        ("bounces+x7@klant-a.example", Outcome.TICKET),
        ("abuse@klant-a.example", Outcome.TICKET),
        ("postmaster@klant-a.example", Outcome.IGNORED),  # a mail server's bounce address
    ],
)
def test_role_senders_never_get_a_receipt(desk: Desk, address: str, outcome: str) -> None:
    ContactFactory(customer=desk.customer_a, email=address, name="Systeem")
    inbound = taken(message(sender=f"Systeem <{address}>"))
    assert inbound.outcome == outcome
    assert not OutboxEmail.objects.exists()


def test_a_role_contacts_ticket_notes_why_there_was_no_receipt(desk: Desk) -> None:
    ContactFactory(customer=desk.customer_a, email="noreply@klant-a.example", name="Systeem")
    inbound = taken(message(sender="Systeem <noreply@klant-a.example>"))
    assert "no receipt: role or machine address" in inbound.reason


def test_list_mail_from_a_known_contact_goes_to_triage(desk: Desk) -> None:
    listed = (("List-Id", "<beheer.klant-a.example>"), ("Precedence", "list"))
    from_contact = taken(message(headers=listed))
    from_stranger = taken(
        message(sender="Lijst <lijst@elders.example>", headers=listed, message_id="<l-2@e>")
    )
    assert (from_contact.outcome, from_stranger.outcome) == (Outcome.TRIAGE, Outcome.IGNORED)
    assert "list mail from a known contact" in from_contact.reason
    assert from_contact.flag == Flag.NONE
    assert not Ticket.objects.exists()


def test_a_bounced_escalation_mail_goes_to_the_next_person_once(
    desk: Desk, coordinators: list[str]
) -> None:
    now = timezone.now()
    ticket = create_ticket(desk.anna, now - timedelta(hours=2), priority_level="hoog")
    escalation = escalation_raise_by_customer(
        ticket=ticket, contact=desk.anna, reason="Het duurt te lang", now=now
    )
    row = outbox_enqueue(
        key=f"escalation:{escalation.pk}:0:oud-account@klant-a.example",
        email=Email("oud-account@klant-a.example", "Oud", "nl", "Escalatie", "E", "<p>E</p>"),
        now=now,
        ticket=ticket,
        escalation=escalation,
    )
    assert row is not None
    before = set(OutboxEmail.objects.values_list("pk", flat=True))
    taken(dsn(row.message_id))
    taken(dsn(row.message_id).replace(b"dsn-5521", b"dsn-5522"))  # a second report
    escalation.refresh_from_db()
    assert [f["refused"] for f in escalation.fallbacks] == ["oud-account@klant-a.example"]
    told = escalation.fallbacks[0]["to"]
    assert told not in ("", "oud-account@klant-a.example")
    instead = OutboxEmail.objects.exclude(pk__in=before)
    assert [(m.escalation_id, m.to_email) for m in instead] == [(escalation.pk, told)]
