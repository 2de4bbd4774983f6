"""The dashboard's monthly figures of months that are over, rolled up (issue #16).

A month that is over hardly changes, so its figures are counted once and kept: per contract,
SLA target and metric the clocks whose verdict fell in the month (DECISIONS D9, as
tickets.compliance counts them), and per contract the tickets registered and the survey
answers given in it. A month's rows can be trusted while no `FiguresMonthChange` names the
month: every change that touches a month that is over (a late reply, a reopened ticket, a
priority changed on last month's ticket) adds one in the change's own transaction
(tickets.figures_marks), and counting the month again removes those it saw before it read
the tickets. The counting lives in tickets.figures; these tables only hold its answers.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, Provider, SlaTarget


class FiguresMonth(models.Model):
    """One calendar month of one time zone (the display zone's months, D9), counted."""

    zone = models.CharField(_("time zone"), max_length=64)
    month = models.DateField(_("month"))  # its first day
    rolled_at = models.DateTimeField(_("counted at"), null=True, blank=True)  # null: counting

    class Meta:
        verbose_name = _("figures month")
        verbose_name_plural = _("figures months")
        constraints = [
            models.UniqueConstraint(fields=["zone", "month"], name="figures_month_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.zone}"


class FiguresMonthChange(models.Model):
    """A change to a month that is over, not counted yet. Only ever inserted by a change and
    deleted by the count that saw it: writers never wait for each other or for a count."""

    zone = models.CharField(_("time zone"), max_length=64)
    month = models.DateField(_("month"))

    class Meta:
        verbose_name = _("figures month change")
        verbose_name_plural = _("figures month changes")
        indexes = [models.Index(fields=["zone", "month"], name="figures_change_month_idx")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.zone}"


class MonthRow(models.Model):
    """A row of one month's roll-up, for one contract (and its tickets' provider)."""

    figures_month = models.ForeignKey(FiguresMonth, on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class MonthClockFigures(MonthRow):
    """Clocks decided in the month for one (contract, provider, target, rank, metric)."""

    sla_target = models.ForeignKey(SlaTarget, on_delete=models.CASCADE, related_name="+")
    priority_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    metric = models.CharField(max_length=12)
    met = models.PositiveIntegerField()
    missed = models.PositiveIntegerField()
    excluded = models.PositiveIntegerField()
    # The lowest ticket number of the group: which label a level shows (tickets.compliance).
    first_number = models.CharField(max_length=20)

    class Meta:
        verbose_name = _("monthly clock figures")
        verbose_name_plural = _("monthly clock figures")

    def __str__(self) -> str:
        return f"{self.figures_month_id} {self.contract_id} {self.metric}"


class MonthTicketFigures(MonthRow):
    """Tickets registered and surveys answered in the month for one (contract, provider)."""

    opened = models.PositiveIntegerField(default=0)
    answers = models.PositiveIntegerField(default=0)
    score_total = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("monthly ticket figures")
        verbose_name_plural = _("monthly ticket figures")

    def __str__(self) -> str:
        return f"{self.figures_month_id} {self.contract_id}"
