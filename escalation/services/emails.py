"""The escalation's own mails: notices of an escalation or warning, the CSAM's notices, the
customer's confirmation. Rendered and queued by notifications (D16)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from escalation.models import Escalation, Level, Reason
from escalation.tokens import ack_token
from notifications.services.emails import (
    local_time,
    render,
    subject_token,
    ticket_facts,
    ticket_url,
)
from notifications.services.outbox import Email
from notifications.services.recipients import Recipient
from tickets.models import Ticket


def escalation_email(escalation: Escalation, recipient: Recipient, reminder: int) -> Email:
    """The notification of one escalation (or warning) to one person."""
    ticket = escalation.ticket
    with override(recipient.language):
        level = str(Level(escalation.level).label)
        reason = str(Reason(escalation.reason).label)
        prefix = _("Reminder %(n)s: ") % {"n": reminder} if reminder else ""
        subject = f"{subject_token(ticket)} {prefix}{level}: {reason} - {ticket.subject}"
        facts = [(_("Level"), level), (_("Reason"), reason), *ticket_facts(ticket)]
        facts.append((_("Raised"), local_time(escalation.raised_at)))
        action_url = ack_label = ""
        if escalation.level >= Level.FIRST_LINE:
            token = ack_token(escalation.pk, recipient.email)
            action_url = settings.SITE_URL + reverse("escalation-acknowledge", args=[token])
            ack_label = _("Acknowledge this escalation")
        facts.append((_("Open the ticket"), ticket_url(ticket)))
        return render(
            language=recipient.language,
            recipient=recipient,
            subject=subject,
            heading=f"{level}: {reason}",
            intro=_("You are receiving this as %(role)s for ticket %(number)s.")
            % {"role": recipient.role, "number": ticket.number},
            facts=facts,
            action_url=action_url,
            action_label=ack_label,
        )


def csam_ticket_email(ticket: Ticket, recipient: Recipient) -> Email:
    """D11: a Critical / Sev 1 ticket was created or changed."""
    with override(recipient.language):
        heading = _("Critical ticket for %(customer)s") % {"customer": ticket.customer.name}
        return render(
            language=recipient.language,
            recipient=recipient,
            subject=f"{subject_token(ticket)} {heading} - {ticket.subject}",
            heading=heading,
            intro=_("A Critical / Sev 1 ticket of your contract was created or changed."),
            facts=[*ticket_facts(ticket), (_("Open the ticket"), ticket_url(ticket))],
        )


def csam_contract_email(
    contract_reference: str,
    customer_name: str,
    recipient: Recipient,
    heading: str,
    intro: str,
    facts: list[tuple[str, str]],
) -> Email:
    """D11: a contract date or limit the CSAM must act on."""
    return render(
        language=recipient.language,
        recipient=recipient,
        subject=f"[{contract_reference}] {heading} - {customer_name}",
        heading=heading,
        intro=intro,
        facts=facts,
    )


def customer_escalation_email(escalation: Escalation, recipient: Recipient) -> Email:
    """Confirmation to the customer that their escalation was received."""
    ticket = escalation.ticket
    with override(recipient.language):
        level = str(Level(escalation.level).label)
        heading = _("Your escalation of ticket %(number)s was received") % {"number": ticket.number}
        return render(
            language=recipient.language,
            recipient=recipient,
            subject=f"{subject_token(ticket)} {heading}",
            heading=heading,
            intro=_(
                "We have escalated your ticket (%(level)s). The responsible manager has "
                "been informed and will contact you."
            )
            % {"level": level},
            facts=ticket_facts(ticket),
        )
