"""Work on a ticket: time entries (CON-56, BIL-04) and vendor escalations (TKT-05, TKT-100..105)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models.ticket import Ticket

MINUTES_PER_ENTRY_MAX = 24 * 60


class TimeCategory(models.TextChoices):
    ANALYSIS = "analysis", _("analysis")
    RESOLUTION = "resolution", _("resolution")
    COMMUNICATION = "communication", _("communication")
    TRAVEL = "travel", _("travel")
    OTHER = "other", _("other")


class TimeEntry(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="time_entries", verbose_name=_("ticket")
    )
    # Hours are billing data: a user with time entries is not deleted silently.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="time_entries",
        verbose_name=_("user"),
    )
    started_at = models.DateTimeField(_("started"))
    minutes = models.PositiveIntegerField(_("minutes"))
    category = models.CharField(_("category"), max_length=20, choices=TimeCategory.choices)
    billable = models.BooleanField(_("billable"), default=False)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("registered"))

    class Meta:
        ordering = ["started_at", "pk"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=MINUTES_PER_ENTRY_MAX),
                name="time_entry_minutes_1_1440",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number} {self.minutes} min {self.category}"


class Vendor(models.TextChoices):
    XURRENT = "xurrent", _("Xurrent")
    MICROSOFT = "microsoft", _("Microsoft")
    OTHER = "other", _("other vendor")


class VendorEscalation(models.Model):
    """A ticket handed to a third-party vendor; several vendors can be involved (TKT-15)."""

    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.CASCADE,
        related_name="vendor_escalations",
        verbose_name=_("ticket"),
    )
    vendor = models.CharField(_("vendor"), max_length=20, choices=Vendor.choices)
    # Required for "other": the third party's name (ONS "Product van Derden").
    vendor_name = models.CharField(_("vendor name"), max_length=120, blank=True)
    vendor_reference = models.CharField(_("vendor's ticket reference"), max_length=120, blank=True)
    escalated_at = models.DateTimeField(_("escalated"))
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("escalated by"),
    )
    # When the vendor's latest update was last passed on to the customer (TKT-105).
    last_update_shared_at = models.DateTimeField(_("last update shared"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["escalated_at", "pk"]
        verbose_name = _("vendor escalation")
        verbose_name_plural = _("vendor escalations")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "vendor", "vendor_name"],
                condition=models.Q(closed_at__isnull=True),
                name="vendor_escalation_one_open_per_vendor",
            ),
        ]

    def __str__(self) -> str:
        name = self.vendor_name or self.get_vendor_display()
        return f"{self.ticket.number} → {name}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
