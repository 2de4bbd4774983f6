"""What happened under a contract in a period: tickets by type, priority and channel,
escalations, problems and their RCAs (D21), satisfaction (REP-06) and vendor escalations. Each
figure is one grouped query (and a list is one more, bounded), whatever the number of tickets."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _

from contracts.models import Contract, RequestType
from escalation.models import Escalation, Level
from reports.periods import Period, display_zone, month_add
from reports.selectors.common import LIST_LIMIT, average, moment, target_label
from reports.selectors.pack import (
    Csat,
    CsatMonth,
    EscalationItem,
    Escalations,
    ProblemItem,
    Tally,
    VendorEscalations,
    VendorItem,
    Volumes,
)
from tickets.models import Channel, Problem, SatisfactionSurvey, Ticket, VendorEscalation


def volumes(*, contract: Contract, start: datetime, end: datetime) -> Volumes:
    """Tickets registered in the period: one query grouped by type, channel and priority."""
    rows = (
        Ticket.objects.filter(contract=contract, created_at__gte=start, created_at__lt=end)
        .values(
            "request_type",
            "channel",
            "sla_target__level",
            "sla_target__rank",
            "sla_target__label_en",
            "sla_target__label_nl",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    types: dict[str, int] = {}
    channels: dict[str, int] = {}
    levels: dict[str, tuple[int, str, int]] = {}  # level -> (rank, label, count)
    for row in rows:
        n = row["n"]
        types[row["request_type"]] = types.get(row["request_type"], 0) + n
        channels[row["channel"]] = channels.get(row["channel"], 0) + n
        level = row["sla_target__level"] or ""
        label = target_label(row["sla_target__label_en"], row["sla_target__label_nl"])
        rank, label, count = levels.get(level, (row["sla_target__rank"] or 9, label, 0))
        levels[level] = (rank, label if level else _("no target"), count + n)
    by_priority = [
        Tally(level or "none", label, count)
        for level, (rank, label, count) in sorted(levels.items(), key=lambda i: (i[1][0], i[0]))
    ]
    return Volumes(
        total=sum(types.values()),
        by_type=[Tally(t.value, str(t.label), types.get(t.value, 0)) for t in RequestType],
        by_priority=by_priority,
        by_channel=[Tally(c.value, str(c.label), channels.get(c.value, 0)) for c in Channel],
    )


def escalations(*, contract: Contract, start: datetime, end: datetime) -> Escalations:
    """Escalations raised in the period (warnings apart): counted by level, the latest listed."""
    raised = Escalation.objects.filter(
        ticket__contract=contract, raised_at__gte=start, raised_at__lt=end, level__gte=1
    )
    counts = dict(raised.values_list("level").annotate(n=Count("pk")).order_by())
    items = [
        EscalationItem(
            ticket=e.ticket.number,
            level=e.level,
            level_label=str(e.get_level_display()),
            reason=str(e.get_reason_display()),
            raised=moment(e.raised_at) or "",
            acknowledged=moment(e.acknowledged_at),
            resolved=moment(e.resolved_at),
        )
        for e in raised.select_related("ticket").order_by("-raised_at", "-pk")[:LIST_LIMIT]
    ]
    levels = [lv for lv in Level if lv.value >= 1]
    return Escalations(
        total=sum(counts.values()),
        by_level=[Tally(f"l{lv.value}", str(lv.label), counts.get(lv.value, 0)) for lv in levels],
        items=items,
    )


def problems(
    *, contract: Contract, start: datetime, end: datetime, as_of: datetime
) -> list[ProblemItem]:
    """Problems of the contract's incidents open at some time in the period, with their RCA due
    dates (D21); an RCA not delivered by its due date is overdue. One query."""
    own = Q(incidents__contract=contract)
    linked = Problem.objects.filter(own | Q(source_ticket__contract=contract)).values("pk")
    rows = (
        Problem.objects.filter(pk__in=linked, opened_at__lt=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=start))
        .annotate(own_incidents=Count("incidents", filter=own))
        .order_by("rca_due_at", "opened_at", "pk")
    )
    return [
        ProblemItem(
            number=p.number,
            title=p.title,
            status=p.status,
            status_label=str(p.get_status_display()),
            origin_label=str(p.get_origin_display()),
            opened=moment(p.opened_at) or "",
            incidents=p.own_incidents,
            rca_due=moment(p.rca_due_at),
            rca_delivered=moment(p.rca_delivered_at),
            overdue=_overdue(p, as_of),
        )
        for p in rows
    ]


def _overdue(problem: Problem, as_of: datetime) -> bool:
    due, delivered = problem.rca_due_at, problem.rca_delivered_at
    if due is None:
        return False
    return delivered > due if delivered is not None else due < as_of


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    zone = display_zone()
    following = month_add(month, 1)
    return (
        datetime(month.year, month.month, 1, tzinfo=zone),
        datetime(following.year, following.month, 1, tzinfo=zone),
    )


def csat(*, contract: Contract, period: Period, start: datetime, end: datetime) -> Csat:
    """Survey answers in the period: how many, their average, and per month. One query."""
    aggregates: dict[str, Any] = {"n": Count("pk"), "avg": Avg("score")}
    months = period.months()
    for k, month in enumerate(months):
        first, following = _month_bounds(month)
        inside = Q(answered_at__gte=max(first, start), answered_at__lt=min(following, end))
        aggregates[f"n_{k}"] = Count("pk", filter=inside)
        aggregates[f"avg_{k}"] = Avg("score", filter=inside)
    row = SatisfactionSurvey.objects.filter(
        ticket__contract=contract, answered_at__gte=start, answered_at__lt=end
    ).aggregate(**aggregates)
    return Csat(
        answers=row["n"],
        average=average(row["avg"]),
        months=[
            CsatMonth(f"{m:%Y-%m}", row[f"n_{k}"], average(row[f"avg_{k}"]))
            for k, m in enumerate(months)
        ],
    )


def vendor_escalations(*, contract: Contract, start: datetime, end: datetime) -> VendorEscalations:
    """Tickets handed to a vendor that were with the vendor at some time in the period."""
    rows = VendorEscalation.objects.filter(ticket__contract=contract, escalated_at__lt=end).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=start)
    )
    items = [
        VendorItem(
            ticket=v.ticket.number,
            vendor=v.vendor_name or str(v.get_vendor_display()),
            reference=v.vendor_reference,
            escalated=moment(v.escalated_at) or "",
            last_update_shared=moment(v.last_update_shared_at),
            closed=moment(v.closed_at),
        )
        for v in rows.select_related("ticket").order_by("-escalated_at", "-pk")[:LIST_LIMIT]
    ]
    return VendorEscalations(total=rows.count(), items=items)
