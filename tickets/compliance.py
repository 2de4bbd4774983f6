"""Target compliance per contract, period and priority (DECISIONS D9, SPEC TKT-70/71).

A selector: reads only. A clock counts in the period in which its verdict fell: stopped in
the period (met or missed), or still running with its due time passed within the period
(missed). Clocks stopped without a verdict (cancelled tickets) never count. Tickets exempted
for unmet preconditions (TKT-07) are listed and excluded from both metrics; a vendor-owned
resolution (A-08) is listed and excluded from resolution only.

The rules live in a few query pieces (`decided_in`, `clocks_decided`, `EXCLUDED`,
`verdict_counts`) that every figure uses, the one-contract report, the all-contracts grouping
and the back-office trend alike, so they can never disagree. The database does the counting
(grouped queries): the number of queries does not grow with the number of clocks or contracts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Min, Q, QuerySet

from tickets.models import Metric, SlaClock

# D9: listed but not counted. Same order of reasons as `_excluded_reason`.
EXCLUDED = Q(ticket__sla_exempt_reason__gt="") | Q(
    metric=Metric.RESOLUTION, ticket__resolution_vendor_owned=True
)
_MET = Q(met=True)
_MISSED = Q(met=False) | Q(met__isnull=True)  # running with its due time passed: missed


@dataclass
class ComplianceRow:
    level: str
    label: str
    rank: int
    metric: str
    threshold: Decimal | None
    met: int = 0
    missed: int = 0
    excluded: list[str] = field(default_factory=list)
    # How many clocks are listed but not counted; `excluded` names them when asked for.
    excluded_count: int = 0

    @property
    def counted(self) -> int:
        return self.met + self.missed

    @property
    def percentage(self) -> Decimal | None:
        return compliance_percentage(self.met, self.missed)

    @property
    def within_threshold(self) -> bool | None:
        if self.threshold is None or self.percentage is None:
            return None
        return self.percentage >= self.threshold


def compliance_percentage(met: int, missed: int) -> Decimal | None:
    """Met share of the counted clocks, one decimal; None when nothing counted."""
    if not met + missed:
        return None
    return (Decimal(100) * met / (met + missed)).quantize(Decimal("0.1"))


def decided_in(*, start: datetime, end: datetime, now: datetime) -> Q:
    """The verdict fell in [start, end): stopped with a verdict, or running with the due time
    passed before `now`."""
    horizon = min(end, now)
    return Q(stopped_at__gte=start, stopped_at__lt=end, met__isnull=False) | Q(
        stopped_at__isnull=True, due_at__gte=start, due_at__lt=horizon
    )


def clocks_decided(*, start: datetime, end: datetime, now: datetime) -> QuerySet[SlaClock]:
    """Clocks of tickets with an SLA target whose verdict fell in [start, end)."""
    return SlaClock.objects.filter(
        decided_in(start=start, end=end, now=now), ticket__sla_target__isnull=False
    )


def clocks_missed(*, start: datetime, end: datetime, now: datetime) -> QuerySet[SlaClock]:
    """The clocks whose target was missed in [start, end): stopped late, or still running past
    their due time (the breaches a review pack lists, excluded ones too: D9 lists them)."""
    return clocks_decided(start=start, end=end, now=now).filter(_MISSED)


def verdict_counts(within: Q | None = None) -> tuple[Count, Count, Count]:
    """Aggregates (met, missed, excluded) for `.values(...).annotate(...)` of decided clocks;
    `within` narrows them further (a month of a longer period, say)."""
    scope = within if within is not None else Q()
    return (
        Count("pk", filter=scope & _MET & ~EXCLUDED),
        Count("pk", filter=scope & _MISSED & ~EXCLUDED),
        Count("pk", filter=scope & EXCLUDED),
    )


def _excluded_reason(clock: SlaClock) -> str | None:
    ticket = clock.ticket
    if ticket.sla_exempt_reason:
        return f"{ticket.number}: exempt ({ticket.sla_exempt_reason})"
    if clock.metric == Metric.RESOLUTION and ticket.resolution_vendor_owned:
        return f"{ticket.number}: resolution owned by the vendor"
    return None


@dataclass(frozen=True)
class VerdictGroup:
    """The clocks of one (contract, target, rank, metric) decided in a period, counted (D9);
    `month` is set when a longer period is counted per month (tickets.figures)."""

    contract_id: int
    provider_id: int
    sla_target_id: int
    priority_rank: int | None
    metric: str
    level: str
    label: str
    rank: int
    threshold: Decimal | None
    met: int
    missed: int
    excluded: int
    first_number: str
    month: date | None = None


def verdict_groups(clocks: QuerySet[SlaClock], *extra: str) -> list[dict[str, Any]]:
    """Decided `clocks` counted per (contract, target, rank, metric) and the `extra`
    annotations named, in one grouped query: the fields of VerdictGroup."""
    met, missed, excluded = verdict_counts()
    groups = (
        clocks.values(
            "metric",
            *extra,
            contract_id=F("ticket__contract_id"),
            provider_id=F("ticket__provider_id"),
            sla_target_id=F("ticket__sla_target_id"),
            priority_rank=F("ticket__priority_rank"),
            level=F("ticket__sla_target__level"),
            label=F("ticket__sla_target__label_en"),
            rank=F("ticket__sla_target__rank"),
            threshold=F("ticket__sla_target__compliance_threshold"),
        )
        .annotate(
            first_number=Min("ticket__number"),
            met_count=met,
            missed_count=missed,
            excluded_count=excluded,
        )
        .order_by()
    )
    renamed = {"met_count": "met", "missed_count": "missed", "excluded_count": "excluded"}
    return [{renamed.get(key, key): value for key, value in row.items()} for row in groups]


def compliance_rows(groups: Iterable[VerdictGroup]) -> dict[int, list[ComplianceRow]]:
    """Rows per (priority, metric) of every contract in `groups` (all of one period)."""
    # A row per (level, metric) takes the label and threshold of its first clock in the order
    # (ticket rank, metric, number), as the per-clock listing did; rows are kept in that order
    # of first appearance before the final sort by (target rank, response first).
    ordered = sorted(groups, key=lambda g: (g.priority_rank or 0, g.metric, g.first_number))
    rows: dict[int, dict[tuple[str, str], ComplianceRow]] = {}
    for group in ordered:
        per_contract = rows.setdefault(group.contract_id, {})
        key = (group.level, group.metric)
        row = per_contract.get(key)
        if row is None:
            row = per_contract[key] = ComplianceRow(
                group.level, group.label, group.rank, group.metric, group.threshold
            )
        row.met += group.met
        row.missed += group.missed
        row.excluded_count += group.excluded
    return {
        contract_id: sorted(
            per_contract.values(), key=lambda r: (r.rank, r.metric != Metric.RESPONSE)
        )
        for contract_id, per_contract in rows.items()
    }


def sla_compliance_by_contract(
    *, start: datetime, end: datetime, now: datetime, contract_ids: Iterable[int] | None = None
) -> dict[int, list[ComplianceRow]]:
    """Rows per (priority, metric) for every contract with clocks decided in [start, end), in
    one grouped query (`contract_ids` narrows it). Excluded clocks are counted, not named."""
    clocks = clocks_decided(start=start, end=end, now=now)
    if contract_ids is not None:
        clocks = clocks.filter(ticket__contract_id__in=list(contract_ids))
    return compliance_rows(VerdictGroup(**row) for row in verdict_groups(clocks))


def sla_compliance(
    *, contract_id: int, start: datetime, end: datetime, now: datetime
) -> list[ComplianceRow]:
    """Rows per (priority, metric) for the contract's clocks decided in [start, end), with the
    excluded clocks named."""
    rows = sla_compliance_by_contract(
        start=start, end=end, now=now, contract_ids=[contract_id]
    ).get(contract_id, [])
    by_key = {(r.level, r.metric): r for r in rows}
    excluded = (
        clocks_decided(start=start, end=end, now=now)
        .filter(EXCLUDED, ticket__contract_id=contract_id)
        .select_related("ticket__sla_target")
        .order_by("ticket__priority_rank", "metric", "ticket__number")
    )
    for clock in excluded:
        target = clock.ticket.sla_target
        reason = _excluded_reason(clock)
        if target is not None and reason is not None:
            by_key[(target.level, clock.metric)].excluded.append(reason)
    return rows
