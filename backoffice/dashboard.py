"""The staff dashboard's figures (back-office issue §4): selectors returning plain dataclasses.

Every figure is one grouped query (`values().annotate(Count)`), never a loop over tickets, so
the number of queries is the same for ten tickets or a million, and for any number of
contracts and providers. Days and months are those of the display zone (Europe/Amsterdam).
Compliance follows tickets.compliance (DECISIONS D9) through the same query pieces.
Satisfaction (CSAT) counts survey answers by the month they were answered (issue #11 §2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any, cast

from django.db.models import Avg, Count, Min, Q
from django.utils.translation import gettext as _

from contracts.models import Contract, Provider
from contracts.staff_scope import StaffUser, staff_contracts, staff_csam_only, staff_rows
from escalation.models import Escalation, Level
from tickets.compliance import (
    ComplianceRow,
    clocks_decided,
    compliance_percentage,
    decided_in,
    sla_compliance_by_contract,
    verdict_counts,
)
from tickets.models import OPEN_STATUSES, Metric, SatisfactionSurvey, SlaClock, Status, Ticket
from tickets.selectors import clock_breached_q

TREND_MONTHS = 12
RANKS = (1, 2, 3, 4)


@dataclass(frozen=True)
class Tally:
    """One bar: a key for CSS and CSV, a label to show and a count."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class OpenTickets:
    by_status: list[Tally]
    by_priority: list[Tally]  # P1-P4, then "no target" (D7)

    @property
    def total(self) -> int:
        return sum(t.count for t in self.by_status)


@dataclass(frozen=True)
class Today:
    day: date
    breaches: list[Tally]  # per metric: clocks whose due time passed today without a verdict met
    escalations: list[Tally]  # per level, raised today


@dataclass(frozen=True)
class ContractCompliance:
    """One contract and priority level: response and resolution side by side (D9)."""

    contract_id: int
    reference: str
    customer: str
    provider: str
    level: str
    label: str
    rank: int
    threshold: Decimal | None
    response: ComplianceRow | None
    resolution: ComplianceRow | None

    @property
    def metrics(self) -> list[ComplianceRow | None]:
        return [self.response, self.resolution]

    @property
    def excluded_count(self) -> int:
        return sum(r.excluded_count for r in self.metrics if r is not None)

    @property
    def within_threshold(self) -> bool | None:
        verdicts = [r.within_threshold for r in self.metrics if r is not None]
        if False in verdicts:
            return False
        return True if True in verdicts else None


@dataclass(frozen=True)
class TrendPoint:
    month: date
    opened: int = 0
    response_met: int = 0
    response_missed: int = 0
    resolution_met: int = 0
    resolution_missed: int = 0

    @property
    def response_percentage(self) -> Decimal | None:
        return compliance_percentage(self.response_met, self.response_missed)

    @property
    def resolution_percentage(self) -> Decimal | None:
        return compliance_percentage(self.resolution_met, self.resolution_missed)


@dataclass(frozen=True)
class ProviderTrend:
    provider_id: int
    name: str
    threshold: Decimal | None  # the lowest threshold among the counted clocks' targets
    points: list[TrendPoint]


@dataclass(frozen=True)
class CsatMonth:
    """Satisfaction in one month: the number of answers and their average score (1-5)."""

    month: date
    answers: int = 0
    average: Decimal | None = None


@dataclass(frozen=True)
class ContractCsat:
    """One contract's survey answers per month, by the month they were answered."""

    contract_id: int
    reference: str
    customer: str
    provider: str
    months: list[CsatMonth]

    @property
    def answers(self) -> int:
        return sum(m.answers for m in self.months)


@dataclass(frozen=True)
class Dashboard:
    now: datetime
    month: date
    open_tickets: OpenTickets
    today: Today
    compliance: list[ContractCompliance]
    trends: list[ProviderTrend]
    csat: list[ContractCsat] = field(default_factory=list)


# --- Months and days -----------------------------------------------------------------------------
def month_parse(text: str) -> date:
    """'2026-10' as the first day of that month; ValueError with a message otherwise."""
    try:
        first = datetime.strptime(text, "%Y-%m").date()  # noqa: DTZ007 - a calendar month
    except ValueError:
        raise ValueError(_("“%(month)s” is not a month; use YYYY-MM.") % {"month": text}) from None
    if not 2000 <= first.year <= 2999:
        raise ValueError(_("Choose a month between 2000 and 2999."))
    return first


