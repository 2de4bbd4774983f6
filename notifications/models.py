"""The email outbox (DECISIONS D12): one row per mail, written in the transaction of the change
that caused it.

Exactly once: a row is unique per idempotency key. A second sweep or a redelivered task finds
the row already there and does nothing.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from notifications.models_webhooks import (
    DeliveryStatus,
    DisabledReason,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookEventType,
)
from tickets.models import Ticket

__all__ = [
    "DeliveryStatus",
    "DisabledReason",
    "OutboxEmail",
    "OutboxState",
    "StaffProfile",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "WebhookEventType",
]


class StaffProfile(models.Model):
    """A staff member's preferences for what the desk sends them (issue #11 §2)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    language = models.CharField(
        _("language of mails"), max_length=5, choices=settings.LANGUAGES, default="nl"
    )

    class Meta:
        verbose_name = _("staff preference")
        verbose_name_plural = _("staff preferences")

    def __str__(self) -> str:
        return f"{self.user} ({self.language})"


class OutboxState(models.TextChoices):
    PENDING = "pending", _("pending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    # A delivery-status report said the recipient's server refused it (issue #10 §3).
    BOUNCED = "bounced", _("bounced")


class OutboxEmail(models.Model):
    """An email, written in the transaction of the change that caused it (D12)."""

    key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=250, unique=True)
    to_email = models.EmailField(_("to"))
    to_name = models.CharField(_("to (name)"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=5, default="nl")
    subject = models.CharField(_("subject"), max_length=300)
    # Issue #11 §5: a person's reply is not marked Auto-Submitted; notices and receipts are.
    auto_submitted = models.BooleanField(_("automatic"), default=True)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"))
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ticket"),
    )
    # A string reference: notifications sits below escalation and never imports it.
    escalation = models.ForeignKey(
        "escalation.Escalation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emails",
        verbose_name=_("escalation"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"))
    # Not before: staff are not paged outside business hours unless the target is 24x7 (D10).
    send_after = models.DateTimeField(_("send after"))
    # When the mail was meant to go (send_after before any lease or back-off moved it): a mail
    # sent well after this says it is late.
    planned_at = models.DateTimeField(_("planned"), null=True, blank=True)
    # One stored file sent along (a service review pack's PDF): its name in the default storage,
    # the file name the recipient sees and its type. Empty: no attachment.
    attachment_path = models.CharField(_("attachment (stored file)"), max_length=300, blank=True)
    attachment_name = models.CharField(_("attachment name"), max_length=200, blank=True)
    attachment_type = models.CharField(_("attachment type"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True)
    bounce_reason = models.TextField(_("bounce reason"), blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        db_table = "escalation_outboxemail"  # moved from escalation; the table kept its name
        indexes = [
            models.Index(
                fields=["send_after"],
                name="outbox_pending_idx",
                condition=models.Q(state="pending"),
            ),
            # The receipt cap counts a sender's automatic answers of the last hour
            # (intake.services.receipt.receipts_recent): by address, then time, whatever the
            # number of mails ever sent.
            models.Index(Upper("to_email"), "created_at", name="outbox_recipient_recent_idx"),
            # The failed-sends gauge of /metrics counts these few rows, not the whole outbox.
            models.Index(
                fields=["created_at"],
                name="outbox_failed_idx",
                condition=models.Q(state="failed"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"
