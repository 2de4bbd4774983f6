"""What an on-call page says (issue #13 §1): the mail and the SMS/voice text, each in the
paged person's language, with the acknowledgement link."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from escalation.models import OnCallPageStep, StepRole
from escalation.tokens import oncall_ack_token
from notifications.services.emails import local_time, render, subject_token, ticket_facts
from notifications.services.outbox import Email
from notifications.services.recipients import Recipient


def oncall_ack_url(step: OnCallPageStep) -> str:
    return str(settings.SITE_URL) + reverse("oncall-acknowledge", args=[oncall_ack_token(step.pk)])


def _intro(step: OnCallPageStep) -> str:
    if step.role == StepRole.ESCALATION_CONTACT and step.number == 1:
        return _(
            "Nobody is on call right now (a gap in the on-call rota), so this page comes to "
            "you as the escalation contact. A ticket with a 24x7 promise needs someone now."
        )
    if step.role == StepRole.ESCALATION_CONTACT:
        return _(
            "Nobody on call acknowledged this page in time, so it comes to you as the "
            "escalation contact. A ticket with a 24x7 promise needs someone now."
        )
    if step.number > 1:
        return _(
            "The colleague before you on the on-call rota did not acknowledge in time. A "
            "ticket with a 24x7 promise needs someone now."
        )
    return _("You are on call. A ticket with a 24x7 promise came in outside office hours.")


def oncall_page_email(step: OnCallPageStep) -> Email:
    ticket = step.page.ticket
    recipient = Recipient(step.get_role_display(), step.name, step.email, step.language)
    with override(step.language):
        heading = _("On call: ticket %(number)s needs you now") % {"number": ticket.number}
        return render(
            language=step.language,
            recipient=recipient,
            subject=f"{subject_token(ticket)} {heading} - {ticket.subject}",
            heading=heading,
            intro=_intro(step) + " " + _("Acknowledge the page so nobody else is called."),
            facts=[*ticket_facts(ticket), (_("Paged"), local_time(step.paged_at))],
            action_url=oncall_ack_url(step),
            action_label=_("Acknowledge the page"),
        )


def oncall_pager_text(step: OnCallPageStep) -> str:
    """The SMS (or the words a voice call reads): short, with the ticket and the customer."""
    ticket = step.page.ticket
    with override(step.language):
        return _("On call: %(number)s %(customer)s - %(subject)s. Acknowledge:") % {
            "number": ticket.number,
            "customer": ticket.customer.name,
            "subject": ticket.subject[:60],
        }
