"""Work on a ticket: time entries (CON-56, BIL-04) and vendor escalations (TKT-05, TKT-100..105)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tickets.models.ticket import Ticket

MINUTES_PER_ENTRY_MAX = 24 * 60
OVERRIDE_REASON_MAX = 200


class TimeCategory(models.TextChoices):
    """What the time was spent on; the contract's billing rules read it (issue 14 §1)."""

    IN_SUBSCRIPTION = "in_subscription", _("in subscription")
    OVER_LIMIT = "over_limit", _("over the limit")
    NEW_USER_LICENCE = "new_user_licence", _("new user or licence")
    DATA_MIGRATION = "data_migration", _("data migration")
    SHAREPOINT = "sharepoint", _("SharePoint")
    EXCEPTIONAL = "exceptional", _("exceptional work")
    ONBOARDING = "onboarding", _("onboarding")
    CHANGE_REQUEST = "change_request", _("change request")
    EDE = "ede", _("EDE hours")
    TRAVEL = "travel", _("travel")


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
    # One way, travel only (CBG: travel is charged per km one way, D19). Travel registered
    # before distances were asked for has none.
    distance_km = models.PositiveIntegerField(_("distance (km, one way)"), null=True, blank=True)
    # None: the contract's rules decide whether this time is billed; True/False: a
    # coordinator decided otherwise, with a reason (issue 14 §1).
    billable_override = models.BooleanField(_("billable (coordinator's decision)"), null=True)
    billable_override_reason = models.CharField(
        _("reason for the decision"), max_length=OVERRIDE_REASON_MAX, blank=True
    )
    billable_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    billable_override_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("registered"))

    class Meta:
        ordering = ["started_at", "pk"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        permissions = [("override_billable_timeentry", "Can decide whether time is billable")]
        indexes = [models.Index(fields=["user", "started_at"], name="time_entry_user_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=MINUTES_PER_ENTRY_MAX),
                name="time_entry_minutes_1_1440",
            ),
            models.CheckConstraint(
                condition=models.Q(category=TimeCategory.TRAVEL)
                | models.Q(distance_km__isnull=True),
                name="time_entry_distance_only_for_travel",
            ),
            models.CheckConstraint(
                condition=models.Q(billable_override__isnull=True)
                | (
                    ~models.Q(billable_override_reason="")
                    & models.Q(billable_override_by__isnull=False)
                    & models.Q(billable_override_at__isnull=False)
                ),
                name="time_entry_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number} {self.minutes} min {self.category}"

    @property
    def ended_at(self) -> datetime:
        return self.started_at + timedelta(minutes=self.minutes)


class TimeTimer(models.Model):
    """An engineer's running timer on a ticket: one per person; stopping it registers the
    time as an entry (issue 14 §1)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="time_timer",
        verbose_name=_("user"),
    )
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="time_timers", verbose_name=_("ticket")
    )
    started_at = models.DateTimeField(_("started"))

    class Meta:
        verbose_name = _("running timer")
        verbose_name_plural = _("running timers")

    def __str__(self) -> str:
        return f"{self.ticket.number} {self.user_id} {self.started_at:%Y-%m-%d %H:%M}"


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
