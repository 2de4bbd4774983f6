"""The staff dashboard's figures (back-office issue §4): selectors returning plain dataclasses.

Every figure is one grouped query (`values().annotate(Count)`), never a loop over tickets, so
the number of queries is the same for ten tickets or a million, and for any number of
contracts and providers. Days and months are those of the display zone (Europe/Amsterdam).
The twelve months' figures come from tickets.figures (issue #16): per month and contract,
rolled up for the months that are over and counted live for this month, and summed here.
Compliance follows tickets.compliance (DECISIONS D9) through the same query pieces.
Satisfaction (CSAT) counts survey answers by the month they were answered (issue #11 §2).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from contracts.models import Contract, Provider
from contracts.staff_scope import StaffUser, staff_rows
from escalation.models import Escalation, Level
from tickets.compliance import ComplianceRow, compliance_percentage, compliance_rows
from tickets.figures import MonthlyFigures, month_add, monthly_figures
from tickets.models import OPEN_STATUSES, Metric, SlaClock, Status, Ticket
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


def trend_months(month: date) -> list[date]:
    """The twelve months up to `month`."""
    return [month_add(month, k - TREND_MONTHS + 1) for k in range(TREND_MONTHS)]


def contract_compliance(
    *, figures: MonthlyFigures, names: Mapping[int, Mapping[str, Any]]
) -> list[ContractCompliance]:
    """The detail month's compliance of every contract in `figures` with a decided clock (D9),
    as tickets.compliance counts it from the same groups."""
    per_contract = compliance_rows(figures.clocks)
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


def provider_trends(*, months: list[date], figures: MonthlyFigures) -> list[ProviderTrend]:
    """Per provider with activity in `months`: tickets opened, and response and resolution
    compliance by the month the verdict fell (D9); the threshold line is the lowest threshold
    among the counted clocks' targets."""
    column = {m: k for k, m in enumerate(months)}
    cells: dict[int, list[dict[str, int]]] = {}
    thresholds: dict[int, Decimal] = {}

    def of(provider: int, month: date) -> dict[str, int]:
        return cells.setdefault(provider, [{} for _ in months])[column[month]]

    for t in figures.tickets:
        if t.opened:
            cell = of(t.provider_id, t.month)
            cell["opened"] = cell.get("opened", 0) + t.opened
    for c in figures.trend:
        cell = of(c.provider_id, c.month)
        cell[f"{c.metric}_met"] = cell.get(f"{c.metric}_met", 0) + c.met
        cell[f"{c.metric}_missed"] = cell.get(f"{c.metric}_missed", 0) + c.missed
        if c.threshold is not None:
            thresholds[c.provider_id] = min(c.threshold, thresholds.get(c.provider_id, c.threshold))
    providers = Provider.objects.filter(pk__in=list(cells)).order_by("name")
    return [
        ProviderTrend(
            provider_id=p.pk,
            name=p.name,
            threshold=thresholds.get(p.pk),
            points=[
                TrendPoint(month=m, **cell) for m, cell in zip(months, cells[p.pk], strict=True)
            ],
        )
        for p in providers
    ]


def _average(answers: int, total: int) -> Decimal | None:
    """The average score to one decimal, exactly (no float on the way)."""
    return (Decimal(total) / answers).quantize(Decimal("0.1")) if answers else None


def contract_csat(
    *, months: list[date], figures: MonthlyFigures, names: Mapping[int, Mapping[str, Any]]
) -> list[ContractCsat]:
    """Per contract with an answer in `months`: the number of survey answers and their average
    score, by the month (display zone) each was answered."""
    column = {m: k for k, m in enumerate(months)}
    answered: dict[int, list[list[int]]] = {}
    for t in figures.tickets:
        if t.answers:
            cell = answered.setdefault(t.contract_id, [[0, 0] for _ in months])[column[t.month]]
            cell[0] += t.answers
            cell[1] += t.score_total
    result = [
        ContractCsat(
            contract_id=contract_id,
            reference=names[contract_id]["reference"],
            customer=names[contract_id]["customer__name"],
            provider=names[contract_id]["provider__name"],
            months=[
                CsatMonth(m, n, _average(n, total))
                for m, (n, total) in zip(months, cells, strict=True)
            ],
        )
        for contract_id, cells in answered.items()
    ]
    return sorted(result, key=lambda r: (r.provider, r.customer, r.reference))


def _contract_names(figures: MonthlyFigures) -> Mapping[int, Mapping[str, Any]]:
    """Reference, customer and provider of the contracts the figures name (one query)."""
    wanted = {g.contract_id for g in figures.clocks}
    wanted |= {t.contract_id for t in figures.tickets if t.answers}
    rows = Contract.objects.filter(pk__in=wanted).values(
        "pk", "reference", "customer__name", "provider__name"
    )
    return {row["pk"]: row for row in rows}


def dashboard_figures(*, now: datetime, month: date, zone: tzinfo, user: StaffUser) -> Dashboard:
    """Everything the dashboard shows to `user`, in a fixed number of queries: a CSAM without
    another role sees only their contracts' tickets, clocks and escalations (contracts.staff_scope).
    The monthly figures of the twelve months come from tickets.figures: rolled up for the
    months that are over, counted live for the others."""
    months = trend_months(month)
    monthly = monthly_figures(months=months, detail=month, zone=zone, now=now, user=user)
    names = _contract_names(monthly)
    return Dashboard(
        now=now,
        month=month,
        open_tickets=open_tickets(user),
        today=today(now, zone, user),
        compliance=contract_compliance(figures=monthly, names=names),
        trends=provider_trends(months=months, figures=monthly),
        csat=contract_csat(months=months, figures=monthly, names=names),
    )
