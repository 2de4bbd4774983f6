"""SLA policies and their targets per package x request type x priority (SPEC §3.3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from contracts.models.catalogue import BusinessCalendar, CatalogueRelease, CatalogueService, Package


class RequestType(models.TextChoices):
    INCIDENT = "incident", _("incident")
    INFORMATION = "information", _("information request")
    CHANGE = "change", _("change request")


class ResolutionStart(models.TextChoices):
    REGISTERED = "registered", _("at registration")
    ROOT_CAUSE_IDENTIFIED = "root_cause_identified", _("when the root cause is identified")


class ClockKind(models.TextChoices):
    BUSINESS = "business", _("business hours")
    ALWAYS = "24x7", _("24x7")


class SlaPolicy(models.Model):
    """A provider's set of targets for some packages, or for an extended service (A-26)."""

    release = models.ForeignKey(
        CatalogueRelease,
        on_delete=models.PROTECT,
        related_name="policies",
        verbose_name=_("release"),
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    packages = models.ManyToManyField(
        Package, blank=True, related_name="policies", verbose_name=_("packages")
    )
    service = models.ForeignKey(
        CatalogueService,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policies",
        help_text=_("Extended service whose targets take precedence (e.g. Rapid Response)."),
        verbose_name=_("service"),
    )
    resolution_start = models.CharField(
        _("resolution clock starts"),
        max_length=30,
        choices=ResolutionStart.choices,
        default=ResolutionStart.REGISTERED,
    )
    is_default = models.BooleanField(
        _("default for its packages"), default=True, help_text=_("Used when no context is chosen.")
    )
    notes = models.TextField(_("notes"), blank=True)
    source = models.CharField(_("seed reference"), max_length=300, blank=True)

    class Meta:
        ordering = ["release__provider__code", "code"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(fields=["release", "code"], name="policy_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.release})"


class SlaTarget(models.Model):
    """One row of a target table: a priority level with its budgets (D7: native level + rank)."""

    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.PROTECT, related_name="targets", verbose_name=_("policy")
    )
    request_type = models.CharField(
        _("request type"), max_length=20, choices=RequestType.choices, default=RequestType.INCIDENT
    )
    level = models.CharField(_("priority level"), max_length=40)
    label_nl = models.CharField(_("label (Dutch)"), max_length=100)
    label_en = models.CharField(_("label (English)"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("rank P1-P4"))
    response_seconds = models.PositiveIntegerField(_("response target (s)"), null=True, blank=True)
    resolution_seconds = models.PositiveIntegerField(
        _("resolution target (s)"), null=True, blank=True
    )
    attention_seconds = models.PositiveIntegerField(
        _("attention within (s)"), null=True, blank=True
    )
    critical_resource_seconds = models.PositiveIntegerField(
        _("critical situation resource within (s)"), null=True, blank=True
    )
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, related_name="+", verbose_name=_("calendar")
    )
    clock_kind = models.CharField(_("clock"), max_length=10, choices=ClockKind.choices)
    compliance_threshold = models.DecimalField(
        _("compliance threshold (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    impact_scope = models.CharField(_("impact scope"), max_length=20, blank=True)
    impact_effect = models.CharField(_("impact effect"), max_length=20, blank=True)
    business_critical = models.BooleanField(null=True, blank=True)
    emergency = models.BooleanField(null=True, blank=True)
    effort = models.CharField(_("effort"), max_length=200, blank=True)
    provider_commitments = models.TextField(_("provider commitments"), blank=True)
    customer_duties = models.TextField(_("customer duties"), blank=True)
    situation = models.TextField(_("situation"), blank=True)
    # An assumption of the catalogue (e.g. A-26), not a figure of the service description.
    is_assumption = models.BooleanField(
        _("assumed figure"),
        default=False,
        help_text=_("Not stated in the provider's service description; assumed by the desk."),
    )
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["policy", "request_type", "sort", "rank"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "request_type", "level"], name="target_level_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(rank__gte=1, rank__lte=4), name="target_rank_p1_p4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy.code}: {self.label_en}"
