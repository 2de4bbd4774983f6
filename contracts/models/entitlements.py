"""Entitlement ledgers (DECISIONS D20): every movement is a row, the balance is derived."""

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from contracts.models.agreements import Contract
from contracts.models.microsoft import LocationExchange, ServiceRequest, SupportLocation


class EntitlementKind(models.TextChoices):
    PROACTIVE_CREDITS = "proactive_credits", _("proactive credits")
    EDE_HOURS = "ede_hours", _("extended designated engineering hours")
    DSA_HOURS = "dsa_hours", _("development support assistance hours")
    # SPEC ESC-13: the RSM add-on, escalation updates outside business hours.
    RSM_HOURS = "rsm_hours", _("extra RSM hours")


class MovementCause(models.TextChoices):
    RECORDED = "", _("recorded by hand")
    REDEMPTION = "redemption", _("service requested")
    RETURN = "return", _("request cancelled in time")
    EDE = "ede", _("EDE time entry")
    EXCHANGE = "exchange", _("exchange between locations")
    LAPSE = "lapse", _("lapsed at the end of the work order")


class EntitlementMovement(models.Model):
    """A purchase (positive), use or lapse (negative) of an entitlement on a work order."""

    contract = models.ForeignKey(
        Contract,
        on_delete=models.CASCADE,
        related_name="entitlement_movements",
        verbose_name=_("contract"),
    )
    kind = models.CharField(_("entitlement"), max_length=30, choices=EntitlementKind.choices)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200)
    occurred_at = models.DateTimeField(_("at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # Issue #14: what wrote the row, and what it belongs to (D20, CON-40..56, CON-62).
    cause = models.CharField(
        _("cause"), max_length=12, choices=MovementCause.choices, default="", blank=True
    )
    location = models.ForeignKey(
        SupportLocation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entitlement_movements",
        verbose_name=_("support location"),
    )
    service_request = models.ForeignKey(
        ServiceRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
        verbose_name=_("service request"),
    )
    location_exchange = models.ForeignKey(
        LocationExchange,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
        verbose_name=_("location exchange"),
    )
    # A lower app points up by a string reference only (the layer rule).
    time_entry = models.OneToOneField(
        "tickets.TimeEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entitlement_movement",
        verbose_name=_("time entry"),
    )

    class Meta:
        ordering = ["contract", "occurred_at", "pk"]
        verbose_name = _("entitlement movement")
        verbose_name_plural = _("entitlement movements")
        indexes = [models.Index(fields=["contract", "kind", "location"])]
        constraints = [
            # CON-20: what is left lapses once per kind and location.
            models.UniqueConstraint(
                "contract",
                "kind",
                Coalesce("location", Value(0)),
                condition=Q(cause="lapse"),
                name="entitlement_lapse_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} {self.kind} {self.quantity:+}"
