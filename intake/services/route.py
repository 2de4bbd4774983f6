"""Routing a parsed message to exactly one outcome (DECISIONS D13, D14; issue #4 §2).

Only the sender's address decides who wrote it (never the display name), and a thread reference
only counts when the sender belongs to that ticket's organisation. Headers never steer priority,
status, assignee or recipients.

Identity (issue #10 §2, `intake.identity`): a `From` that does not parse cleanly, several
authors, a `Sender` other than `From`, or a failed DMARC/SPF/DKIM verdict of our own receiving
server never reaches a contact's ticket: triage, flagged. Mail claiming the provider's own
domain that is not the desk's own loop alerts the coordinators. Delivery-status reports mark
the outbox row they report on as bounced (§3); the desk's own mail coming back is ignored with
one alert per sender per hour; list mail from a known contact goes to triage.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import connection

from contracts.bulk_sql import row_update
from contracts.exceptions import DomainError
from contracts.models import Contact, Customer
from contracts.text import display_line, display_text
from escalation.services.out_of_hours import ticket_create_reaching_on_call
from intake.identity import Identity, domain_of, identity_of
from intake.models import Flag, InboundMessage, Outcome
from intake.parsing import Parsed, trim_reply
from intake.services.alerts import coordinators_alert, hour_window, sender_key
from intake.services.attachments import attachments_store
from intake.services.bounces import bounces_record, delivery_report
from intake.services.emergency import email_emergency
from intake.services.receipt import (
    CAP_NOTE,
    answer_cap_alert,
    answer_refusal,
    provider_domains,
    receipt_send,
    sender_contacts_with_receipts,
)
from intake.services.threads import TOKEN, thread_ticket
from tickets.models import Channel, Status, Ticket
from tickets.services import (
    TicketCreateInput,
    ticket_create,
    ticket_note_add,
    ticket_reply_customer,
)

CLOSED = (Status.CLOSED, Status.CANCELLED)


class RoutedMeanwhile(Exception):
    """Another router wrote this message's outcome first: this routing is rolled back."""


# What routing writes on the message; never the raw bytes, which stay as they were stored.
ROUTED_FIELDS = (
    "outcome",
    "reason",
    "flag",
    "ticket_id",
    "ticket_message_id",
    "suggested_customer_id",
    "sender_email",
    "sender_name",
    "subject",
    "body_text",
    "body_html",
    "defects",
    "processed_at",
)


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
    inbound.defects = [display_line(defect) for defect in parsed.defects]
    inbound.processed_at = now
    # Written only while the row still says "received": the one outcome of the message.
    written = row_update(
        InboundMessage,
        inbound.pk,
        {name: getattr(inbound, name) for name in ROUTED_FIELDS},
        where={"outcome": Outcome.RECEIVED},
    )
    if not written:
        raise RoutedMeanwhile(inbound.pk)


def sender_contacts(parsed: Parsed, now: datetime) -> list[Contact]:
    """The active contacts with the sender's address, each with `receipts_last_hour`."""
    if not parsed.sender_email:
        return []
    return sender_contacts_with_receipts(parsed.sender_email, now)


def _receipt(
    inbound: InboundMessage, parsed: Parsed, ticket: Ticket, contact: Contact, now: datetime
) -> None:
    if not parsed.suppress_receipt:
        recent = getattr(contact, "receipts_last_hour", None)
        receipt_send(inbound=inbound, ticket=ticket, contact=contact, now=now, recent=recent)


def _suggested_customer(parsed: Parsed) -> Customer | None:
    """A sender on a customer's mail domain is suggested for that customer (not trusted)."""
    domain = parsed.sender_email.rpartition("@")[2]
    if not domain:
        return None
    if connection.vendor == "postgresql":
        return Customer.objects.filter(email_domains__contains=[domain]).first()
    customers = Customer.objects.only("pk", "email_domains")
    return next((c for c in customers if domain in c.email_domains), None)


def _triage(
    inbound: InboundMessage, parsed: Parsed, now: datetime, reason: str, flag: str = Flag.NONE
) -> None:
    inbound.suggested_customer = _suggested_customer(parsed)
    inbound.flag = flag
    _finish(inbound, parsed, Outcome.TRIAGE, now, reason)
    attachments_store(inbound, parsed, ticket=None)


def _own_loop(parsed: Parsed) -> bool:
    """The desk's own mail coming back: it carries one of the desk's Message-IDs."""
    return parsed.message_id.endswith("@" + settings.MESSAGE_ID_DOMAIN.lower())


def _claims_provider(parsed: Parsed, identity: Identity) -> bool:
    own = provider_domains()
    claimed = {domain_of(identity.address), domain_of(parsed.sender_email)} - {""}
    return bool(claimed & own)


