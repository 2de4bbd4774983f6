"""The escalation's own mails: notices of an escalation or warning, the CSAM's notices, the
customer's confirmation. Rendered and queued by notifications, each in its recipient's language
with dates formatted for it (D16, issue #11 §2)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db.models import Min
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from escalation.models import Escalation, Level, Reason
from escalation.tokens import ack_token
from notifications.models import OutboxEmail
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

# A recipient told in place of someone whose mail server refused the mail for good.
FALLBACK_ROLE_SUFFIX = " (fallback)"

# Outbox keys of an escalation's mails read escalation:<pk>:<part>:<address>; these parts name
# the customer's confirmation and the engineers' notice (the managers' mails carry a number).
CUSTOMER_KEY_PART = ":customer:"
ENGINEER_KEY_PART = ":engineer:"

# The roles the desk itself names; an escalation contact's role is data and shown as written.
ROLE_LABELS: dict[str, Promise] = {
    "assignee": gettext_lazy("assignee"),
    "line": gettext_lazy("member of the line that works the ticket"),
    "support coordinator": gettext_lazy("support coordinator"),
    "customer success account manager": gettext_lazy("customer success account manager"),
}


def role_label(role: str) -> str:
    """The role a person is told in, in the active language."""
    fallback = role.endswith(FALLBACK_ROLE_SUFFIX)
    base = role.removesuffix(FALLBACK_ROLE_SUFFIX)
    label = str(ROLE_LABELS.get(base, base))
    if fallback:
        return _("%(role)s, in place of a colleague whose mail was refused") % {"role": label}
    return label


def escalation_email(
    escalation: Escalation, recipient: Recipient, reminder: int, *, critical_notice: bool = False
) -> Email:
    """The notification of one escalation (or warning) to one person. `critical_notice`: the
    CSAM's copy also tells that a Critical / Sev 1 ticket was created or changed (D11), so the
    CSAM gets one mail for the event, not two."""
    ticket = escalation.ticket
    with override(recipient.language):
        level = str(Level(escalation.level).label)
        reason = str(Reason(escalation.reason).label)
        prefix = _("Reminder %(n)s: ") % {"n": reminder} if reminder else ""
        critical = (
            _("Critical ticket for %(customer)s") % {"customer": ticket.customer.name}
            if critical_notice
            else ""
        )
        about = f"{level}: {reason}" + (f" ({critical})" if critical else "")
        subject = f"{subject_token(ticket)} {prefix}{about} - {ticket.subject}"
        facts = [(_("Level"), level), (_("Reason"), reason), *ticket_facts(ticket)]
        facts.append((_("Raised"), local_time(escalation.raised_at)))
        action_url = ack_label = ""
        if escalation.level >= Level.FIRST_LINE:
            token = ack_token(escalation.pk, recipient.email)
            action_url = settings.SITE_URL + reverse("escalation-acknowledge", args=[token])
            ack_label = _("Acknowledge this escalation")
        facts.append((_("Open the ticket"), ticket_url(ticket)))
        intro = _("You are receiving this as %(role)s for ticket %(number)s.") % {
            "role": role_label(recipient.role),
            "number": ticket.number,
        }
        if critical_notice:
            intro += "\n\n" + _(
                "A Critical / Sev 1 ticket of your contract was created or changed."
            )
        return render(
            language=recipient.language,
            recipient=recipient,
            subject=subject,
            heading=about,
            intro=intro,
            facts=facts,
            action_url=action_url,
            action_label=ack_label,
        )


def engineer_escalation_email(escalation: Escalation, recipient: Recipient) -> Email:
    """The people who work the ticket hear that it was escalated (issue #11 §2); the managers
    acknowledge it, so this mail has no acknowledgement link and no reminders."""
    ticket = escalation.ticket
    with override(recipient.language):
        level = str(Level(escalation.level).label)
        reason = str(Reason(escalation.reason).label)
        heading = _("Ticket %(number)s was escalated") % {"number": ticket.number}
        return render(
            language=recipient.language,
            recipient=recipient,
            subject=f"{subject_token(ticket)} {heading} ({level}: {reason}) - {ticket.subject}",
            heading=heading,
            intro=_(
                "You are receiving this as %(role)s. The escalation managers have been told; "
                "they may contact you about the ticket."
            )
            % {"role": role_label(recipient.role)},
            facts=[
                (_("Level"), level),
                (_("Reason"), reason),
                *ticket_facts(ticket),
                (_("Raised"), local_time(escalation.raised_at)),
            ],
            action_url=ticket_url(ticket),
            action_label=_("Open the ticket"),
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


def escalation_managers_told_at(escalation: Escalation) -> datetime | None:
    """When the managers' mails of an escalation go (or went): the outbox says it, so what the
    customer is promised is what will happen. None when no manager mail was written."""
    planned = (
        OutboxEmail.objects.filter(
            escalation=escalation, key__startswith=f"escalation:{escalation.pk}:0:"
        )
        .aggregate(first=Min("planned_at"))
        .get("first")
    )
    return planned if isinstance(planned, datetime) else None


def escalation_promise(escalation: Escalation, *, now: datetime) -> str:
    """What the customer is told about their escalation, in the active language: told now, or
    when business hours start (nobody is paged outside them, D10), never more than is true."""
    told_at = escalation_managers_told_at(escalation)
    if told_at is None:
        return _("Your escalation is recorded; the service desk will contact you.")
    if told_at <= now:
        return _("The responsible manager has been informed and will contact you.")
    return _(
        "The responsible manager will be informed on %(when)s, when business hours start, "
        "and will then contact you."
    ) % {"when": local_time(told_at)}


def customer_escalation_email(escalation: Escalation, recipient: Recipient, now: datetime) -> Email:
    """Confirmation to the customer that their escalation was received, with a truthful
    promise of when the manager hears of it."""
    ticket = escalation.ticket
    with override(recipient.language):
        level = str(Level(escalation.level).label)
        heading = _("Your escalation of ticket %(number)s was received") % {"number": ticket.number}
        return render(
            language=recipient.language,
            recipient=recipient,
            subject=f"{subject_token(ticket)} {heading}",
            heading=heading,
            intro=_("We have escalated your ticket (%(level)s).") % {"level": level}
            + " "
            + escalation_promise(escalation, now=now),
            facts=ticket_facts(ticket, customer=True),
            action_url=settings.SITE_URL + reverse("portal:ticket", args=[ticket.number]),
            action_label=_("Open the ticket in the portal"),
            footer=_(
                "Reply to this email to add information; keep the ticket number in the subject."
            ),
        )
