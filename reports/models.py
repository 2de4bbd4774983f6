"""Stored service review packs (issue #15 §2): what was built for a closed period, kept as it was.

A pack for a period that has ended is stored on its first build, per contract, period and
language: the selector's JSON; its PDF (rendered from that JSON) and the PDF's SHA-256 are added
when the PDF is first needed (a download, the monthly mail), since a long period's PDF takes a
while. From then on it is shown and sent from the stored JSON and PDF, unchanged, even when
tickets of that period change later. Packs of open periods are computed live and never stored.
The unique constraint makes the first build win when two builds race.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract


def review_pack_path(instance: "ReviewPack", filename: str) -> str:
    return (
        f"review-packs/{instance.contract_id}/"
        f"{instance.period_start:%Y%m%d}-{instance.period_end:%Y%m%d}-{instance.language}.pdf"
    )


class ReviewPack(models.Model):
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="review_packs", verbose_name=_("contract")
    )
    # The period [start, end): the end is the first day after it.
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end (exclusive)"))
    language = models.CharField(_("language"), max_length=5)
    created_at = models.DateTimeField(_("created"))
    data = models.JSONField(_("figures"))
    # Empty until the PDF is first needed; then written once (compare-and-set on the checksum).
    pdf = models.FileField(_("PDF"), upload_to=review_pack_path, max_length=200, blank=True)
    checksum = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)

    class Meta:
        ordering = ["contract", "-period_start", "language"]
        verbose_name = _("service review pack")
        verbose_name_plural = _("service review packs")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period_start", "period_end", "language"],
                name="review_pack_once_per_period_language",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="review_pack_period_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.contract.reference} {self.period_start:%Y-%m-%d}.."
            f"{self.period_end:%Y-%m-%d} ({self.language})"
        )
