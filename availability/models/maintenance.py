"""Maintenance windows, planned maintenance and who was told about it (SPEC §6.2, D22)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from availability.models.services import MonitoredService
from contracts.models import Contact, Provider


class MaintenanceWindow(models.Model):
    """When a provider may do maintenance without notice (AVL-10); one per provider."""

    provider = models.OneToOneField(
        Provider,
        on_delete=models.PROTECT,
        related_name="maintenance_window",
        verbose_name=_("provider"),
    )
    # Monday = 0; the day the window opens (a Sunday 20:00-06:00 window ends on Monday).
    weekdays = models.JSONField(_("weekdays"), default=list)
    start_time = models.TimeField(_("opens at"))
    end_time = models.TimeField(
        _("closes at"), help_text=_("At or before the opening time: the next day.")
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Amsterdam")

    class Meta:
        ordering = ["provider__name"]
        verbose_name = _("maintenance window")
        verbose_name_plural = _("maintenance windows")

    def __str__(self) -> str:
        return f"{self.provider.name} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class MaintenanceStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    CANCELLED = "cancelled", _("cancelled")
    DONE = "done", _("done")


class PlannedMaintenance(models.Model):
    """Maintenance a provider plans on some of its customers' services."""

    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        related_name="planned_maintenance",
        verbose_name=_("provider"),
    )
    services = models.ManyToManyField(
        MonitoredService, related_name="planned_maintenance", verbose_name=_("services")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True)
    # Computed by the planning service from the window and the provider's calendar (D22).
    inside_window = models.BooleanField(_("inside the maintenance window"), default=False)
    notice_ok = models.BooleanField(_("announced in time"), default=False)
    override_reason = models.TextField(_("planned despite short notice because"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MaintenanceStatus.choices,
        default=MaintenanceStatus.PLANNED,
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("planned by"),
    )
    created_at = models.DateTimeField(_("planned at"))
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = _("planned maintenance")
        verbose_name_plural = _("planned maintenance")
        indexes = [models.Index(fields=["status", "start"], name="maintenance_status_start")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="maintenance_end_after"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"


class AnnouncementKind(models.TextChoices):
    ANNOUNCEMENT = "announcement", _("announcement")
    REMINDER = "reminder", _("reminder")
    CANCELLATION = "cancellation", _("cancellation")


class MaintenanceAnnouncement(models.Model):
    """One mail about one maintenance to one contact: each contact is told each thing once."""

    maintenance = models.ForeignKey(
        PlannedMaintenance,
        on_delete=models.CASCADE,
        related_name="announcements",
        verbose_name=_("maintenance"),
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="+", verbose_name=_("contact")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AnnouncementKind.choices)
    sent_at = models.DateTimeField(_("queued"))

    class Meta:
        ordering = ["maintenance", "kind", "contact"]
        verbose_name = _("maintenance announcement")
        verbose_name_plural = _("maintenance announcements")
        constraints = [
            models.UniqueConstraint(
                fields=["maintenance", "contact", "kind"], name="maintenance_told_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.maintenance} -> {self.contact.email} ({self.kind})"
