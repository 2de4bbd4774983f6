"""Usage on the staff dashboard (issue #14 §4): fair use per CBG organisation against twice the
mean of the others, and per Microsoft work order the credits and EDE hours left with the days
to the 60-day request deadline. A fixed number of queries (usage.selectors_pages), whatever
the number of organisations; a CSAM sees only their own contracts' rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser, User
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from contracts.staff_scope import staff_contracts, staff_csam_only
from reports.svg import Bar, bar_chart
from usage.selectors_microsoft import MicrosoftFigures, microsoft_figures
from usage.selectors_pages import FairUseRow, fair_use_month

PERMISSION = "usage.view_billingline"


@dataclass(frozen=True)
class UsageDashboard:
    fair_use: list[FairUseRow]
    fair_use_chart: SafeString | None
    microsoft: list[MicrosoftFigures]


def usage_dashboard(
    *, user: User | AnonymousUser, month: date, today: date
) -> UsageDashboard | None:
    """None for a reader without the billing permission (the section is not shown)."""
    if not user.has_perm(PERMISSION):
        return None
    contracts = staff_contracts(user)
    figures = fair_use_month(month)
    microsoft = microsoft_figures(today=today)
    if staff_csam_only(user):
        shown = list(figures) + [m.contract.pk for m in microsoft]
        visible = set(contracts.filter(pk__in=shown).values_list("pk", flat=True))
        figures = {pk: row for pk, row in figures.items() if pk in visible}
        microsoft = [m for m in microsoft if m.contract.pk in visible]
    rows = sorted(
        figures.values(),
        key=lambda r: (-r.per_licence, r.reference),
    )
    return UsageDashboard(
        fair_use=rows,
        fair_use_chart=fair_use_chart(rows) if rows else None,
        microsoft=microsoft,
    )


def fair_use_chart(rows: list[FairUseRow]) -> SafeString:
    """One bar per organisation (minutes per licence), the red tick at twice the others' mean;
    a flagged organisation's bar is red."""
    top = max([r.per_licence for r in rows] + [r.threshold for r in rows])
    bars = [
        Bar(
            f"{r.customer} ({r.reference})",
            r.per_licence,
            "alert" if r.flagged else "default",
            r.threshold if r.threshold else None,
        )
        for r in rows
    ]
    return bar_chart(
        title=_("Fair use: minutes per licence in the month, the mark at twice the others' mean"),
        bars=bars,
        maximum=top or None,
        unit=" " + _("min"),
    )
