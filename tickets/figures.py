"""Monthly figures for the dashboard (issue #16): counted live, or read from the roll-up of the
months that are over.

A selector module: reads only (the roll-up is written by tickets.services.figures). Three kinds
of figures per month of the display zone: the clocks decided in it (tickets.compliance,
DECISIONS D9), the tickets registered in it and the survey answers given in it, each per
contract. `monthly_figures` answers them for a list of months: a month that is over and whose
roll-up is fresh is read from the roll-up, every other month (this month, a month whose
roll-up is missing or outdated) is counted live by the very same queries the roll-up was
counted with, so both give the same numbers. A month is "over" for the roll-up once its end
is ROLLUP_GRACE in the past (a transaction open across midnight has committed by then; see
tickets.figures_marks).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from functools import reduce
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan

from contracts.staff_scope import StaffUser, staff_rows
from tickets.compliance import VerdictGroup, decided_in, verdict_counts, verdict_groups
from tickets.models import (
    FiguresMonth,
    FiguresMonthChange,
    MonthClockFigures,
    MonthTicketFigures,
    SatisfactionSurvey,
    SlaClock,
    Ticket,
)

ROLLUP_GRACE = timedelta(minutes=15)


@dataclass(frozen=True)
class TicketGroup:
    """Tickets registered and survey answers given in a month, for one contract."""

    month: date
    contract_id: int
    provider_id: int
    opened: int = 0
    answers: int = 0
    score_total: int = 0


@dataclass(frozen=True)
class TrendCell:
    """The verdicts of a month for one provider and metric; the lowest threshold among the
    targets of the clocks counted."""

    month: date
    provider_id: int
    metric: str
    met: int
    missed: int
    threshold: Decimal | None


@dataclass(frozen=True)
class MonthlyFigures:
    trend: list[TrendCell]  # every month, per provider and metric
    clocks: list[VerdictGroup]  # the detail month, per contract, target, rank and metric
    tickets: list[TicketGroup]  # every month, per contract


# --- Months --------------------------------------------------------------------------------------
def display_zone() -> ZoneInfo:
    return ZoneInfo(settings.DISPLAY_TIME_ZONE)


def month_add(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_start(month: date, zone: tzinfo) -> datetime:
    return datetime.combine(month.replace(day=1), time(0), tzinfo=zone)


def month_of(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date().replace(day=1)


def month_is_over(month: date, zone: tzinfo, now: datetime) -> bool:
    """Over long enough to be rolled up."""
    return month_start(month_add(month, 1), zone) + ROLLUP_GRACE <= now


def _zone_name(zone: tzinfo) -> str | None:
    """The key of a zone the roll-up can hold (a ZoneInfo), else None: counted live."""
    return zone.key if isinstance(zone, ZoneInfo) else None


def _month_index(months: Sequence[date], zone: tzinfo, moment: Any) -> Case:
    """The index in `months` (ascending) of the month holding `moment`, for a row known to lie
    in one of them: the first month that ends after it."""
    return Case(
        *(
            When(LessThan(moment, month_start(month_add(m, 1), zone)), then=Value(k))
            for k, m in enumerate(months)
        ),
        default=None,
        output_field=IntegerField(),
    )


def _within(months: Sequence[date], zone: tzinfo, field: str) -> Q:
    """`field` in any of `months`."""
    return reduce(
        operator.or_,
        (
            Q(
                **{
                    f"{field}__gte": month_start(m, zone),
                    f"{field}__lt": month_start(month_add(m, 1), zone),
                }
            )
            for m in months
        ),
    )


# --- Counted live --------------------------------------------------------------------------------
def clock_groups_live(
    *, months: Sequence[date], zone: tzinfo, now: datetime, clocks: QuerySet[SlaClock]
) -> list[VerdictGroup]:
    """The verdicts of `clocks` per month (by the month each verdict fell, D9), one query."""
    months = sorted(months)
    if not months:
        return []
    decided = (
        decided_in(start=month_start(m, zone), end=month_start(month_add(m, 1), zone), now=now)
        for m in months
    )
    # The filter of tickets.compliance.clocks_decided over the months; a decided clock's
    # verdict fell when it stopped, or (still running) when it was due.
    rows = verdict_groups(
        clocks.filter(reduce(operator.or_, decided), ticket__sla_target__isnull=False).annotate(
            month_index=_month_index(months, zone, Coalesce("stopped_at", "due_at"))
        ),
        "month_index",
    )
    index = dict(enumerate(months))
    return [VerdictGroup(**_with_month(row, index, "month_index")) for row in rows]


def ticket_groups_live(
    *,
    months: Sequence[date],
    zone: tzinfo,
    tickets: QuerySet[Ticket],
    surveys: QuerySet[SatisfactionSurvey],
) -> list[TicketGroup]:
    """Tickets registered per month and contract, and survey answers per month (answered)
    and contract: two grouped queries."""
    months = sorted(months)
    if not months:
        return []
    opened = (
        tickets.filter(_within(months, zone, "created_at"))
        .annotate(month_index=_month_index(months, zone, F("created_at")))
        .values("month_index", "contract_id", "provider_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    answered = (
        surveys.filter(_within(months, zone, "answered_at"))
        .annotate(month_index=_month_index(months, zone, F("answered_at")))
        .values(
            "month_index",
            contract_id=F("ticket__contract_id"),
            provider_id=F("ticket__provider_id"),
        )
        .annotate(n=Count("pk"), total=Sum("score"))
        .order_by()
    )
    groups = [
        TicketGroup(months[r["month_index"]], r["contract_id"], r["provider_id"], opened=r["n"])
        for r in opened
    ]
    groups += [
        TicketGroup(
            months[r["month_index"]],
            r["contract_id"],
            r["provider_id"],
            answers=r["n"],
            score_total=r["total"],
        )
        for r in answered
    ]
    return groups


# --- Read from the roll-up -----------------------------------------------------------------------
def months_rolled(*, months: Sequence[date], zone: tzinfo, now: datetime) -> dict[date, int]:
    """The months (over by `now`) whose roll-up is fresh: month -> FiguresMonth id. Only the
    display zone's months are rolled up (tickets.services.figures)."""
    over = [m for m in months if month_start(month_add(m, 1), zone) <= now]
    if _zone_name(zone) != display_zone().key or not over:
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
    return [TicketGroup(**_with_month(row, months)) for row in rows]


