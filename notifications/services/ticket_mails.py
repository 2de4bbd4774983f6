"""The mails of a conversation change (issue #11 §2): the customer's receipt and the provider's
public reply; the engineers' notices of a new ticket at their line, a customer reply, a reopened
ticket and an assignment.

Each function takes the `TicketChange` sent inside the change's transaction and writes outbox
rows only, keyed per change and person, so one event gives one mail per person, once.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from contracts.models import Contact, ContactRole, ContactRoleKind
from notifications.services.emails import (
    portal_ticket_url,
    render,
    subject_token,
    ticket_facts,
    ticket_url,
)
from notifications.services.outbox import Email, outbox_enqueue, outbox_enqueue_many
from notifications.services.recipients import Recipient, ticket_staff_recipients
from tickets.models import Channel, MessageKind, Ticket, TicketMessage
from tickets.signals import TicketChange


def support_services_manager(contract_id: int) -> Recipient | None:
    """The contract's support services manager (D14), if mail may go to them."""
    role = (
        ContactRole.objects.filter(
            contract_id=contract_id, role=ContactRoleKind.SUPPORT_SERVICES_MANAGER
        )
        .select_related("contact")
        .first()
    )
    return contact_recipient(role.contact) if role is not None else None


def contact_recipient(contact: Contact) -> Recipient | None:
    """The ticket's contact, if mail may go to them at all."""
    if not contact.is_active or not contact.email:
        return None
    return Recipient("customer", contact.name, contact.email, contact.language)


# The receipt's words: an email is a "message", a request made in the portal, by phone or by the
# API is a "request".
_RECEIPT_WORDS = {
    Channel.EMAIL: (
        gettext_noop("We received your message: ticket %(number)s"),
        gettext_noop(
            "Thank you. Your message is registered as ticket %(number)s. Reply to this "
            "email to add information; keep the ticket number in the subject. If you "
            "do not receive our emails, check your junk or spam folder."
        ),
    ),
    "": (
        gettext_noop("We received your request: ticket %(number)s"),
        gettext_noop(
            "Thank you. Your request is registered as ticket %(number)s. Reply to this "
            "email to add information; keep the ticket number in the subject. If you "
            "do not receive our emails, check your junk or spam folder."
        ),
    ),
}


def receipt_email(ticket: Ticket, recipient: Recipient) -> Email:
    """The receipt of a new ticket, whatever the channel: its number and due times."""
    heading_id, intro_id = _RECEIPT_WORDS.get(ticket.channel, _RECEIPT_WORDS[""])
    with override(recipient.language):
        heading = _(heading_id) % {"number": ticket.number}
        return render(
            language=recipient.language,
            recipient=recipient,
            subject=f"{subject_token(ticket)} {heading}",
            heading=heading,
            intro=_(intro_id) % {"number": ticket.number},
            facts=ticket_facts(ticket, customer=True),
            action_url=portal_ticket_url(ticket),
            action_label=_("Open the ticket in the portal"),
            footer=_(
                "Reply to this email to add information; keep the ticket number in the subject."
            ),
        )


def ticket_created_mails(change: TicketChange) -> None:
    """The contact's receipt (unless the channel sends its own) and the engineers' notice of new
    work: the ticket is new, so are the keys, and all go in one INSERT."""
    ticket = change.ticket
    emails: list[tuple[str, Email]] = []
    recipient = contact_recipient(ticket.contact) if change.data.get("receipt") else None
    if recipient is not None:
        key = change.data.get("receipt_key") or f"receipt:ticket:{ticket.pk}"
        emails.append((key, receipt_email(ticket, recipient)))
    emails += _staff_emails(
        change,
        event="created",
        heading=gettext_noop("New ticket %(number)s"),
        intro=ticket.description,
        reference=ticket.pk,
    )
    if emails:
        outbox_enqueue_many(emails, now=change.now, send_after=change.now, ticket=ticket)


