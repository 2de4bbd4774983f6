"""The services of a contract whose availability is promised and measured (SPEC §6)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from availability.rules import targets as rules
from contracts.models import Contract, Hosting


class ServiceKind(models.TextChoices):
    INTEGRATION_SERVICE = rules.INTEGRATION_SERVICE, _("integration service")
    SOFTWARE = rules.SOFTWARE, _("software")
    OFFICE365 = rules.OFFICE365, _("Office 365 tenancy")
    OTHER = rules.OTHER, _("other")


class TargetBasis(models.TextChoices):
    CONTRACT = rules.BASIS_CONTRACT, _("promised in the contract")
    VENDOR_GUARANTEE = rules.BASIS_VENDOR, _("the vendor's guarantee, passed on")
    NONE = rules.BASIS_NONE, _("no numeric target")


class MonitoredService(models.Model):
    """A service of one contract with its availability targets (copied from the defaults)."""

    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        related_name="monitored_services",
        verbose_name=_("contract"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=ServiceKind.choices)
    hosting = models.CharField(
        _("hosting"), max_length=10, choices=Hosting.choices, default=Hosting.NONE, blank=True
    )
    office_target_percent = models.DecimalField(
        _("target in office hours (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no target."),
    )
    outside_target_percent = models.DecimalField(
        _("target outside office hours (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty: no target."),
    )
    max_interruptions = models.PositiveSmallIntegerField(
        _("interruptions a month at most"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    target_basis = models.CharField(
        _("targets rest on"), max_length=20, choices=TargetBasis.choices, default=TargetBasis.NONE
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["contract__reference", "name"]
        verbose_name = _("monitored service")
        verbose_name_plural = _("monitored services")
        constraints = [
            models.UniqueConstraint(fields=["contract", "name"], name="monitored_service_unique"),
            models.CheckConstraint(
                condition=(
                    Q(office_target_percent__isnull=True)
                    | Q(office_target_percent__gte=0, office_target_percent__lte=100)
                )
                & (
                    Q(outside_target_percent__isnull=True)
                    | Q(outside_target_percent__gte=0, outside_target_percent__lte=100)
                ),
                name="monitored_service_targets_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.contract.reference})"
