"""Webhooks (issue #12 §4): endpoints, the events that happened, and one delivery per event per
endpoint. Imported by `notifications.models`; import them from there.

Exactly once: a delivery is unique per (endpoint, event), so an event is never queued twice for
one endpoint; a send claims its delivery by compare-and-set before it talks HTTP, so two workers
never send it at once. The event's integer id is the feed's cursor (`events?after=`); its public
id ("msg_...") is the Standard Webhooks `webhook-id`, the same on every attempt.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contracts.models import Customer, Provider
from tickets.models import Ticket


class WebhookEventType(models.TextChoices):
    TICKET_CREATED = "ticket.created", _("ticket created")
    TICKET_UPDATED = "ticket.updated", _("ticket updated")
    TICKET_REPLIED = "ticket.replied", _("ticket replied")
    TICKET_RESOLVED = "ticket.resolved", _("ticket resolved")
    CLOCK_AT_RISK = "clock.at_risk", _("clock at risk")
    CLOCK_BREACHED = "clock.breached", _("clock breached")
    ESCALATION_RAISED = "escalation.raised", _("escalation raised")
    ESCALATION_ACKNOWLEDGED = "escalation.acknowledged", _("escalation acknowledged")


class DisabledReason(models.TextChoices):
    FAILING = "failing", _("no delivery succeeded for a day")
    BY_OWNER = "owner", _("turned off by its owner")
    DELETED = "deleted", _("deleted")


class WebhookEndpoint(models.Model):
    """Where a provider or a customer wants events sent; owned by exactly one of them."""

    provider = models.ForeignKey(
        Provider,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        verbose_name=_("provider"),
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        verbose_name=_("customer"),
    )
    url = models.URLField(_("address"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(_("signing secret"), max_length=100)
    # Rotation: the old secret still signs (beside the new one) until it expires.
    previous_secret = models.CharField(_("previous signing secret"), max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(
        _("previous secret valid until"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.CharField(
        _("reason disabled"), max_length=10, choices=DisabledReason.choices, blank=True
    )
    # The first failure since the last success; a day of failures disables the endpoint.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(provider__isnull=False, customer__isnull=True)
                    | Q(provider__isnull=True, customer__isnull=False)
                ),
                name="webhook_endpoint_one_owner",
            ),
        ]
        indexes = [
            models.Index(
                fields=["provider"], name="webhook_ep_provider_idx", condition=Q(is_active=True)
            ),
            models.Index(
                fields=["customer"], name="webhook_ep_customer_idx", condition=Q(is_active=True)
            ),
        ]

    def __str__(self) -> str:
        return self.url


class WebhookEvent(models.Model):
    """Something that happened to a ticket; `internal` events (internal notes) never reach a
    customer's endpoint or feed."""

    public_id = models.CharField(_("message id"), max_length=40, unique=True)
    type = models.CharField(_("type"), max_length=40, choices=WebhookEventType.choices)
    provider = models.ForeignKey(
        Provider, on_delete=models.CASCADE, related_name="+", verbose_name=_("provider")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="+", verbose_name=_("customer")
    )
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ticket"),
    )
    internal = models.BooleanField(_("provider only"), default=False)
    payload = models.JSONField(_("data"))
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        indexes = [
            models.Index(fields=["provider", "id"], name="webhook_event_provider_idx"),
            models.Index(fields=["customer", "id"], name="webhook_event_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.type}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    SENDING = "sending", _("sending")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")


class WebhookDelivery(models.Model):
    """One event for one endpoint. `next_attempt_at` is when it is due: for a pending delivery
    its next attempt, for one being sent the end of the sender's lease (a sender that died
    leaves it due again)."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    event = models.ForeignKey(
        WebhookEvent, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("event")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last status code"), null=True, blank=True
    )
    last_response = models.TextField(_("last response"), blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    succeeded_at = models.DateTimeField(_("succeeded"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event"], name="webhook_delivery_once_per_endpoint"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery: the log an integrator reads."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=_("delivery"),
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    response = models.TextField(_("response"), blank=True)
    error = models.TextField(_("error"), blank=True)
    succeeded = models.BooleanField(_("succeeded"), default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}: {self.status_code or self.error[:40]}"
