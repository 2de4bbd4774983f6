"""Azure Event Management events (SPEC §2.7): a customer's critical business event, planned per
contract, during which incidents about its one Azure solution get the event's targets."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from contracts.models.agreements import Contract
from contracts.models.parties import Contact


class AemEventStatus(models.TextChoices):
    # Planned with enough notice, or agreed to by the provider: the event's targets apply.
    PLANNED = "planned", _("planned")
    # Confirmed at short notice: waits for the provider's agreement; no event targets yet.
    AWAITING_AGREEMENT = "awaiting_agreement", _("awaiting the provider's agreement")
    CANCELLED = "cancelled", _("cancelled")


def assessment_path(instance: "AemEvent", filename: str) -> str:
    return f"aem-events/{instance.contract_id}/{filename}"


class AemEvent(models.Model):
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="aem_events", verbose_name=_("contract")
    )
    solution = models.CharField(_("Azure solution"), max_length=200)
    is_retail = models.BooleanField(_("Cloud for Retail event"), default=False)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    confirmed_at = models.DateTimeField(_("confirmed in writing"))
    status = models.CharField(
        _("status"), max_length=20, choices=AemEventStatus.choices, default=AemEventStatus.PLANNED
    )
    short_notice = models.BooleanField(_("short notice"), default=False)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("short notice agreed by"),
    )
    agreed_at = models.DateTimeField(_("short notice agreed at"), null=True, blank=True)
    assessment_file = models.FileField(
        _("pre-event assessment"), upload_to=assessment_path, max_length=300, blank=True
    )
    assessment_filename = models.CharField(_("file name"), max_length=200, blank=True)
    assessment_content_type = models.CharField(max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    requested_by_contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("registered at"))
    # Set once by compare-and-set when the post-event summary went to the CSAM.
    summary_sent_at = models.DateTimeField(_("summary sent"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("Azure Event Management event")
        verbose_name_plural = _("Azure Event Management events")
        indexes = [models.Index(fields=["contract", "status", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="aem_event_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.solution} ({self.starts_on:%Y-%m-%d} – {self.ends_on:%Y-%m-%d})"
