"""Escalation records (DECISIONS D10-D11); their mails are outbox rows (notifications).

Exactly once: an escalation is unique per (ticket, level, reason, clock version, occasion). A
second sweep or a redelivered task finds the row already there and does nothing.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from contracts.models import Contact
from tickets.models import Ticket


class Level(models.IntegerChoices):
    WARNING = 0, _("warning")
    FIRST_LINE = 1, _("level 1 (first-line escalation)")
    SECOND_LINE = 2, _("level 2 (second-line escalation)")
    MEDIATION = 3, _("level 3 (mediation)")


class Reason(models.TextChoices):
    RESPONSE_WARNING = "response_warning", _("response target 75 % used")
    RESOLUTION_WARNING = "resolution_warning", _("resolution target 75 % used")
    RESPONSE_BREACH = "response_breach", _("response target breached")
    RESOLUTION_BREACH = "resolution_breach", _("resolution target breached")
    TOP_RESOLUTION_BREACH = "top_resolution_breach", _("Top resolution target breached")
    CRITICAL_CREATED = "critical_created", _("Critical / Sev 1 ticket created")
    CRITICAL_RESOURCE_MISSING = (
        "critical_resource_missing",
        _("no critical situation resource assigned in time"),
    )
    STATUS_UPDATE_MISSED = "status_update_missed", _("status update overdue")
    CUSTOMER_RAISED = "customer_raised", _("raised by the customer")
    CUSTOMER_UNSATISFIED = "customer_unsatisfied", _("customer not satisfied with level 1")
    LEVEL1_UNACKNOWLEDGED = "level1_unacknowledged", _("level 1 not acknowledged in time")
    LEVEL1_UNRESOLVED = "level1_unresolved", _("still unresolved after level 1")
    MEDIATION = "mediation", _("mediation (manual)")


class Escalation(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("ticket")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    reason = models.CharField(_("reason"), max_length=40, choices=Reason.choices)
    clock_version = models.PositiveIntegerField(_("clock version"))
    # Repeating triggers (status updates every 4 h) name their occasion; others leave it empty.
    occasion = models.CharField(_("occasion"), max_length=40, blank=True, default="")
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    configuration_error = models.TextField(_("configuration problem"), blank=True)
    note = models.TextField(_("note"), blank=True)
    raised_at = models.DateTimeField(_("raised"))
    raised_by_contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by (customer)"),
    )
    raised_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by (staff)"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.CharField(_("acknowledged by"), max_length=254, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    # Empty when the escalation ended with its ticket; set when staff resolved it with a note.
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution_note = models.TextField(_("resolution note"), blank=True)
    notified_count = models.PositiveSmallIntegerField(_("notifications sent"), default=0)
    # A recipient whose server refused the mail for good, and who was told instead.
    fallbacks = models.JSONField(_("fallback recipients"), default=list, blank=True)
    next_notify_at = models.DateTimeField(_("next reminder"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "pk"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "level", "reason", "clock_version", "occasion"],
                name="escalation_exactly_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number} L{self.level} {self.reason}"


# The on-call pages live in their own module; imported here so Django finds the models.
from escalation.models_oncall import OnCallPage, OnCallPageStep, StepRole  # noqa: E402

__all__ = ["Escalation", "Level", "OnCallPage", "OnCallPageStep", "Reason", "StepRole"]
