"""Problems and their root cause analysis (SPEC §5, DECISIONS D21)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from contracts.models import Customer


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("open")
    ROOT_CAUSE_KNOWN = "root_cause_known", _("root cause known")
    CLOSED = "closed", _("closed")


class ProblemOrigin(models.TextChoices):
    # D21 / PRB-03, PRB-06: every Top incident opens a problem with a proactive RCA.
    AUTOMATIC_TOP = "automatic_top", _("automatic (Top incident)")
    # PRB-01 / A-39: recurring incidents, opened or linked by the coordinator.
    COORDINATOR = "coordinator", _("opened by the coordinator")
    # PRB-05 / PRB-07: the customer's written RCA request after a breached target.
    CUSTOMER_RCA_REQUEST = "customer_rca_request", _("customer's RCA request")


class ProblemCounter(models.Model):
    """Per-year sequence for problem numbers (PRB-<year>-<n>)."""

    year = models.PositiveIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("problem counter")
        verbose_name_plural = _("problem counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Problem(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=250)
    # Null for a problem that spans customers (e.g. a platform defect).
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("customer"),
    )
    # The same free-text service reference as Ticket.product.
    product = models.CharField(_("product or service"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    origin = models.CharField(_("origin"), max_length=24, choices=ProblemOrigin.choices)
    # The incident that opened an automatic problem: with the constraint below a ticket never
    # gets two automatic problems, even after it was unlinked (D21, ARCHITECTURE rule 5).
    source_ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened for ticket"),
    )
    root_cause = models.TextField(_("root cause"), blank=True)
    root_cause_identified_at = models.DateTimeField(
        _("root cause identified"), null=True, blank=True
    )
    workaround = models.TextField(_("workaround"), blank=True)
    rca_report = models.FileField(_("RCA report"), upload_to="rca/%Y/%m/", blank=True)
    rca_requested_at = models.DateTimeField(_("RCA requested"), null=True, blank=True)
    rca_due_at = models.DateTimeField(_("RCA due"), null=True, blank=True)
    rca_delivered_at = models.DateTimeField(_("RCA delivered"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        indexes = [
            models.Index(fields=["status", "rca_due_at"], name="problem_rca_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_ticket"],
                condition=models.Q(origin="automatic_top"),
                name="problem_one_automatic_per_ticket",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