def public_reply_mail(change: TicketChange) -> None:
    """The provider's written reply, to the ticket's contact (threads back by its token)."""
    from notifications.services.emails import customer_reply_email

    message = change.message
    if message is None or message.kind != MessageKind.PUBLIC:
        return
    recipient = contact_recipient(change.ticket.contact)
    if recipient is not None:
        outbox_enqueue(
            key=f"reply:{message.pk}",
            email=customer_reply_email(message, recipient),
            now=change.now,
            ticket=change.ticket,
            auto_submitted=False,
        )
    if message.update_kind:
        _update_to_manager(change, message, recipient)


def _update_to_manager(
    change: TicketChange, message: TicketMessage, contact: Recipient | None
) -> None:
    """A typed update on a critical ticket (SPEC ESC-12) also goes to the contract's support
    services manager, who sees every ticket of the organisation (D15)."""
    from notifications.services.emails import customer_reply_email

    manager = support_services_manager(change.ticket.contract_id)
    if manager is None or (contact is not None and manager.email.lower() == contact.email.lower()):
        return
    outbox_enqueue(
        key=f"reply:{message.pk}:manager",
        email=customer_reply_email(message, manager),
        now=change.now,
        ticket=change.ticket,
        auto_submitted=False,
    )


def _staff_emails(
    change: TicketChange, *, event: str, heading: str, intro: str, reference: object
) -> list[tuple[str, Email]]:
    """One mail per person whose work the ticket is (assignee, else the line's group), in their
    language, keyed per event and person; `heading` is a msgid translated per recipient."""
    ticket = change.ticket
    emails = []
    for user in ticket_staff_recipients(ticket, exclude=change.actor_user):
        recipient = user.recipient("engineer")
        with override(recipient.language):
            facts = [
                (_("Contact"), f"{ticket.contact.name} <{ticket.contact.email}>"),
                *ticket_facts(ticket),
            ]
            text = _(heading) % {"number": ticket.number}
            email = render(
                language=recipient.language,
                recipient=recipient,
                subject=f"{subject_token(ticket)} {text}",
                heading=text,
                intro=intro or _("(no text)"),
                facts=facts,
                action_url=ticket_url(ticket),
                action_label=_("Open the ticket"),
            )
        emails.append((f"staff:{event}:{reference}:{user.pk}", email))
    return emails


def _staff_mail(
    change: TicketChange, *, event: str, heading: str, intro: str, reference: object
) -> None:
    emails = _staff_emails(change, event=event, heading=heading, intro=intro, reference=reference)
    for key, email in emails:
        outbox_enqueue(key=key, email=email, now=change.now, ticket=change.ticket)


def staff_customer_reply_mail(change: TicketChange) -> None:
    message = change.message
    if message is None:
        return
    heading = (
        gettext_noop("The customer replied and reopened ticket %(number)s")
        if change.data.get("reopened")
        else gettext_noop("The customer replied on ticket %(number)s")
    )
    _staff_mail(
        change, event="customer-reply", heading=heading, intro=message.body, reference=message.pk
    )


def staff_reopened_mail(change: TicketChange) -> None:
    from tickets.services.conversation import REOPENED_BY_REPLY

    if change.data.get("reason") == REOPENED_BY_REPLY:
        return  # the reply's own mail says the ticket reopened
    _staff_mail(
        change,
        event="reopened",
        heading=gettext_noop("Ticket %(number)s was reopened"),
        intro=change.data.get("reason", ""),
        reference=f"{change.ticket.pk}:{change.now.timestamp():.6f}",
    )


def staff_assigned_mail(change: TicketChange) -> None:
    ticket = change.ticket
    _staff_mail(
        change,
        event="assigned",
        heading=gettext_noop("Ticket %(number)s is assigned to you"),
        intro=ticket.description,
        reference=f"{ticket.pk}:{ticket.assignee_id}:{change.now.timestamp():.6f}",
    )


def staff_line_mail(change: TicketChange) -> None:
    """A ticket handed to a line with nobody assigned is new work for that line's group."""
    ticket = change.ticket
    if ticket.assignee_id is not None:
        return
    _staff_mail(
        change,
        event="line",
        heading=gettext_noop("Ticket %(number)s was handed to your line"),
        intro=ticket.description,
        reference=f"{ticket.pk}:{ticket.line}:{change.now.timestamp():.6f}",
    )
