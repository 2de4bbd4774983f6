"""Data-subject requests and the retention log (issue #15 §3, SPEC SEC-02, D17).

Neither holds the erased data: a request keeps its pseudonym, who recorded and confirmed it,
when, and per table how many rows were changed; the contact row it points to is the
pseudonymised one. The retention log keeps a day's cut-off and counts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    ACCESS = "access", _("access (an export of the person's data)")
    ERASURE = "erasure", _("erasure (the person's data replaced by a pseudonym)")


class RequestStatus(models.TextChoices):
    RECORDED = "recorded", _("recorded, not yet carried out")
    COMPLETED = "completed", _("completed")


class ReceivedVia(models.TextChoices):
    EMAIL = "email", _("email")
    PHONE = "phone", _("phone")
    LETTER = "letter", _("letter")
    PORTAL = "portal", _("portal")
    OTHER = "other", _("other")


class DataSubjectRequest(models.Model):
    """A person's request to see (access) or to remove (erasure) what the desk holds about
    them. An erasure waits for a coordinator's confirmation: they type the reference."""

    # Random, never derived from the person: the erased rows show "Verwijderde persoon <it>".
    reference = models.CharField(_("reference"), max_length=12, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=RequestKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.RECORDED
    )
    contact = models.ForeignKey(
        "contracts.Contact",
        on_delete=models.PROTECT,
        related_name="data_subject_requests",
        verbose_name=_("person"),
    )
    customer = models.ForeignKey(
        "contracts.Customer",
        on_delete=models.PROTECT,
        related_name="data_subject_requests",
        verbose_name=_("customer"),
    )
    received_at = models.DateTimeField(_("received"))
    received_via = models.CharField(_("received by"), max_length=10, choices=ReceivedVia.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # Per table, how many rows were erased or exported: numbers only.
    result = models.JSONField(_("result"), default=dict, blank=True)
    export_file = models.FileField(_("export"), upload_to="privacy/exports/", blank=True)
    export_expires_at = models.DateTimeField(_("export kept until"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        permissions = [("confirm_datasubjectrequest", _("Can confirm an erasure"))]
        constraints = [
            # One erasure waiting per person: a second one would erase nothing.
            models.UniqueConstraint(
                fields=["contact"],
                condition=Q(kind="erasure", status="recorded"),
                name="one_open_erasure_per_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_kind_display()})"


class RetentionRun(models.Model):
    """One day's retention run (exactly once a day): the cut-off and the counts."""

    run_on = models.DateField(_("day"), unique=True)
    started_at = models.DateTimeField(_("run at"))
    # None: retention is off (RETENTION_DAYS = 0); expired access exports are still removed.
    cutoff = models.DateTimeField(_("closed or received before"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)

    class Meta:
        ordering = ["-run_on"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return str(self.run_on)
