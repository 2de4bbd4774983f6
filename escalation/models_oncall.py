"""Pages to the person on call (issue #13 §1): the escalation's record of who was reached.

A page is opened once per (ticket, reason): a 24x7 ticket raised outside office hours, or
another helper's reason (a CBG Extra phone code, a Websitenazorg emergency). Each step of the
page reaches one person: the rota's order at that moment (primary, then backup, ...), then the
contract's escalation contact. A step is unique per (page, number) and the page moves to the
next step by a compare-and-set on `step`, so two sweeps never page a step twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket


class StepRole(models.TextChoices):
    ON_CALL = "on_call", _("on call")
    ESCALATION_CONTACT = "escalation_contact", _("escalation contact")


class OnCallPage(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="oncall_pages", verbose_name=_("ticket")
    )
    reason = models.CharField(_("reason"), max_length=100)
    opened_at = models.DateTimeField(_("opened"))
    step = models.PositiveSmallIntegerField(_("current step"), default=0)
    # When the current step, unacknowledged, goes to the next person; None: no next step.
    next_step_at = models.DateTimeField(_("next step"), null=True, blank=True)
    # Nobody was on the rota when the page opened or moved on: the rota has a gap.
    rota_gap = models.BooleanField(_("gap in the rota"), default=False)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )
    acknowledged_by_name = models.CharField(_("acknowledged by (name)"), max_length=200, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("on-call page")
        verbose_name_plural = _("on-call pages")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "reason"], name="oncall_page_once"),
        ]
        indexes = [
            models.Index(
                fields=["next_step_at"],
                name="oncall_page_due_idx",
                condition=Q(acknowledged_at__isnull=True, next_step_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket.number}: {self.reason}"


class OnCallPageStep(models.Model):
    page = models.ForeignKey(
        OnCallPage, on_delete=models.CASCADE, related_name="steps", verbose_name=_("page")
    )
    number = models.PositiveSmallIntegerField(_("step"))
    role = models.CharField(_("role"), max_length=30, choices=StepRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=5, default="nl")
    paged_at = models.DateTimeField(_("paged"))
    # The SMS/voice message: claimed (compare-and-set) before it is handed to the pager.
    pager_sent_at = models.DateTimeField(_("pager message sent"), null=True, blank=True)
    pager_attempts = models.PositiveSmallIntegerField(_("pager attempts"), default=0)
    pager_error = models.TextField(_("pager error"), blank=True)

    class Meta:
        ordering = ["page", "number"]
        verbose_name = _("on-call page step")
        verbose_name_plural = _("on-call page steps")
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="oncall_step_once"),
        ]

    def __str__(self) -> str:
        return f"{self.page} #{self.number}: {self.name or self.email}"
