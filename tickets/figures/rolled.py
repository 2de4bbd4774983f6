"""The monthly figures read from the roll-up of the months that are over, and put together
with those counted live (tickets.figures)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from django.db.models import Exists, F, Min, Model, OuterRef, QuerySet, Sum

from contracts.staff_scope import StaffUser, staff_rows
from tickets.compliance import VerdictGroup
from tickets.figures.live import clock_groups_live, ticket_groups_live, trend_live
from tickets.figures.months import display_zone, month_add, month_start, zone_name
from tickets.figures.rows import MonthlyFigures, TicketGroup, TrendCell, with_month
from tickets.models import (
    FiguresMonth,
    FiguresMonthChange,
    MonthClockFigures,
    MonthTicketFigures,
    SatisfactionSurvey,
    SlaClock,
    Ticket,
)


def months_rolled(*, months: Sequence[date], zone: tzinfo, now: datetime) -> dict[date, int]:
    """The months (over by `now`) whose roll-up is fresh: month -> FiguresMonth id. Only the
    display zone's months are rolled up (tickets.services.figures)."""
    over = [m for m in months if month_start(month_add(m, 1), zone) <= now]
    if zone_name(zone) != display_zone().key or not over:
        return {}
    return dict(months_fresh(zone=display_zone().key, months=over).values_list("month", "pk"))


def months_fresh(*, zone: str, months: Sequence[date]) -> QuerySet[FiguresMonth]:
    """The counted months among `months` that no change touched since."""
    changed = FiguresMonthChange.objects.filter(zone=OuterRef("zone"), month=OuterRef("month"))
    return FiguresMonth.objects.filter(
        zone=zone, month__in=months, rolled_at__isnull=False
    ).exclude(Exists(changed))


def _rolled_rows(model: type[Model], rolled: dict[date, int], user: StaffUser) -> QuerySet[Any]:
    return staff_rows(user, model._default_manager.filter(figures_month_id__in=rolled.values()))


def trend_rolled(*, rolled: dict[date, int], user: StaffUser) -> list[TrendCell]:
    """The rolled-up verdicts per month, provider and metric: one grouped query."""
    if not rolled:
        return []
    months = {pk: month for month, pk in rolled.items()}
    rows = (
        _rolled_rows(MonthClockFigures, rolled, user)
        .values("figures_month_id", "provider_id", "metric")
        .annotate(
            met_total=Sum("met"),
            missed_total=Sum("missed"),
            threshold=Min("sla_target__compliance_threshold"),
        )
        .order_by()
    )
    return [
        TrendCell(
            months[r["figures_month_id"]],
            r["provider_id"],
            r["metric"],
            r["met_total"],
            r["missed_total"],
            r["threshold"],
        )
        for r in rows
    ]


def clock_groups_rolled(
    *, month: date, rolled: dict[date, int], user: StaffUser
) -> list[VerdictGroup]:
    """The rolled-up verdict groups of one month (per contract, target and metric)."""
    if month not in rolled:
        return []
    rows = (
        _rolled_rows(MonthClockFigures, {month: rolled[month]}, user)
        .values(
            "contract_id",
            "provider_id",
            "sla_target_id",
            "priority_rank",
            "metric",
            "met",
            "missed",
            "excluded",
            "first_number",
            level=F("sla_target__level"),
            label=F("sla_target__label_en"),
            rank=F("sla_target__rank"),
            threshold=F("sla_target__compliance_threshold"),
        )
        .order_by()
    )
    return [VerdictGroup(**row, month=month) for row in rows]


def ticket_groups_rolled(*, rolled: dict[date, int], user: StaffUser) -> list[TicketGroup]:
    if not rolled:
        return []
    months = {pk: month for month, pk in rolled.items()}
    rows = (
        _rolled_rows(MonthTicketFigures, rolled, user)
        .values(
            "figures_month_id", "contract_id", "provider_id", "opened", "answers", "score_total"
        )
        .order_by()
    )
    return [TicketGroup(**with_month(row, months)) for row in rows]


def trend_cells(groups: Iterable[VerdictGroup]) -> list[TrendCell]:
    """Verdict groups summed per month, provider and metric (what trend_rolled reads)."""
    cells: dict[tuple[Any, ...], list[Any]] = {}
    for g in groups:
        cell = cells.setdefault((g.month, g.provider_id, g.metric), [0, 0, None])
        cell[0] += g.met
        cell[1] += g.missed
        if g.threshold is not None:
            cell[2] = g.threshold if cell[2] is None else min(cell[2], g.threshold)
    return [TrendCell(*key, *cell) for key, cell in cells.items()]


def monthly_figures(
    *, months: Sequence[date], detail: date, zone: tzinfo, now: datetime, user: StaffUser
) -> MonthlyFigures:
    """The figures of `months` that `user` may see (contracts.staff_scope), with the verdict
    groups of the `detail` month: fresh roll-ups where there are, other months counted live.
    Usually only this month is live: its groups give its trend cells too; when more months
    are (a late change not rolled up again yet), their trend is counted in one query."""
    rolled = months_rolled(months=[*months, detail], zone=zone, now=now)
    in_window = {m: pk for m, pk in rolled.items() if m in months}
    live = [m for m in months if m not in rolled]
    clocks = staff_rows(user, SlaClock.objects.all())
    counted = (
        []
        if detail in rolled
        else clock_groups_live(months=[detail], zone=zone, now=now, clocks=clocks)
    )
    if set(live) <= {detail}:
        trend = trend_cells(g for g in counted if g.month in live)
    else:
        trend = trend_live(months=live, zone=zone, now=now, clocks=clocks)
    tickets = ticket_groups_live(
        months=live,
        zone=zone,
        tickets=staff_rows(user, Ticket.objects.all()),
        surveys=staff_rows(user, SatisfactionSurvey.objects.all()),
    )
    return MonthlyFigures(
        trend=trend_rolled(rolled=in_window, user=user) + trend,
        clocks=clock_groups_rolled(month=detail, rolled=rolled, user=user) + counted,
        tickets=ticket_groups_rolled(rolled=in_window, user=user) + tickets,
    )


def month_counted(
    *, month: date, zone: tzinfo, now: datetime
) -> tuple[list[VerdictGroup], list[TicketGroup]]:
    """One month counted live over every contract: what its roll-up holds."""
    clocks = clock_groups_live(months=[month], zone=zone, now=now, clocks=SlaClock.objects.all())
    tickets = ticket_groups_live(
        months=[month],
        zone=zone,
        tickets=Ticket.objects.all(),
        surveys=SatisfactionSurvey.objects.all(),
    )
    return clocks, tickets
