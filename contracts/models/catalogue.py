"""The catalogue: what providers offer. Loaded from versioned data files (catalogue/*.toml).

Every row below belongs to a CatalogueRelease and is never edited after loading: a changed file
creates a new release, so tickets and contracts that point at old rows keep their history
(DECISIONS D3).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Provider(models.Model):
    """A support provider (SPEC PTY-01). Identity only; its offer lives in releases."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")

    def __str__(self) -> str:
        return self.name


class CatalogueRelease(models.Model):
    """One loaded version of one provider's catalogue file; the source text is kept whole."""

    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="releases", verbose_name=_("provider")
    )
    version = models.PositiveIntegerField(_("version"))
    sha256 = models.CharField(max_length=64)
    source_name = models.CharField(_("source file"), max_length=200)
    source_text = models.TextField(_("source text"))
    loaded_at = models.DateTimeField(_("loaded at"))
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        ordering = ["provider__code", "-version"]
        verbose_name = _("catalogue release")
        verbose_name_plural = _("catalogue releases")
        constraints = [
            models.UniqueConstraint(fields=["provider", "version"], name="release_version_unique"),
            models.UniqueConstraint(
                fields=["provider"], condition=Q(is_current=True), name="release_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider.code} v{self.version}"


class BusinessCalendar(models.Model):
    """Opening hours + holiday source (DECISIONS D1). Hours are wall-clock in `timezone`."""

    release = models.ForeignKey(
        CatalogueRelease,
        on_delete=models.PROTECT,
        related_name="calendars",
        verbose_name=_("release"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    timezone = models.CharField(_("time zone"), max_length=64, default="Europe/Amsterdam")
    always_open = models.BooleanField(_("24x7"), default=False)
    # {"mon": [["08:30", "17:30"]], ...}; a missing day is closed.
    hours = models.JSONField(_("opening hours"), default=dict, blank=True)
    holiday_country = models.CharField(_("holiday country"), max_length=8, blank=True)
    holiday_subdivision = models.CharField(_("holiday subdivision"), max_length=16, blank=True)
    holiday_categories = models.JSONField(_("holiday categories"), default=list, blank=True)
    holiday_remove_names = models.JSONField(_("holidays removed by name"), default=list, blank=True)
    extra_closures = models.JSONField(_("extra closed dates"), default=list, blank=True)
    removals = models.JSONField(_("holiday dates that stay open"), default=list, blank=True)
    # Revisions (D3): a coordinator's edit adds a row with revision + 1 in the same release; the
    # old row keeps its content for the tickets that froze it, only its "current" flag drops.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    is_current_revision = models.BooleanField(_("current revision"), default=True)
    revised_at = models.DateTimeField(_("revised at"), null=True, blank=True)
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revised by"),
    )
    revision_note = models.TextField(_("reason for the revision"), blank=True)

    class Meta:
        ordering = ["code", "-release__version", "-revision"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["release", "code", "revision"], name="calendar_revision_unique"
            ),
            models.UniqueConstraint(
                fields=["release", "code"],
                condition=Q(is_current_revision=True),
                name="calendar_one_current_revision",
            ),
        ]

    def __str__(self) -> str:
        if self.revision > 1:
            return f"{self.code} r{self.revision} ({self.release})"
        return f"{self.code} ({self.release})"


class BillingMode(models.TextChoices):
    NONE = "none", _("not billed per ticket")
    SUBSCRIPTION = "subscription", _("monthly subscription with fair use")
    POST_CALCULATION = "post_calculation", _("post-calculation")
    WORK_ORDER = "work_order", _("work order")


class Package(models.Model):
    """A package or service level a contract is for (SPEC §11 Package, CON-127, D14)."""

    release = models.ForeignKey(
        CatalogueRelease,
        on_delete=models.PROTECT,
        related_name="packages",
        verbose_name=_("release"),
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    default_calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("default calendar"),
    )
    named_contact_min = models.PositiveIntegerField(
        _("named contacts entitled"), null=True, blank=True
    )
    named_contact_max = models.PositiveIntegerField(
        _("named contacts at most"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    requires_named_contact = models.BooleanField(_("only named contacts may submit"), default=False)
    requires_support_services_manager = models.BooleanField(
        _("exactly one support services manager"), default=False
    )
    precedence = models.PositiveIntegerField(
        _("queue precedence"), default=0, help_text=_("Higher goes first (CBG Extra > Basis).")
    )
    max_contiguous_minutes = models.PositiveIntegerField(
        _("contiguous work within subscription (min)"), null=True, blank=True
    )
    travel_factor = models.DecimalField(
        _("travel cost factor"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    billing_mode = models.CharField(
        _("billing"), max_length=20, choices=BillingMode.choices, default=BillingMode.NONE
    )
    minimum_billable_minutes = models.PositiveIntegerField(null=True, blank=True)
    billing_increment_minutes = models.PositiveIntegerField(null=True, blank=True)
    out_of_hours_emergency = models.BooleanField(
        _("emergency support outside hours"), default=False
    )
    fallback_package_code = models.SlugField(
        _("package after cancellation"), max_length=40, blank=True
    )
    sort = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["release__provider__code", "sort", "code"]
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        constraints = [
            models.UniqueConstraint(fields=["release", "code"], name="package_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.release})"


class Inclusion(models.TextChoices):
    INCLUDED = "included", _("included (✓)")
    ADDITIONAL = "additional", _("additional (+)")
    LIMITED = "limited", _("additional, limited quantity (+¹)")
    NOT_OFFERED = "not_offered", _("not offered")


class CatalogueService(models.Model):
    """A service in a provider's catalogue (SPEC §2.2, §2.9, §2.10)."""

    release = models.ForeignKey(
        CatalogueRelease,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("release"),
    )
    code = models.SlugField(_("code"), max_length=60)
    category = models.CharField(_("category"), max_length=120)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    notes = models.TextField(_("rules"), blank=True)
    source = models.CharField(_("seed reference"), max_length=200, blank=True)

    class Meta:
        ordering = ["release__provider__code", "category", "name"]
        verbose_name = _("catalogue service")
        verbose_name_plural = _("catalogue services")
        constraints = [
            models.UniqueConstraint(fields=["release", "code"], name="service_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceInclusion(models.Model):
    service = models.ForeignKey(
        CatalogueService,
        on_delete=models.CASCADE,
        related_name="inclusions",
        verbose_name=_("service"),
    )
    package = models.ForeignKey(
        Package, on_delete=models.CASCADE, related_name="inclusions", verbose_name=_("package")
    )
    inclusion = models.CharField(_("inclusion"), max_length=20, choices=Inclusion.choices)

    class Meta:
        verbose_name = _("service inclusion")
        verbose_name_plural = _("service inclusions")
        constraints = [
            models.UniqueConstraint(fields=["service", "package"], name="inclusion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.service} / {self.package.code}: {self.inclusion}"


class ChannelKind(models.TextChoices):
    PORTAL = "portal", _("self-service portal")
    PHONE = "phone", _("phone")
    EMAIL = "email", _("email")
    TRUST = "trust", _("integration / trust")
    VENDOR = "vendor", _("vendor out of hours")
    ESCALATION = "escalation", _("escalation")
    WEB = "web", _("web / cloud portal")


class ProviderChannel(models.Model):
    """How customers reach a provider (SPEC §10)."""

    release = models.ForeignKey(
        CatalogueRelease,
        on_delete=models.PROTECT,
        related_name="channels",
        verbose_name=_("release"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices)
    address = models.CharField(_("address"), max_length=300)
    rules = models.TextField(_("rules"), blank=True)
    preferred = models.BooleanField(_("preferred"), default=False)
    packages = models.ManyToManyField(
        Package, blank=True, related_name="channels", verbose_name=_("packages")
    )
    source = models.CharField(_("seed reference"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.address}"
