"""The receipt confirmation (DECISIONS D13): ticket number and the spam-folder hint, through
the outbox, in the contact's language; it never counts as the first response (TKT-63)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import override

from contracts.models import Contact
from escalation.models import OutboxEmail
from escalation.selectors import Recipient
from escalation.services.emails import render, subject_token
from escalation.services.outbox import outbox_enqueue_many
from intake.models import InboundMessage
from tickets.models import Ticket


def receipts_recent(email: str, now: datetime) -> int:
    return OutboxEmail.objects.filter(
        key__startswith="receipt:",
        to_email__iexact=email,
        created_at__gte=now - timedelta(hours=1),
    ).count()


def receipt_send(
    *, inbound: InboundMessage, ticket: Ticket, contact: Contact, now: datetime
) -> bool:
    """Write the receipt unless this sender already had its hourly share (loop protection)."""
    if receipts_recent(contact.email, now) >= settings.INTAKE_RECEIPTS_PER_HOUR:
        inbound.reason = (inbound.reason + "\n" if inbound.reason else "") + (
            "no receipt: hourly limit for this sender reached"
        )
        inbound.save(update_fields=["reason"])
        return False
    recipient = Recipient("customer", contact.name, contact.email, contact.language)
    with override(contact.language):
        heading = _("We received your message: ticket %(number)s") % {"number": ticket.number}
        email = render(
            language=contact.language,
            recipient=recipient,
            subject=f"{subject_token(ticket)} {heading}",
            heading=heading,
            intro=_(
                "Thank you. Your message is registered as ticket %(number)s. Reply to this "
                "email to add information; keep the ticket number in the subject. If you "
                "do not receive our emails, check your junk or spam folder."
            )
            % {"number": ticket.number},
            facts=[(_("Ticket"), f"{ticket.number} {ticket.subject}")],
        )
    # A new inbound row has a new key: one INSERT, no lookup (outbox_enqueue_many).
    outbox_enqueue_many([(f"receipt:{inbound.pk}", email)], now=now, send_after=now, ticket=ticket)
    return True
