"""The monthly figures counted from the tickets, clocks and survey answers (tickets.figures):
what a roll-up holds for a month that is over, and what the dashboard shows for the others."""

from __future__ import annotations

import operator
from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from functools import reduce
from typing import Any, cast

from django.db.models import Case, Count, F, IntegerField, Min, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan

from tickets.compliance import VerdictGroup, decided_in, verdict_counts, verdict_groups
from tickets.figures.months import month_add, month_start
from tickets.figures.rows import TicketGroup, TrendCell, with_month
from tickets.models import SatisfactionSurvey, SlaClock, Ticket


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
    return [VerdictGroup(**with_month(row, index, "month_index")) for row in rows]


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
