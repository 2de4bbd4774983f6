"""The on-call rota: who the provider promises to have on call when (issue #13 §1).

A shift is one person's turn: from `starts_at` to `ends_at` (aware, stored in UTC; entered and
shown as wall time in the desk's zone), at a `position` in the escalation order (1 is the
primary, 2 the backup, ...). A shift belongs to a provider and, where a package needs its own
rota, to one package by code: package rows are release-scoped (D3), the code outlives releases.
A shift without a package covers all of the provider's packages.

The rota is the provider's promise, so it lives here; who was paged for which ticket is the
escalation app's record (escalation.models_oncall).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from contracts.models.catalogue import Provider


class OnCallShift(models.Model):
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="oncall_shifts", verbose_name=_("provider")
    )
    package_code = models.SlugField(
        _("package code"),
        max_length=40,
        blank=True,
        help_text=_("Empty: the shift covers all of the provider's packages."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="oncall_shifts",
        limit_choices_to={"is_staff": True, "is_active": True},
        verbose_name=_("staff member"),
    )
    position = models.PositiveSmallIntegerField(
        _("order"), default=1, help_text=_("1 is paged first (primary), then 2 (backup), ...")
    )
    # The number the pager calls or texts during the shift (an on-call phone may be shared).
    phone = models.CharField(_("phone (SMS/voice)"), max_length=40, blank=True)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["provider__name", "starts_at", "position", "pk"]
        verbose_name = _("on-call shift")
        verbose_name_plural = _("on-call rota")
        indexes = [
            models.Index(fields=["provider", "ends_at", "starts_at"], name="oncall_shift_span_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="oncall_shift_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(position__gte=1), name="oncall_shift_position_1"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.package_code or '*'} #{self.position}: {self.user}"