def _with_month(
    row: dict[str, Any], months: dict[int, date], key: str = "figures_month_id"
) -> dict[str, Any]:
    """The row with its month in place of the month's key."""
    fields = dict(row)
    fields["month"] = months[fields.pop(key)]
    return fields


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


def trend_live(
    *, months: Sequence[date], zone: tzinfo, now: datetime, clocks: QuerySet[SlaClock]
) -> list[TrendCell]:
    """The verdicts of `clocks` per month, provider and metric, counted live: one query grouped
    by provider and metric only, each month a filtered count (several months of clocks group
    into a handful of rows, never one per contract and month)."""
    if not months:
        return []
    per_month: dict[str, Any] = {}
    decided = []
    for k, month in enumerate(months):
        within = decided_in(
            start=month_start(month, zone), end=month_start(month_add(month, 1), zone), now=now
        )
        decided.append(within)
        per_month[f"met_{k}"], per_month[f"missed_{k}"], _ = verdict_counts(within)
        per_month[f"threshold_{k}"] = Min("ticket__sla_target__compliance_threshold", filter=within)
    rows = (
        clocks.filter(reduce(operator.or_, decided), ticket__sla_target__isnull=False)
        .values("metric", provider=F("ticket__provider_id"))
        .annotate(**per_month)
        .order_by()
    )
    return [
        TrendCell(
            month,
            r["provider"],
            r["metric"],
            r[f"met_{k}"],
            r[f"missed_{k}"],
            r[f"threshold_{k}"],
        )
        for r in cast("list[dict[str, Any]]", list(rows))
        for k, month in enumerate(months)
    ]


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
