"""Routing a parsed message to exactly one outcome (DECISIONS D13, D14; issue #4 §2).

Only the sender's address decides who wrote it (never the display name), and a thread reference
only counts when the sender belongs to that ticket's organisation. Headers never steer priority,
status, assignee or recipients.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.db import connection

from contracts.exceptions import SubmissionRefused
from contracts.models import Contact, Customer
from contracts.text import display_line, display_text
from escalation.models import OutboxEmail
from intake.models import InboundMessage, Outcome
from intake.parsing import Parsed, trim_reply
from intake.services.attachments import attachments_store
from intake.services.receipt import receipt_send
from tickets.models import Channel, MessageKind, Status, Ticket, TicketMessage
from tickets.services import TicketCreateInput, ticket_create, ticket_reply, ticket_transition

TOKEN = re.compile(r"\[(SD-\d{4}-\d{6})\]")
CLOSED = (Status.CLOSED, Status.CANCELLED)


def _finish(
    inbound: InboundMessage,
    parsed: Parsed,
    outcome: str,
    now: datetime,
    reason: str = "",
    ticket: Ticket | None = None,
) -> None:
    inbound.outcome = outcome
    inbound.reason = reason[:2000]
    inbound.ticket = ticket
    # Issue #10 §2: what is displayed is cleaned; InboundMessage.raw keeps every character.
    inbound.sender_email = parsed.sender_email
    inbound.sender_name = display_line(parsed.sender_name)
    inbound.subject, inbound.body_text, inbound.body_html = (
        display_line(parsed.subject),
        display_text(parsed.text),
        parsed.html,
    )
    inbound.processed_at = now
    inbound.save()


def thread_ticket(parsed: Parsed) -> Ticket | None:
    """The ticket a message refers to: our Message-IDs first, then the subject token."""
    ids = [*parsed.in_reply_to, *parsed.references]
    if ids:
        sent = (
            OutboxEmail.objects.filter(message_id__in=[f"<{i}>" for i in ids], ticket__isnull=False)
            .select_related("ticket")
            .first()
        )
        if sent is not None:
            return sent.ticket
        earlier = (
            InboundMessage.objects.filter(message_id__in=ids, ticket__isnull=False)
            .select_related("ticket")
            .first()
        )
        if earlier is not None:
            return earlier.ticket
    token = TOKEN.search(parsed.subject)
    return Ticket.objects.filter(number=token.group(1)).first() if token else None


def sender_contacts(parsed: Parsed) -> list[Contact]:
    if not parsed.sender_email:
        return []
    return list(
        Contact.objects.filter(email__iexact=parsed.sender_email, is_active=True).select_related(
            "customer"
        )
    )


def _suggested_customer(parsed: Parsed) -> Customer | None:
    """A sender on a customer's mail domain is suggested for that customer (not trusted)."""
    domain = parsed.sender_email.rpartition("@")[2]
    if not domain:
        return None
    if connection.vendor == "postgresql":
        return Customer.objects.filter(email_domains__contains=[domain]).first()
    customers = Customer.objects.only("pk", "email_domains")
    return next((c for c in customers if domain in c.email_domains), None)


def _triage(inbound: InboundMessage, parsed: Parsed, now: datetime, reason: str) -> None:
    inbound.suggested_customer = _suggested_customer(parsed)
    _finish(inbound, parsed, Outcome.TRIAGE, now, reason)
    attachments_store(inbound, parsed, ticket=None)


def inbound_route(*, inbound: InboundMessage, parsed: Parsed, now: datetime) -> None:
    ticket = thread_ticket(parsed)
    contacts = sender_contacts(parsed)
    if parsed.automatic:
        _machine(inbound, parsed, now, ticket, contacts)
        return
    own = next((c for c in contacts if ticket and c.customer_id == ticket.customer_id), None)
    if ticket is not None and own is not None:
        if ticket.status in CLOSED:
            _new_ticket(inbound, parsed, now, own, follow_up_of=ticket)
        else:
            _reply(inbound, parsed, now, ticket, own)
        return
    if not contacts:
        _triage(
            inbound,
            parsed,
            now,
            f"{parsed.sender_email or 'no sender'} is not a known, active contact",
        )
        return
    if len({c.customer_id for c in contacts}) > 1:
        _triage(inbound, parsed, now, f"{parsed.sender_email} is a contact of several customers")
        return
    _new_ticket(inbound, parsed, now, contacts[0])


def _machine(
    inbound: InboundMessage,
    parsed: Parsed,
    now: datetime,
    ticket: Ticket | None,
    contacts: list[Contact],
) -> None:
    """Never a ticket, never an answer; an out-of-office on its ticket becomes a note."""
    belongs = ticket is not None and any(c.customer_id == ticket.customer_id for c in contacts)
    if parsed.auto_reply and belongs and ticket is not None and ticket.status not in CLOSED:
        note = ticket_reply(
            ticket=ticket,
            body=f"Automatic reply from {parsed.sender_email}:\n\n"
            f"{trim_reply(parsed.text) or parsed.subject}",
            now=now,
            channel=Channel.EMAIL,
            kind=MessageKind.INTERNAL,
            is_automated=True,
        )
        inbound.ticket_message = note
        _finish(inbound, parsed, Outcome.NOTE, now, parsed.automatic, ticket)
        return
    _finish(inbound, parsed, Outcome.IGNORED, now, parsed.automatic)


def customer_email_reply(
    *, ticket: Ticket, contact: Contact, body: str, now: datetime
) -> TicketMessage:
    """The customer's email on their ticket; on a resolved ticket it reopens it."""
    if ticket.status == Status.RESOLVED:
        ticket_transition(
            ticket=ticket,
            to_status=Status.IN_PROGRESS,
            now=now,
            contact=contact,
            reason="customer replied by email",
        )
    return ticket_reply(
        ticket=ticket, body=body, now=now, channel=Channel.EMAIL, author_contact=contact
    )


def _reply(
    inbound: InboundMessage, parsed: Parsed, now: datetime, ticket: Ticket, contact: Contact
) -> None:
    message = customer_email_reply(
        ticket=ticket,
        contact=contact,
        body=trim_reply(parsed.text) or parsed.subject or "(empty message)",
        now=now,
    )
    inbound.ticket_message = message
    _finish(inbound, parsed, Outcome.REPLY, now, ticket=ticket)
    attachments_store(inbound, parsed, ticket=ticket)


def _new_ticket(
    inbound: InboundMessage,
    parsed: Parsed,
    now: datetime,
    contact: Contact,
    follow_up_of: Ticket | None = None,
) -> None:
    data = TicketCreateInput(
        contact=contact,
        request_type="incident",  # the first line classifies (D13, A-34)
        channel=Channel.EMAIL,
        subject=" ".join(TOKEN.sub("", parsed.subject).split())[:250] or "(no subject)",
        description=parsed.text.strip() or "(empty message)",
        follow_up_of=follow_up_of,
    )
    try:
        ticket = ticket_create(data=data, now=now)
    except SubmissionRefused as refused:
        _triage(inbound, parsed, now, str(refused))
        return
    reason = f"follow-up of closed ticket {follow_up_of.number}" if follow_up_of else ""
    _finish(inbound, parsed, Outcome.TICKET, now, reason, ticket)
    attachments_store(inbound, parsed, ticket=ticket)
    if not parsed.suppress_receipt:
        receipt_send(inbound=inbound, ticket=ticket, contact=contact, now=now)
