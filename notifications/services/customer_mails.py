"""The customer's status mails (issue #11 §2): the ticket waits for them, is resolved, is closed.

Each is one outbox row (D12) written in the transaction of the change, keyed per ticket, event
and recipient (a redelivered signal or a second call writes nothing), in the contact's language
(D16), with the ticket token in the subject and the ticket on the row, so an answer threads back
into the ticket (by Message-ID, else by the token, D13), and a link to the portal ticket page.

Who: the ticket's contact, only while active, with an address, and able to see the ticket (the
one visibility rule, D15). The waiting and closed mails are optional (the contact's choice); the
resolution is always sent and carries the survey invitation in the same mail, so a resolution is
one mail per person.
"""

from __future__ import annotations

import hashlib
from datetime import UTC

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override

from contracts.models import Contact, ResolutionStart
from notifications.models import OutboxEmail
from notifications.services.emails import local_time, portal_ticket_url, render, subject_token
from notifications.services.outbox import Email, outbox_enqueue
from notifications.services.recipients import Recipient
from tickets.models import MessageKind, ResolutionKind, SatisfactionSurvey, Ticket, TicketMessage
from tickets.selectors import tickets_visible_to
from tickets.signals import TicketChange

# The key column holds 200 characters; a long address is replaced by its digest.
_KEY_ADDRESS_MAX = 100


def customer_waiting_mail(change: TicketChange) -> OutboxEmail | None:
    """The ticket waits for the customer: what is asked, and that the clocks pause (D6)."""
    ticket = change.ticket
    contact = _contact_to_tell(ticket)
    if contact is None or not contact.mail_when_waiting:
        return None
    question = _question(change)
    recipient = _recipient(contact)
    with override(recipient.language):
        heading = _("Ticket %(number)s is waiting for your answer") % {"number": ticket.number}
        paragraphs = [
            _(
                "We need something from you before we can continue. While the ticket waits "
                "for you, the agreed response and resolution times are paused."
            )
            if ticket.sla_target_id is not None
            else _("We need something from you before we can continue.")
        ]
        if question:
            paragraphs += [_("What we need from you:"), question]
        email = _customer_email(
            ticket,
            recipient,
            short=_("Waiting for your answer"),
            heading=heading,
            paragraphs=paragraphs,
            facts=[(_("Waiting since"), local_time(change.now))],
            footer=_("Reply to this email to answer; keep the ticket number in the subject."),
        )
    return _enqueue("customer-waiting", change, recipient, email)


def customer_resolved_mail(change: TicketChange) -> OutboxEmail | None:
    """The resolution: its text, fix or workaround, the root cause where the contract's clock
    counts from it (D5), and the survey invitation when the contact wants it."""
    ticket = change.ticket
    contact = _contact_to_tell(ticket)
    if contact is None:
        return None
    recipient = _recipient(contact)
    with override(recipient.language):
        kind = (
            str(ResolutionKind(ticket.resolution_kind).label)
            if ticket.resolution_kind in ResolutionKind.values
            else ""
        )
        heading = _("Ticket %(number)s is resolved") % {"number": ticket.number}
        paragraphs = [_("We have resolved your ticket. This is what we did:"), ticket.resolution]
        facts = [(_("Resolved"), local_time(ticket.resolved_at or change.now))]
        if kind:
            facts.append((_("Resolved with"), kind))
        root_cause = _root_cause_to_tell(ticket)
        if root_cause:
            paragraphs += [_("Root cause:"), root_cause]
            facts.append((_("Root cause identified"), local_time(ticket.root_cause_identified_at)))
        paragraphs.append(
            _(
                "Not solved after all? Reply to this email within %(days)s days and we reopen "
                "the ticket. You can also confirm the solution in the portal."
            )
            % {"days": settings.TICKET_REOPEN_DAYS}
        )
        if _survey_wanted(ticket, contact):
            paragraphs.append(
                _(
                    "How did we do? Please rate our help from 1 to 5 on the ticket page; it "
                    "takes a minute: %(url)s"
                )
                % {"url": portal_ticket_url(ticket) + "#h-survey"}
            )
        email = _customer_email(
            ticket,
            recipient,
            short=_("Resolved"),
            heading=heading,
            paragraphs=paragraphs,
            facts=facts,
            footer=_(
                "Reply to this email to add information; keep the ticket number in the subject."
            ),
        )
    return _enqueue("customer-resolved", change, recipient, email)


