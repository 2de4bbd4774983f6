"""Rendering emails: plain text + HTML, in the recipient's language (D16), and the ticket mails
every layer sends (the facts of a ticket, the provider's public reply)."""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats
from django.utils.autoreload import file_changed
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from contracts.models import ResolutionStart
from contracts.selectors import policy_row
from notifications.services.outbox import Email
from notifications.services.recipients import Recipient
from tickets.models import Status, Ticket, TicketMessage, UpdateKind


def local_time(value: datetime | None) -> str:
    """A due time as people read it: Europe/Amsterdam, with the zone named."""
    if value is None:
        return _("none")
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    return f"{formats.date_format(value.astimezone(zone), 'DATETIME_FORMAT')} ({zone.key})"


def ticket_url(ticket: Ticket) -> str:
    return str(settings.SITE_URL) + reverse("admin:tickets_ticket_change", args=[ticket.pk])


def portal_ticket_url(ticket: Ticket) -> str:
    return str(settings.SITE_URL) + reverse("portal:ticket", args=[ticket.number])


def subject_token(ticket: Ticket) -> str:
    return f"[{ticket.number}]"


def render(
    *,
    language: str,
    recipient: Recipient,
    subject: str,
    heading: str,
    intro: str,
    facts: list[tuple[str, str]],
    action_url: str = "",
    action_label: str = "",
    footer: str = "",
) -> Email:
    footer = footer or _("This message was sent automatically by the service desk; do not reply.")
    text, html = _bodies(
        language,
        str(heading),
        str(intro),
        tuple((str(label), str(value)) for label, value in facts),
        str(action_url),
        str(action_label),
        str(footer),
    )
    return Email(
        to_email=recipient.email,
        to_name=recipient.name,
        language=language,
        subject=subject,
        body_text=text,
        body_html=html,
    )


@functools.lru_cache(maxsize=256)
def _bodies(
    language: str,
    heading: str,
    intro: str,
    facts: tuple[tuple[str, str], ...],
    action_url: str,
    action_label: str,
    footer: str,
) -> tuple[str, str]:
    """The text and HTML of a mail, from exactly what the templates are given: the same words
    are rendered once (a sweep's warning to a line of ten engineers is one rendering)."""
    context = {
        "language": language,
        "heading": heading,
        "intro": intro,
        "facts": facts,
        "action_url": action_url,
        "action_label": action_label,
        "footer": footer,
    }
    return (
        render_to_string("notifications/email/notification.txt", context).strip() + "\n",
        render_to_string("notifications/email/notification.html", context),
    )


@receiver(file_changed)
def _bodies_forget(sender: object, file_path: Path, **kwargs: object) -> None:
    """A template edited under the development server renders anew."""
    _bodies.cache_clear()


def ticket_facts(ticket: Ticket, *, customer: bool = False) -> list[tuple[str, str]]:
    """The facts of a ticket in the active language; `customer`: as its contact reads them."""
    priority = ticket.sla_target.label_en if ticket.sla_target else "-"
    if ticket.sla_target and not translation_is_english():
        priority = ticket.sla_target.label_nl
    who = [] if customer else [(_("Customer"), ticket.customer.name)]
    return [
        (_("Ticket"), f"{ticket.number} {ticket.subject}"),
        *who,
        (_("Contract"), ticket.contract.reference),
        (_("Priority"), priority),
        (_("Response due"), due_text(ticket, ticket.response_due_at, resolution=False)),
        (_("Resolution due"), due_text(ticket, ticket.resolution_due_at, resolution=True)),
    ]


def due_text(ticket: Ticket, due_at: datetime | None, *, resolution: bool) -> str:
    """A due time in words: the time, or why there is none (no target, paused, met, or the
    resolution clock waiting for the root cause, D5)."""
    if due_at is not None:
        return local_time(due_at)
    if ticket.sla_target_id is None:
        return _("no target under this contract")
    if ticket.status == Status.WAITING_FOR_CUSTOMER:
        return _("paused: waiting for the customer")
    waits_for_cause = (
        resolution
        and ticket.sla_policy_id is not None
        and ticket.root_cause_identified_at is None
        and ticket.resolved_at is None
        # The catalogue's row, cached: a sweep writing many mails reads it once.
        and policy_row(ticket.sla_policy_id).resolution_start
        == ResolutionStart.ROOT_CAUSE_IDENTIFIED
    )
    if waits_for_cause:
        return _("starts once the root cause is found")
    return _("none")


def translation_is_english() -> bool:
    return (get_language() or "nl").startswith("en")


def _update_label(message: TicketMessage) -> str:
    """ "Status update: " before the subject of a typed update (SPEC ESC-12), else nothing."""
    if message.update_kind not in UpdateKind.values:
        return ""
    kind = str(UpdateKind(message.update_kind).label)
    return f"{kind[:1].upper()}{kind[1:]}: "


def _reply_heading(message: TicketMessage) -> str:
    number = message.ticket.number
    if message.update_kind in UpdateKind.values:
        return _("%(kind)s on ticket %(number)s") % {
            "kind": _update_label(message).removesuffix(": "),
            "number": number,
        }
    return _("New reply on ticket %(number)s") % {"number": number}


def customer_reply_email(message: TicketMessage, recipient: Recipient) -> Email:
    """The provider's public reply, sent to the customer; answering it threads into the ticket
    (its Message-ID and the subject token, D13)."""
    ticket = message.ticket
    author = message.author_user
    with override(recipient.language):
        name = (author.get_full_name() or author.get_username()) if author else _("service desk")
        return render(
            language=recipient.language,
            recipient=recipient,
            subject=f"{subject_token(ticket)} {_update_label(message)}{ticket.subject}",
            heading=_reply_heading(message),
            intro=message.body,
            facts=[
                (_("Ticket"), f"{ticket.number} {ticket.subject}"),
                (_("From"), name),
                (_("Status"), str(ticket.get_status_display())),
            ],
            action_url=portal_ticket_url(ticket),
            action_label=_("Open the ticket in the portal"),
            footer=_(
                "Reply to this email to add information; keep the ticket number in the subject."
            ),
        )
