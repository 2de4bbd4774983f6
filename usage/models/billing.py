"""The money ledger (issue #14): per-contract rates, THE one ledger of billable lines for all
providers, and the closed months that freeze it.

Lines are append-only: a change is a new (delta or correction) line, never an edit in place, so
an invoice that was sent from a closed month can always be reproduced.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, Provider

NOT_NEGATIVE = [MinValueValidator(0)]


class ContractBilling(models.Model):
    """The rates of one contract, from its signed quote (SPEC BIL-01, BIL-06, A-18)."""

    contract = models.OneToOneField(
        Contract, on_delete=models.CASCADE, related_name="billing", verbose_name=_("contract")
    )
    hourly_rate = models.DecimalField(
        _("hourly rate"), max_digits=10, decimal_places=2, default=0, validators=NOT_NEGATIVE
    )
    km_rate = models.DecimalField(
        _("rate per km"), max_digits=10, decimal_places=2, default=0, validators=NOT_NEGATIVE
    )
    licence_fee = models.DecimalField(
        _("monthly fee per licence"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=NOT_NEGATIVE,
    )
    licence_count = models.PositiveIntegerField(_("licences"), default=0)
    new_licence_fee = models.DecimalField(
        _("one-off fee per new licence"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=NOT_NEGATIVE,
    )
    vat_code = models.CharField(_("VAT code"), max_length=20, default="NL-21")

    class Meta:
        verbose_name = _("contract rates")
        verbose_name_plural = _("contract rates")
        constraints = [
            models.CheckConstraint(
                condition=Q(hourly_rate__gte=0)
                & Q(km_rate__gte=0)
                & Q(licence_fee__gte=0)
                & Q(new_licence_fee__gte=0),
                name="contract_billing_rates_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.contract.reference)


class LineCategory(models.TextChoices):
    """The time categories (tickets.TimeCategory values) plus the ledger's own kinds."""

    IN_SUBSCRIPTION = "in_subscription", _("in subscription")
    OVER_LIMIT = "over_limit", _("over the limit")
    NEW_USER_LICENCE = "new_user_licence", _("new user or licence")
    DATA_MIGRATION = "data_migration", _("data migration")
    SHAREPOINT = "sharepoint", _("SharePoint")
    EXCEPTIONAL = "exceptional", _("exceptional situation")
    ONBOARDING = "onboarding", _("onboarding")
    CHANGE_REQUEST = "change_request", _("change request")
    EDE = "ede", _("EDE")
    TRAVEL = "travel", _("travel")
    LABOUR = "labour", _("labour (post-calculation)")
    MONTHLY_FEE = "monthly_fee", _("monthly fee")
    NEW_LICENCE_FEE = "new_licence_fee", _("new licence fee")
    CANCELLATION_FEE = "cancellation_fee", _("cancellation fee")
    MS_TRAVEL = "ms_travel", _("travel and lodging")
    OTHER = "other", _("other")


class LineUnit(models.TextChoices):
    # Shown after a quantity on an invoice line ("45 min", "14 licences", "1 pcs").
    MINUTES = "minutes", _("min")
    KM = "km", _("km")
    LICENCES = "licences", _("licences")
    ITEMS = "items", _("pcs")


class BillingLine(models.Model):
    """One billable line (or a delta/correction of earlier lines with the same `source`)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="billing_lines", verbose_name=_("contract")
    )
    # The first day of the month the line is invoiced in.
    month = models.DateField(_("month"))
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="billing_lines",
        verbose_name=_("ticket"),
    )
    time_entry = models.ForeignKey(
        "tickets.TimeEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="billing_lines",
        verbose_name=_("time entry"),
    )
    category = models.CharField(_("category"), max_length=30, choices=LineCategory.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=10, choices=LineUnit.choices)
    # Per hour for minutes, per km, per licence or per item; km rates carry the travel factor.
    rate = models.DecimalField(_("rate"), max_digits=12, decimal_places=4)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    vat_code = models.CharField(_("VAT code"), max_length=20)
    # What produced the line, e.g. "ticket:12:over_limit:2026-06" (ticket, category, month of the
    # work): the lines of one source add up to what that source should bill.
    source = models.CharField(_("source"), max_length=120, db_index=True)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["contract", "month", "created_at", "pk"]
        verbose_name = _("billing line")
        verbose_name_plural = _("billing lines")
        indexes = [models.Index(fields=["contract", "month"], name="billing_line_contract_month")]
        constraints = [
            # The monthly fee is written once per contract and month (a later fix is a
            # correction line, which points at what it corrects).
            models.UniqueConstraint(
                fields=["contract", "month"],
                condition=Q(category="monthly_fee", corrects__isnull=True),
                name="billing_line_one_monthly_fee",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="billing_line_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} {self.month:%Y-%m} {self.category} {self.amount}"


class BillingMonth(models.Model):
    """A provider's month closed for invoicing: its lines are frozen."""

    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        related_name="billing_months",
        verbose_name=_("provider"),
    )
    month = models.DateField(_("month"))
    closed_at = models.DateTimeField(_("closed"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )

    class Meta:
        ordering = ["provider", "-month"]
        verbose_name = _("closed billing month")
        verbose_name_plural = _("closed billing months")
        constraints = [
            models.UniqueConstraint(fields=["provider", "month"], name="billing_month_unique"),
            models.CheckConstraint(condition=Q(month__day=1), name="billing_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.provider.code} {self.month:%Y-%m}"
