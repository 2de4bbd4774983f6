"""Contracts (work orders, subscriptions) and per-contract escalation contacts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contracts.models.catalogue import (
    BusinessCalendar,
    CatalogueRelease,
    CatalogueService,
    Package,
    Provider,
)
from contracts.models.parties import Customer
from contracts.text import person_name_validate


class Hosting(models.TextChoices):
    NONE = "", _("not applicable")
    CLOUD = "cloud", _("cloud (hosted by the provider)")
    ON_PREM = "on_prem", _("on-premise (hosted by the customer)")


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    ENDED = "ended", _("ended")


class Contract(models.Model):
    """A customer's contract for one package (SPEC §11 Contract / WorkOrder)."""

    reference = models.CharField(_("reference"), max_length=60, unique=True)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("customer")
    )
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("provider")
    )
    package = models.ForeignKey(
        Package, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("package")
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Overrides the package calendar (e.g. a Microsoft support location)."),
        verbose_name=_("calendar"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.ACTIVE
    )
    start_date = models.DateField(_("start"))
    go_live_date = models.DateField(_("go-live"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    renewal_date = models.DateField(_("renewal"), null=True, blank=True)
    renewal_notice_deadline = models.DateField(
        _("renewal notice deadline"),
        null=True,
        blank=True,
        help_text=_("Last day to give notice; the CSAM is told 30 days before."),
    )
    auto_renew = models.BooleanField(_("renews automatically"), default=False)
    hosting = models.CharField(
        _("hosting"), max_length=10, choices=Hosting.choices, default=Hosting.NONE, blank=True
    )
    # Issue #11 §5: whether a new ticket is shared with the customer's colleagues by default (D15).
    tickets_shared_by_default = models.BooleanField(
        _("new tickets shared with colleagues"), default=True
    )
    named_contact_cap = models.PositiveIntegerField(
        _("named contacts at most (contract)"),
        null=True,
        blank=True,
        # Advanced raises it through the CSAM.
        help_text=_("Raises the package's cap (Advanced: more via the CSAM)."),
    )
    csam = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="csam_contracts",
        verbose_name=_("customer success account manager"),
    )
    services = models.ManyToManyField(
        CatalogueService, blank=True, related_name="contracts", verbose_name=_("services")
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["customer__name", "reference"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="contract_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.customer.name})"


class EscalationContact(models.Model):
    """Who is told at each escalation level (SPEC §1.4); from the catalogue or per contract."""

    release = models.ForeignKey(
        CatalogueRelease,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalation_contacts",
        verbose_name=_("release"),
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="escalation_contacts",
        verbose_name=_("contract"),
    )
    packages = models.ManyToManyField(
        Package,
        blank=True,
        related_name="escalation_contacts",
        help_text=_("Empty: all."),
        verbose_name=_("packages"),
    )
    level = models.PositiveSmallIntegerField(_("level"))
    role = models.CharField(_("role"), max_length=100)
    name = models.CharField(
        _("name"), max_length=200, blank=True, validators=[person_name_validate]
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["level", "role"]
        verbose_name = _("escalation contact")
        verbose_name_plural = _("escalation contacts")
        constraints = [
            models.CheckConstraint(
                condition=(Q(release__isnull=False) & Q(contract__isnull=True))
                | (Q(release__isnull=True) & Q(contract__isnull=False)),
                name="escalation_contact_release_xor_contract",
            ),
        ]

    def __str__(self) -> str:
        return f"L{self.level} {self.role}: {self.name or self.email}"