def _screen(inbound: InboundMessage, parsed: Parsed, identity: Identity, now: datetime) -> bool:
    """Bounces, loops, forgeries and unclear senders: True when the message was finished."""
    report = delivery_report(inbound.raw_message(), parsed.sender_email, parsed.subject)
    if report is not None:
        _finish(inbound, parsed, Outcome.IGNORED, now, bounces_record(report=report, now=now))
        return True
    if _own_loop(parsed):
        _finish(inbound, parsed, Outcome.IGNORED, now, parsed.automatic or "the desk's own message")
        coordinators_alert(
            occasion=f"loop:{sender_key(parsed.sender_email)}:{hour_window(now)}",
            inbound=inbound,
            kind="loop",
            now=now,
        )
        return True
    if _claims_provider(parsed, identity) and identity.verified_by_dmarc:
        # A colleague at the provider, proven by our own server's DMARC pass: no forgery,
        # but never a customer's ticket either.
        _triage(inbound, parsed, now, f"from the provider's own domain ({identity.address})")
        return True
    if _claims_provider(parsed, identity):
        claimed = identity.address or parsed.sender_email
        _triage(
            inbound,
            parsed,
            now,
            f"claims to come from the provider's own domain ({claimed}) but is not the "
            "desk's own mail: security alert sent to the coordinators",
            Flag.PROVIDER_DOMAIN,
        )
        coordinators_alert(
            occasion=f"provider-domain:{inbound.pk}",
            inbound=inbound,
            kind="provider_domain",
            now=now,
        )
        return True
    if identity.problem:
        if parsed.automatic:
            reason = f"{parsed.automatic}; sender unclear: {identity.problem}"
            _finish(inbound, parsed, Outcome.IGNORED, now, reason)
        else:
            reason = f"sender unclear, not matched to a contact: {identity.problem}"
            _triage(inbound, parsed, now, reason, Flag.IDENTITY)
        return True
    return False


def inbound_route(*, inbound: InboundMessage, parsed: Parsed, now: datetime) -> None:
    identity = identity_of(inbound.raw_message(), authserv_id=settings.INTAKE_AUTHSERV_ID)
    if not identity.problem:
        parsed.sender_email = identity.address
    if _screen(inbound, parsed, identity, now):
        return
    ticket = thread_ticket(parsed)
    contacts = sender_contacts(parsed, now)
    failed = identity.authentication.failed
    if failed and (contacts or not parsed.automatic):
        _triage(
            inbound,
            parsed,
            now,
            f"not verified: our mail server's check says {failed} for {parsed.sender_email}; "
            "not added to any contact's ticket",
            Flag.UNVERIFIED,
        )
        return
    if parsed.automatic and identity.list_mail and contacts:
        _triage(inbound, parsed, now, f"list mail from a known contact ({parsed.automatic})")
        return
    if parsed.automatic:
        _machine(inbound, parsed, now, ticket, contacts)
        return
    own = next((c for c in contacts if ticket and c.customer_id == ticket.customer_id), None)
    if ticket is not None and own is not None:
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
        note = ticket_note_add(
            ticket=ticket,
            author=None,
            body=f"Automatic reply from {parsed.sender_email}:\n\n"
            f"{trim_reply(parsed.text) or parsed.subject}",
            now=now,
            channel=Channel.EMAIL,
            is_automated=True,
        )
        inbound.ticket_message = note
        _finish(inbound, parsed, Outcome.NOTE, now, parsed.automatic, ticket)
        return
    _finish(inbound, parsed, Outcome.IGNORED, now, parsed.automatic)


def _reply(
    inbound: InboundMessage, parsed: Parsed, now: datetime, ticket: Ticket, contact: Contact
) -> None:
    """The customer's email on their ticket, under the one rule for customer replies: added,
    reopening a resolved ticket, or a follow-up ticket after the reopen window or once closed."""
    try:
        result = ticket_reply_customer(
            ticket=ticket,
            contact=contact,
            body=trim_reply(parsed.text) or parsed.subject or "(empty message)",
            now=now,
            channel=Channel.EMAIL,
            subject=_subject(parsed),
        )
    except DomainError as refused:  # the mail mapping: the refusal is the triage reason
        _triage(inbound, parsed, now, str(refused))
        return
    if result.outcome == "follow_up":
        reason = f"follow-up of ticket {ticket.number}"
        _finish(inbound, parsed, Outcome.TICKET, now, reason, result.ticket)
        attachments_store(inbound, parsed, ticket=result.ticket)
        _receipt(inbound, parsed, result.ticket, contact, now)
        return
    inbound.ticket_message = result.message
    _finish(inbound, parsed, Outcome.REPLY, now, ticket=ticket)
    attachments_store(inbound, parsed, ticket=ticket)


def _subject(parsed: Parsed) -> str:
    return " ".join(TOKEN.sub("", parsed.subject).split())[:250] or "(no subject)"


def _new_ticket(inbound: InboundMessage, parsed: Parsed, now: datetime, contact: Contact) -> None:
    # The receipt is decided before the ticket exists and written with the ticket's own mails
    # (their one INSERT rides on the webhook event's statement): no round trip of its own.
    refused = ""
    if not parsed.suppress_receipt:
        refused = answer_refusal(contact.email, now, getattr(contact, "receipts_last_hour", None))
    data = TicketCreateInput(
        contact=contact,
        request_type="incident",  # the first line classifies (D13, A-34)
        channel=Channel.EMAIL,
        subject=_subject(parsed),
        description=parsed.text.strip() or "(empty message)",
        send_receipt=not parsed.suppress_receipt and not refused,
        receipt_key=f"receipt:{inbound.pk}",  # one per message; its Message-ID threads answers
        emergency=email_emergency(subject=parsed.subject, contact=contact, now=now),
    )
    try:
        # An emergency goes the portal's way: while the office is closed it pages on call.
        create = ticket_create_reaching_on_call if data.emergency else ticket_create
        ticket = create(data=data, now=now)
    except DomainError as refused_ticket:  # the mail mapping: the refusal is the triage reason
        _triage(inbound, parsed, now, str(refused_ticket))
        return
    _finish(inbound, parsed, Outcome.TICKET, now, refused, ticket)  # a refusal noted with it
    if refused == CAP_NOTE:
        answer_cap_alert(inbound, contact.email, now)
    attachments_store(inbound, parsed, ticket=ticket)
