"""Outages of monitored services (SPEC §6.3 data, AVL-23, AVL-24, TKT-114, TKT-116)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from availability.models.services import MonitoredService
from availability.rules.figures import MAINTENANCE_WINDOW


class ExclusionReason(models.TextChoices):
    """Why an outage does not count against the promise (the provider is not responsible)."""

    MAINTENANCE_WINDOW = MAINTENANCE_WINDOW, _("planned work within the maintenance window")
    THIRD_PARTY_TELECOM = "third_party_telecom", _("failure of a third party's telecom")
    THIRD_PARTY_POWER = "third_party_power", _("failure of a third party's power supply")
    CUSTOMER_CHANGE = "customer_change", _("a change the customer asked for")
    CUSTOMER_EQUIPMENT = (
        "customer_equipment",
        _("failure or misconfiguration of customer equipment"),
    )
    UNAUTHORISED_CUSTOMER_CHANGE = (
        "unauthorised_customer_change",
        _("unauthorised change by the customer's staff"),
    )
    CUSTOMER_SITE = "customer_site", _("conditions at the customer's site")
    INTERNET = "internet", _("internet performance")
    CUSTOMER_INFRASTRUCTURE = (
        "customer_infrastructure",
        _("customer infrastructure (hardware, operating system) of an on-premise service"),
    )


class Outage(models.Model):
    """A period in which a service was (or is) unusable; end empty while it goes on."""

    service = models.ForeignKey(
        MonitoredService,
        on_delete=models.PROTECT,
        related_name="outages",
        verbose_name=_("service"),
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"), null=True, blank=True)
    planned = models.BooleanField(_("planned"), default=False)
    affects_all_users = models.BooleanField(
        _("all users affected"),
        default=True,
        help_text=_(
            "Off when only some users are affected: that is an incident, and the service counts "
            "as available."
        ),
    )
    exclusion_reason = models.CharField(
        _("not counted because"),
        max_length=40,
        choices=ExclusionReason.choices,
        blank=True,
    )
    description = models.TextField(_("description"), blank=True)
    tickets = models.ManyToManyField(
        "tickets.Ticket", blank=True, related_name="outages", verbose_name=_("incident tickets")
    )
    maintenance = models.ForeignKey(
        "availability.PlannedMaintenance",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outages",
        verbose_name=_("planned maintenance"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["-start"]
        verbose_name = _("outage")
        verbose_name_plural = _("outages")
        indexes = [models.Index(fields=["service", "start"], name="outage_service_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gt=F("start")),
                name="outage_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service.name} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"
