"""The first line decides on triage and quarantined email (issue #6 §2 Triage, DECISIONS D13).

Three decisions, each recorded on the message (who, when, why), which is never deleted:
create a ticket for a contact the first line chose, add the message to an existing ticket, or
dismiss it with a reason. A message is decided once: the row is locked and a second decision
is refused with who made the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from contracts.exceptions import DomainError, SubmissionRefused
from contracts.models import Contact, Customer
from contracts.services.contacts import contact_name_from_sender
from contracts.text import display_text
from intake.models import TRIAGE_OPEN, InboundMessage, Outcome
from intake.services.receipt import receipt_send
from tickets.exceptions import TicketError
from tickets.models import Attachment, Channel, MessageKind, Status, Ticket
from tickets.services import TicketCreateInput, ticket_create, ticket_reply, ticket_reply_customer
from tickets.services.guards import requires_aware_now

RAW_FALLBACK_CHARS = 20_000


class TriageRefused(DomainError):
    """The decision cannot be taken; the message says why, for the first line."""


@dataclass(frozen=True)
class TriageTicketInput:
    request_type: str
    subject: str = ""
    priority_level: str = ""
    contract_id: int | None = None
    send_receipt: bool = True


def _claim(inbound: InboundMessage) -> InboundMessage:
    row = InboundMessage.objects.select_for_update().get(pk=inbound.pk)
    if row.outcome not in TRIAGE_OPEN:
        who = row.triaged_by.get_username() if row.triaged_by else _("the email intake")
        raise TriageRefused(
            _("This email was already handled (%(outcome)s, by %(who)s).")
            % {"outcome": row.get_outcome_display(), "who": who}
        )
    return row


def _text(inbound: InboundMessage) -> str:
    """The parsed text; a quarantined message may have none, then the raw message, bounded."""
    if inbound.body_text.strip():
        return inbound.body_text
    raw = inbound.raw_message(RAW_FALLBACK_CHARS).decode("utf-8", "replace")
    return raw.replace("\x00", "") or _("(empty message)")


def _decided(
    inbound: InboundMessage,
    outcome: str,
    note: str,
    now: datetime,
    actor: User,
    ticket: Ticket | None,
) -> None:
    inbound.outcome = outcome
    inbound.ticket = ticket
    inbound.triaged_at = now
    inbound.triaged_by = actor
    inbound.triage_note = display_text(note)
    inbound.processed_at = inbound.processed_at or now
    inbound.save()
    if ticket is not None:
        Attachment.objects.filter(inbound=inbound).update(ticket=ticket)


def triage_contact_for_sender(*, inbound: InboundMessage, customer: Customer) -> Contact:
    """The customer's contact with the sender's address, made (active, no login) if missing."""
    if not inbound.sender_email:
        raise TriageRefused(_("The email has no sender address; choose an existing contact."))
    contact = Contact.objects.filter(customer=customer, email__iexact=inbound.sender_email).first()
    if contact is None:
        contact = Contact.objects.create(
            customer=customer,
            name=contact_name_from_sender(inbound.sender_name, inbound.sender_email),
            email=inbound.sender_email,
        )
    return contact


@requires_aware_now
@transaction.atomic
def triage_create_ticket(
    *,
    inbound: InboundMessage,
    contact: Contact,
    data: TriageTicketInput,
    now: datetime,
    actor: User,
) -> Ticket:
    """Register the email as a ticket for `contact`, with the usual contract rules (D14)."""
    inbound = _claim(inbound)
    try:
        ticket = ticket_create(
            data=TicketCreateInput(
                contact=contact,
                request_type=data.request_type,
                channel=Channel.EMAIL,
                subject=(data.subject or inbound.subject or _("(no subject)"))[:250],
                description=_text(inbound),
                contract_id=data.contract_id,
                priority_level=data.priority_level,
                created_by=actor,
                send_receipt=False,  # receipt_send below, threaded to the message
            ),
            now=now,
        )
    except (SubmissionRefused, TicketError) as refused:
        raise TriageRefused(str(refused)) from refused
    note = _("Ticket %(number)s created for %(contact)s.") % {
        "number": ticket.number,
        "contact": contact,
    }
    _decided(inbound, Outcome.TICKET, note, now, actor, ticket)
    if data.send_receipt and contact.email:
        receipt_send(inbound=inbound, ticket=ticket, contact=contact, now=now)
    return ticket


@requires_aware_now
@transaction.atomic
def triage_add_to_ticket(
    *, inbound: InboundMessage, ticket: Ticket, public: bool, now: datetime, actor: User
) -> Ticket:
    """Add the email to a ticket: as the customer's reply when the sender is one of the ticket
    organisation's contacts, otherwise as a message the first line adds on the sender's behalf
    (public: visible to the customer; else an internal note)."""
    inbound = _claim(inbound)
    sender = Contact.objects.filter(
        customer_id=ticket.customer_id, email__iexact=inbound.sender_email, is_active=True
    ).first()
    body = _text(inbound)
    if sender is not None and public:
        # The customer's reply, under the one rule of every channel (issue #11 §1).
        try:
            result = ticket_reply_customer(
                ticket=ticket,
                contact=sender,
                body=body,
                now=now,
                channel=Channel.EMAIL,
                subject=inbound.subject,
            )
        except (SubmissionRefused, TicketError) as refused:
            raise TriageRefused(str(refused)) from refused
        if result.message is None:
            return _follow_up_decided(inbound, result.ticket, ticket, now, actor)
        message = result.message
    elif ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise TriageRefused(
            _("Ticket %(number)s is %(status)s; create a new ticket instead.")
            % {"number": ticket.number, "status": ticket.get_status_display()}
        )
    else:
        heading = _("Email from %(sender)s, added by the first line:") % {
            "sender": inbound.sender_email or _("unknown sender")
        }
        message = ticket_reply(
            ticket=ticket,
            body=f"{heading}\n\n{body}",
            now=now,
            channel=Channel.EMAIL,
            kind=MessageKind.PUBLIC if public else MessageKind.INTERNAL,
            author_user=actor,
            # Passing on the customer's words is not the provider's first response (D4).
            is_automated=True,
        )
    inbound.ticket_message = message
    note = _("Added to ticket %(number)s.") % {"number": ticket.number}
    _decided(inbound, Outcome.REPLY, note, now, actor, ticket)
    Attachment.objects.filter(inbound=inbound).update(ticket_message=message)
    return ticket


def _follow_up_decided(
    inbound: InboundMessage, follow_up: Ticket, old: Ticket, now: datetime, actor: User
) -> Ticket:
    note = _("Follow-up ticket %(new)s opened for ticket %(old)s.") % {
        "new": follow_up.number,
        "old": old.number,
    }
    _decided(inbound, Outcome.TICKET, note, now, actor, follow_up)
    return follow_up


@requires_aware_now
@transaction.atomic
def triage_dismiss(
    *, inbound: InboundMessage, reason: str, now: datetime, actor: User
) -> InboundMessage:
    """Dismiss with a reason; the message and its raw bytes stay."""
    reason = display_text(reason).strip()
    if not reason:
        raise TriageRefused(_("Give the reason for dismissing this email."))
    inbound = _claim(inbound)
    _decided(inbound, Outcome.DISMISSED, reason.strip()[:2000], now, actor, ticket=None)
    return inbound