def month_add(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_start(month: date, zone: tzinfo) -> datetime:
    return datetime.combine(month.replace(day=1), time(0), tzinfo=zone)


def _day_bounds(now: datetime, zone: tzinfo) -> tuple[date, datetime, datetime]:
    day = now.astimezone(zone).date()
    start = datetime.combine(day, time(0), tzinfo=zone)
    return day, start, datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


# --- Selectors -----------------------------------------------------------------------------------
def open_tickets(user: StaffUser) -> OpenTickets:
    """Open tickets by status and by priority rank: one query grouped by both."""
    counts = (
        staff_rows(user, Ticket.objects.filter(status__in=list(OPEN_STATUSES)))
        .values("status", "priority_rank")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_status: dict[str, int] = {}
    by_rank: dict[int | None, int] = {}
    for row in counts:
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
        by_rank[row["priority_rank"]] = by_rank.get(row["priority_rank"], 0) + row["n"]
    statuses = [s for s in Status if s in OPEN_STATUSES]
    return OpenTickets(
        by_status=[Tally(s.value, str(s.label), by_status.get(s.value, 0)) for s in statuses],
        by_priority=[Tally(f"p{r}", f"P{r}", by_rank.get(r, 0)) for r in RANKS]
        + [Tally("none", _("no target"), by_rank.get(None, 0))],
    )


def today(now: datetime, zone: tzinfo, user: StaffUser) -> Today:
    """Breaches (clocks whose due time passed today, not met) and escalations raised today."""
    day, start, end = _day_bounds(now, zone)
    breaches = dict(
        staff_rows(user, SlaClock.objects.filter(due_at__gte=start, due_at__lt=min(now, end)))
        .filter(clock_breached_q(now))
        .values_list("metric")
        .annotate(n=Count("pk"))
        .order_by()
    )
    raised = dict(
        staff_rows(user, Escalation.objects.filter(raised_at__gte=start, raised_at__lt=end))
        .values_list("level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Today(
        day=day,
        breaches=[Tally(m.value, str(m.label), breaches.get(m.value, 0)) for m in Metric],
        escalations=[Tally(f"l{lv.value}", str(lv.label), raised.get(lv.value, 0)) for lv in Level],
    )


def contract_compliance(
    *, month: date, now: datetime, zone: tzinfo, user: StaffUser
) -> list[ContractCompliance]:
    """The month's compliance of every contract the user sees with a decided clock (D9): the
    grouped query of tickets.compliance, plus one query for the contracts' names."""
    start = month_start(month, zone)
    end = month_start(month_add(month, 1), zone)
    scope = (
        None if not staff_csam_only(user) else staff_contracts(user).values_list("pk", flat=True)
    )
    per_contract = sla_compliance_by_contract(start=start, end=end, now=now, contract_ids=scope)
    names = {
        c["pk"]: c
        for c in Contract.objects.filter(pk__in=list(per_contract)).values(
            "pk", "reference", "customer__name", "provider__name"
        )
    }
    result = []
    for contract_id, rows in per_contract.items():
        contract = names[contract_id]
        levels: dict[str, dict[str, ComplianceRow]] = {}
        for row in rows:
            levels.setdefault(row.level, {})[row.metric] = row
        for metrics in levels.values():
            first = next(iter(metrics.values()))
            result.append(
                ContractCompliance(
                    contract_id=contract_id,
                    reference=contract["reference"],
                    customer=contract["customer__name"],
                    provider=contract["provider__name"],
                    level=first.level,
                    label=first.label,
                    rank=first.rank,
                    threshold=first.threshold,
                    response=metrics.get(Metric.RESPONSE),
                    resolution=metrics.get(Metric.RESOLUTION),
                )
            )
    return sorted(result, key=lambda r: (r.provider, r.customer, r.reference, r.rank, r.level))


def provider_trends(
    *, month: date, now: datetime, zone: tzinfo, user: StaffUser
) -> list[ProviderTrend]:
    """Twelve months up to `month`, per provider with activity: tickets opened, and response
    and resolution compliance by the month the verdict fell (D9). Three queries, grouped by
    provider (and metric) only: each month is a filtered count over the month's bounds, with
    the very Q of tickets.compliance, so the database has no per-row month to sort."""
    months = [month_add(month, k - TREND_MONTHS + 1) for k in range(TREND_MONTHS)]
    bounds = [(month_start(m, zone), month_start(month_add(m, 1), zone)) for m in months]
    start, end = bounds[0][0], bounds[-1][1]
    per_month: dict[str, Count] = {}
    for k, (first, following) in enumerate(bounds):
        per_month[f"opened_{k}"] = Count(
            "pk", filter=Q(created_at__gte=first, created_at__lt=following)
        )
    opened = (
        staff_rows(user, Ticket.objects.filter(created_at__gte=start, created_at__lt=end))
        .values("provider_id")
        .annotate(**per_month)
        .order_by()
    )
    verdicts: dict[str, Count] = {}
    for k, (first, following) in enumerate(bounds):
        met, missed, _ = verdict_counts(decided_in(start=first, end=following, now=now))
        verdicts[f"met_{k}"], verdicts[f"missed_{k}"] = met, missed
    decided = (
        staff_rows(user, clocks_decided(start=start, end=end, now=now))
        .values("ticket__provider_id", "metric")
        .annotate(threshold=Min("ticket__sla_target__compliance_threshold"), **verdicts)
        .order_by()
    )
    figures: dict[int, list[dict[str, int]]] = {}
    thresholds: dict[int, Decimal] = {}
    for row in cast("list[dict[str, Any]]", list(opened)):
        cells = figures.setdefault(row["provider_id"], [{} for _ in months])
        for k, cell in enumerate(cells):
            cell["opened"] = row[f"opened_{k}"]
    for row in cast("list[dict[str, Any]]", list(decided)):
        provider, metric, threshold = row["ticket__provider_id"], row["metric"], row["threshold"]
        cells = figures.setdefault(provider, [{} for _ in months])
        for k, cell in enumerate(cells):
            cell[f"{metric}_met"], cell[f"{metric}_missed"] = row[f"met_{k}"], row[f"missed_{k}"]
        if threshold is not None:
            thresholds[provider] = min(threshold, thresholds.get(provider, threshold))
    providers = Provider.objects.filter(pk__in=list(figures)).order_by("name")
    return [
        ProviderTrend(
            provider_id=p.pk,
            name=p.name,
            threshold=thresholds.get(p.pk),
            points=[
                TrendPoint(month=m, **cell) for m, cell in zip(months, figures[p.pk], strict=True)
            ],
        )
        for p in providers
    ]


def _average(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


def contract_csat(*, month: date, zone: tzinfo, user: StaffUser) -> list[ContractCsat]:
    """Twelve months up to `month`, per contract with an answer: the number of survey answers
    and their average score, by the month (display zone) each was answered. One query grouped
    by contract, each month a filtered aggregate over its bounds (as provider_trends)."""
    months = [month_add(month, k - TREND_MONTHS + 1) for k in range(TREND_MONTHS)]
    bounds = [(month_start(m, zone), month_start(month_add(m, 1), zone)) for m in months]
    per_month: dict[str, Any] = {}
    for k, (first, following) in enumerate(bounds):
        answered = Q(answered_at__gte=first, answered_at__lt=following)
        per_month[f"n_{k}"] = Count("pk", filter=answered)
        per_month[f"avg_{k}"] = Avg("score", filter=answered)
    rows = (
        staff_rows(
            user,
            SatisfactionSurvey.objects.filter(
                answered_at__gte=bounds[0][0], answered_at__lt=bounds[-1][1]
            ),
        )
        .values(
            "ticket__contract_id",
            "ticket__contract__reference",
            "ticket__contract__customer__name",
            "ticket__contract__provider__name",
        )
        .annotate(**per_month)
        .order_by()
    )
    result = [
        ContractCsat(
            contract_id=row["ticket__contract_id"],
            reference=row["ticket__contract__reference"],
            customer=row["ticket__contract__customer__name"],
            provider=row["ticket__contract__provider__name"],
            months=[
                CsatMonth(m, row[f"n_{k}"], _average(row[f"avg_{k}"])) for k, m in enumerate(months)
            ],
        )
        for row in cast("list[dict[str, Any]]", list(rows))
    ]
    return sorted(result, key=lambda r: (r.provider, r.customer, r.reference))


def dashboard_figures(*, now: datetime, month: date, zone: tzinfo, user: StaffUser) -> Dashboard:
    """Everything the dashboard shows to `user`, in a fixed number of queries: a CSAM without
    another role sees only their contracts' tickets, clocks and escalations (contracts.staff_scope).
    """
    return Dashboard(
        now=now,
        month=month,
        open_tickets=open_tickets(user),
        today=today(now, zone, user),
        compliance=contract_compliance(month=month, now=now, zone=zone, user=user),
        trends=provider_trends(month=month, now=now, zone=zone, user=user),
        csat=contract_csat(month=month, zone=zone, user=user),
    )
