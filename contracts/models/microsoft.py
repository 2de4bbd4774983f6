"""Microsoft work orders in use (SPEC §2.3-2.6, DECISIONS D20): support locations, the credit
rates the Microsoft representative sets, requested services, and exchanges between services and
between locations. Balances stay in the entitlement ledger (`EntitlementMovement`); the rules
that write these rows live in `usage.services.microsoft`."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from contracts.models.agreements import Contract
from contracts.models.catalogue import CatalogueService, Provider


class LocationRole(models.TextChoices):
    HOST = "host", _("host")
    DOWNSTREAM = "downstream", _("downstream")


class SupportLocation(models.Model):
    """A support location of a multinational work order (CON-60..70), with the current value of
    one credit there (CON-42: exchanges use the rates per location)."""

    contract = models.ForeignKey(
        Contract,
        on_delete=models.CASCADE,
        related_name="support_locations",
        verbose_name=_("contract"),
    )
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code, e.g. NL."))
    role = models.CharField(_("role"), max_length=12, choices=LocationRole.choices)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    credit_rate = models.DecimalField(
        _("value of one credit"),
        max_digits=12,
        decimal_places=4,
        help_text=_("In the location's currency, as set by the Microsoft representative."),
    )
    created_at = models.DateTimeField(_("registered at"))

    class Meta:
        ordering = ["contract", "role", "country"]
        verbose_name = _("support location")
        verbose_name_plural = _("support locations")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "country"], name="support_location_country_unique"
            ),
            # "Exactly one host": at most one here, at least one by the service (a downstream
            # location needs the host first).
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(role="host"),
                name="support_location_one_host",
            ),
            models.CheckConstraint(
                condition=Q(credit_rate__gt=0), name="support_location_rate_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} ({self.get_role_display()})"


class ServiceRate(models.Model):
    """The credit value of one unit of a catalogue service from `valid_from` on (CON-40), for one
    contract or, without a contract, for every contract of the provider. The latest row that is
    valid wins; a contract's own rate goes before the provider's."""

    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="+", verbose_name=_("provider")
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_rates",
        verbose_name=_("contract"),
        help_text=_("Empty: every contract of the provider."),
    )
    service = models.ForeignKey(
        CatalogueService, on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    credits = models.DecimalField(_("credits per unit"), max_digits=10, decimal_places=2)
    price = models.DecimalField(
        _("price per unit"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The contracted price; a late cancellation may cost up to this much."),
    )
    valid_from = models.DateTimeField(_("valid from"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["provider", "service", "-valid_from", "-pk"]
        verbose_name = _("service rate")
        verbose_name_plural = _("service rates")
        indexes = [models.Index(fields=["provider", "service", "valid_from"])]
        constraints = [
            models.CheckConstraint(condition=Q(credits__gte=0), name="service_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.credits} ({self.valid_from:%Y-%m-%d})"


class ServiceRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("requested")
    DELIVERED = "delivered", _("delivered")
    CANCELLED = "cancelled", _("cancelled")


class ServiceRequest(models.Model):
    """A catalogue service requested against the work order's proactive credits (CON-40, 41)."""

    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        related_name="service_requests",
        verbose_name=_("contract"),
    )
    service = models.ForeignKey(
        CatalogueService, on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    location = models.ForeignKey(
        SupportLocation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_requests",
        verbose_name=_("support location"),
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    credits = models.DecimalField(_("credits"), max_digits=10, decimal_places=2)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2, null=True, blank=True)
    first_delivery_date = models.DateField(_("first delivery day"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ServiceRequestStatus.choices,
        default=ServiceRequestStatus.REQUESTED,
    )
    # requested after the 60-day deadline; accepted, and the CSAM is told.
    late = models.BooleanField(_("after the request deadline"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"))

    class Meta:
        ordering = ["contract", "first_delivery_date", "pk"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [models.Index(fields=["contract", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="service_request_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.service} x{self.quantity} ({self.first_delivery_date:%Y-%m-%d})"


class RequestChangeKind(models.TextChoices):
    CANCELLED = "cancelled", _("cancelled")
    RESCHEDULED = "rescheduled", _("rescheduled")


class ServiceRequestChange(models.Model):
    """A cancellation or rescheduling of a requested service. Less than 14 days before the first
    delivery day it is chargeable up to the price (CON-22); a coordinator enters the fee (A-29)."""

    request = models.ForeignKey(
        ServiceRequest,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("service request"),
    )
    kind = models.CharField(_("change"), max_length=12, choices=RequestChangeKind.choices)
    old_date = models.DateField(_("first delivery day before"))
    new_date = models.DateField(_("new first delivery day"), null=True, blank=True)
    chargeable = models.BooleanField(_("chargeable"), default=False)
    fee_max = models.DecimalField(
        _("fee at most"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    fee = models.DecimalField(_("fee"), max_digits=10, decimal_places=2, null=True, blank=True)
    fee_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fee entered by"),
    )
    fee_set_at = models.DateTimeField(_("fee entered at"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"))

    class Meta:
        ordering = ["request", "changed_at", "pk"]
        verbose_name = _("service request change")
        verbose_name_plural = _("service request changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(fee__isnull=True) | Q(chargeable=True), name="request_fee_if_chargeable"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} {self.kind}"


class ServiceExchange(models.Model):
    """The value of an ordered service applied to another service of the base package, with the
    consent of the Service Delivery resource (CON-23)."""

    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        related_name="service_exchanges",
        verbose_name=_("contract"),
    )
    from_service = models.ForeignKey(
        CatalogueService, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_service = models.ForeignKey(
        CatalogueService, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    value = models.DecimalField(_("value in credits"), max_digits=10, decimal_places=2)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by (Service Delivery)"),
    )
    approved_on = models.DateField(_("approved on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["contract", "-approved_on", "-pk"]
        verbose_name = _("service exchange")
        verbose_name_plural = _("service exchanges")
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="service_exchange_value"),
            models.CheckConstraint(
                condition=~Q(from_service=F("to_service")), name="service_exchange_two_services"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_service} -> {self.to_service}: {self.value}"


class LocationExchange(models.Model):
    """Credits moved between the host and a downstream location of one work order (CON-42),
    with the rates used; the two ledger rows point back here."""

    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        related_name="location_exchanges",
        verbose_name=_("contract"),
    )
    from_location = models.ForeignKey(
        SupportLocation, on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_location = models.ForeignKey(
        SupportLocation, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    credits_from = models.DecimalField(_("credits given"), max_digits=10, decimal_places=2)
    credits_to = models.DecimalField(_("credits received"), max_digits=10, decimal_places=2)
    rate_from = models.DecimalField(_("rate given"), max_digits=12, decimal_places=4)
    rate_to = models.DecimalField(_("rate received"), max_digits=12, decimal_places=4)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        ordering = ["contract", "-recorded_at", "-pk"]
        verbose_name = _("location exchange")
        verbose_name_plural = _("location exchanges")

    def __str__(self) -> str:
        return f"{self.from_location} -> {self.to_location}: {self.credits_from}"
