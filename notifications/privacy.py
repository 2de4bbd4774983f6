"""The notifications app's part of erasure and access export (issue #15 §3, D17), registered
with `privacy.registry` in `NotificationsConfig.ready()`.

Mail sent to the person keeps its row (when, what kind, delivered or not) with the person's
strings, name parts and signature replaced and the address replaced by the pseudonym's, which
never delivers; a mail still waiting for them is not sent. Mail to others about the customer's
tickets and the webhook events, deliveries and attempts lose the person's strings.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext

from notifications.models import (
    OutboxEmail,
    OutboxState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from privacy.export import ExportWriter, rows_data
from privacy.registry import Counts, Subject
from privacy.scrub import Scrubber

MAIL_FIELDS = ("subject", "body_text", "body_html")
# The outbox's idempotency key may name the recipient's address: it loses it too.
MAIL_OTHER_FIELDS = ("key", "to_name", "last_error", "bounce_reason", *MAIL_FIELDS)


def _mentioning(subject: Subject) -> Q:
    """Mail not about a ticket (invitations, alerts) that names the person."""
    q = Q(body_text__icontains=subject.email) | Q(subject__icontains=subject.email)
    if subject.name:
        q |= Q(body_text__icontains=subject.name) | Q(subject__icontains=subject.name)
    return Q(ticket__isnull=True) & q


def notifications_erase(subject: Subject, scrubber: Scrubber) -> Counts:
    to_them = Q(to_email__iexact=subject.email)
    about = Q(ticket__customer_id=subject.customer_id) | _mentioning(subject)
    OutboxEmail.objects.filter(to_them, state=OutboxState.PENDING).update(
        state=OutboxState.FAILED,
        last_error=gettext("Not sent: the recipient's data was erased."),
    )
    events = WebhookEvent.objects.filter(
        Q(customer_id=subject.customer_id) | Q(ticket__customer_id=subject.customer_id)
    )
    deliveries = WebhookDelivery.objects.filter(event__in=events)
    return {
        "notifications.OutboxEmail": scrubber.rows(
            OutboxEmail.objects.filter(to_them),
            ["key", "message_id", "last_error", "bounce_reason"],
            own=["to_name", *MAIL_FIELDS],
            values={"to_email": scrubber.pseudonym_email},
        )
        + scrubber.rows(OutboxEmail.objects.filter(about).exclude(to_them), MAIL_OTHER_FIELDS),
        "notifications.WebhookEndpoint": scrubber.rows(
            WebhookEndpoint.objects.filter(customer_id=subject.customer_id), ["description"]
        ),
        "notifications.WebhookEvent": scrubber.rows(events, ["payload"]),
        "notifications.WebhookDelivery": scrubber.rows(deliveries, ["last_response", "last_error"]),
        "notifications.WebhookAttempt": scrubber.rows(
            WebhookAttempt.objects.filter(delivery__in=deliveries), ["response", "error"]
        ),
    }


def notifications_export(subject: Subject, writer: ExportWriter) -> None:
    """The mails sent (or to be sent) to the person."""
    mails = OutboxEmail.objects.filter(to_email__iexact=subject.email).order_by("created_at")
    writer.json(
        "mail/sent-to-you.json",
        rows_data(
            mails,
            ["created_at", "sent_at", "state", "to_email", "to_name", "subject", "body_text"],
        ),
    )
