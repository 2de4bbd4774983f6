"""Escalation policies (DECISIONS D10): catalogue defaults per package, overridable per contract.

They live beside the catalogue because the catalogue loader writes them; the escalation app
reads them when it sweeps.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contracts.models.agreements import Contract
from contracts.models.catalogue import CatalogueRelease, Package


def _default_level1_on_create() -> list[str]:
    return ["critical", "1"]


def _default_level2_on_resolution_breach() -> list[str]:
    return ["top"]


class EscalationPolicy(models.Model):
    """When to warn and escalate. Durations are business time on the ticket's calendar."""

    release = models.ForeignKey(
        CatalogueRelease,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalation_policies",
        verbose_name=_("release"),
    )
    contract = models.OneToOneField(
        Contract,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="escalation_policy",
        verbose_name=_("contract"),
    )
    packages = models.ManyToManyField(
        Package, blank=True, related_name="escalation_policies", verbose_name=_("packages")
    )
    warning_percent = models.PositiveSmallIntegerField(_("warning at (% of a target)"), default=75)
    level2_unacknowledged_seconds = models.PositiveIntegerField(
        _("level 2 when level 1 is unacknowledged for (s)"), default=3600
    )
    level2_unresolved_rank1_seconds = models.PositiveIntegerField(
        _("level 2 when a P1 ticket is unresolved after level 1 for (s)"), default=4 * 3600
    )
    level2_unresolved_other_business_days = models.PositiveSmallIntegerField(
        _("level 2 when another ticket is unresolved after level 1 for (business days)"), default=1
    )
    renotify_seconds = models.PositiveIntegerField(
        _("re-notify an unacknowledged escalation every (s)"), default=3600
    )
    status_update_seconds = models.PositiveIntegerField(
        _("status update due every (s) while critical"), default=4 * 3600
    )
    level1_on_create_levels = models.JSONField(
        _("level 1 at creation for priorities"), default=_default_level1_on_create, blank=True
    )
    level2_on_resolution_breach_levels = models.JSONField(
        _("level 2 on resolution breach for priorities"),
        default=_default_level2_on_resolution_breach,
        blank=True,
    )
    manual_level3 = models.BooleanField(_("manual level 3 (mediation)"), default=False)
    # Issue #13 §1: a page to the person on call that nobody acknowledges within this goes to
    # the next person on the rota, then to the escalation contact.
    oncall_acknowledge_seconds = models.PositiveIntegerField(
        _("on call must acknowledge a page within (s)"), default=15 * 60
    )

    class Meta:
        verbose_name = _("escalation policy")
        verbose_name_plural = _("escalation policies")
        constraints = [
            models.CheckConstraint(
                condition=(Q(release__isnull=False) & Q(contract__isnull=True))
                | (Q(release__isnull=True) & Q(contract__isnull=False)),
                name="escalation_policy_release_xor_contract",
            ),
        ]

    def __str__(self) -> str:
        owner = self.contract or self.release
        return f"{_('escalation policy')}: {owner}"