def customer_closed_mail(change: TicketChange) -> OutboxEmail | None:
    """The ticket is closed; writing about it again opens a follow-up ticket."""
    ticket = change.ticket
    contact = _contact_to_tell(ticket)
    if contact is None or not contact.mail_when_closed:
        return None
    recipient = _recipient(contact)
    with override(recipient.language):
        heading = _("Ticket %(number)s is closed") % {"number": ticket.number}
        email = _customer_email(
            ticket,
            recipient,
            short=_("Closed"),
            heading=heading,
            paragraphs=[
                _("Your ticket is closed. Thank you for your cooperation."),
                _("If you reply to this email, we open a new ticket that refers to this one."),
            ],
            facts=[(_("Closed"), local_time(ticket.closed_at or change.now))],
            footer=_("Reply to this email to open a new ticket about the same subject."),
        )
    return _enqueue("customer-closed", change, recipient, email)


def _contact_to_tell(ticket: Ticket) -> Contact | None:
    """The ticket's contact, if active, reachable and allowed to see the ticket (D15)."""
    contact = ticket.contact
    if not contact.is_active or not contact.email:
        return None
    if not tickets_visible_to(contact, everything=True).filter(pk=ticket.pk).exists():
        return None
    return contact


def _recipient(contact: Contact) -> Recipient:
    return Recipient("customer", contact.name, contact.email, contact.language or "nl")


def _question(change: TicketChange) -> str:
    """What the customer is asked: the provider's latest public message since the customer
    last wrote, else the reason given for the wait."""
    ticket = change.ticket
    if _provider_public(change.message):
        return change.message.body if change.message else ""
    public = TicketMessage.objects.filter(ticket=ticket, kind=MessageKind.PUBLIC)
    last_customer = (
        public.filter(author_contact__isnull=False).order_by("-created_at", "-pk").first()
    )
    asked = public.filter(author_contact__isnull=True, author_user__isnull=False)
    asked = asked.filter(is_automated=False)
    if last_customer is not None:
        asked = asked.filter(created_at__gte=last_customer.created_at)
    message = asked.order_by("-created_at", "-pk").first()
    if message is not None:
        return message.body
    return str(change.data.get("reason", "") or "").strip()


def _provider_public(message: TicketMessage | None) -> bool:
    return (
        message is not None
        and message.kind == MessageKind.PUBLIC
        and message.author_contact_id is None
        and not message.is_automated
    )


def _root_cause_to_tell(ticket: Ticket) -> str:
    """D5: where the resolution clock starts at the root cause, the customer hears it."""
    policy = ticket.sla_policy
    if policy is None or policy.resolution_start != ResolutionStart.ROOT_CAUSE_IDENTIFIED:
        return ""
    return ticket.root_cause.strip()


def _survey_wanted(ticket: Ticket, contact: Contact) -> bool:
    return contact.mail_survey and not SatisfactionSurvey.objects.filter(ticket=ticket).exists()


def _customer_email(
    ticket: Ticket,
    recipient: Recipient,
    *,
    short: str,
    heading: str,
    paragraphs: list[str],
    facts: list[tuple[str, str]],
    footer: str,
) -> Email:
    """Rendered in the active language (the caller's `override`); the subject starts with the
    ticket token, so a reply threads back even where the Message-ID is lost."""
    return render(
        language=recipient.language,
        recipient=recipient,
        subject=f"{subject_token(ticket)} {short}: {ticket.subject}",
        heading=heading,
        intro="\n\n".join(p.strip() for p in paragraphs if p and p.strip()),
        facts=[
            (_("Ticket"), f"{ticket.number} {ticket.subject}"),
            (_("Status"), str(ticket.get_status_display())),
            *facts,
        ],
        action_url=portal_ticket_url(ticket),
        action_label=_("Open the ticket in the portal"),
        footer=footer,
    )


def _enqueue(
    kind: str, change: TicketChange, recipient: Recipient, email: Email
) -> OutboxEmail | None:
    """One row per ticket, event and person; the event is named by its moment."""
    address = recipient.email.lower()
    if len(address) > _KEY_ADDRESS_MAX:
        address = hashlib.sha256(address.encode()).hexdigest()[:40]
    moment = change.now.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%f")
    return outbox_enqueue(
        key=f"{kind}:{change.ticket.pk}:{moment}:{address}",
        email=email,
        now=change.now,
        ticket=change.ticket,
    )
