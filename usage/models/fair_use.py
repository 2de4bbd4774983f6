"""Fair use (SPEC BIL-02, D19, A-15): one row per flagged organisation and month, so the CSAM
and the coordinators are told once. Never bills."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract


class FairUseFlag(models.Model):
    contract = models.ForeignKey(
        Contract,
        on_delete=models.CASCADE,
        related_name="fair_use_flags",
        verbose_name=_("contract"),
    )
    month = models.DateField(_("month"))
    minutes = models.PositiveIntegerField(_("minutes"))
    licences = models.PositiveIntegerField(_("licences"))
    minutes_per_licence = models.DecimalField(
        _("minutes per licence"), max_digits=12, decimal_places=2
    )
    mean_of_others = models.DecimalField(
        _("mean of the other organisations"), max_digits=12, decimal_places=2
    )
    flagged_at = models.DateTimeField(_("flagged"))

    class Meta:
        ordering = ["-month", "contract"]
        verbose_name = _("fair-use flag")
        verbose_name_plural = _("fair-use flags")
        constraints = [
            models.UniqueConstraint(fields=["contract", "month"], name="fair_use_flag_once"),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference} {self.month:%Y-%m}"
