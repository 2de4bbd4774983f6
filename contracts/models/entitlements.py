"""Entitlement ledgers (DECISIONS D20): every movement is a row, the balance is derived."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from contracts.models.agreements import Contract


class EntitlementKind(models.TextChoices):
    PROACTIVE_CREDITS = "proactive_credits", _("proactive credits")
    EDE_HOURS = "ede_hours", _("extended designated engineering hours")
    DSA_HOURS = "dsa_hours", _("development support assistance hours")
    # SPEC ESC-13: the RSM add-on, escalation updates outside business hours.
    RSM_HOURS = "rsm_hours", _("extra RSM hours")


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

    class Meta:
        ordering = ["contract", "occurred_at", "pk"]
        verbose_name = _("entitlement movement")
        verbose_name_plural = _("entitlement movements")

    def __str__(self) -> str:
        return f"{self.contract.reference} {self.kind} {self.quantity:+}"
