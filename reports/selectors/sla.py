"""SLA compliance per priority (D9) and the breaches of a period with cause and what was done
(REP-04), for one contract. Compliance is tickets.compliance's grouped query; the breaches are
one query with their tickets, targets and problems, whatever their number."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from contracts.models import Contract, SlaTarget
from reports.selectors.common import minutes_late, moment, target_label
from reports.selectors.pack import Breach, ComplianceLine, MetricFigures, ProblemRef
from tickets.compliance import (
    ComplianceRow,
    clocks_decided,
    clocks_missed,
    sla_compliance_by_contract,
)
from tickets.models import Metric, Problem, ResolutionKind, SlaClock, Status


def _figures(row: ComplianceRow | None) -> MetricFigures | None:
    if row is None:
        return None
    return MetricFigures(
        met=row.met,
        missed=row.missed,
        excluded=row.excluded_count,
        percentage=row.percentage,
        within_threshold=row.within_threshold,
    )


def compliance_lines(
    *, contract: Contract, start: datetime, end: datetime, as_of: datetime
) -> list[ComplianceLine]:
    """Per priority level, response and resolution side by side, with the level's own name in
    the active language: two queries."""
    rows = sla_compliance_by_contract(
        start=start, end=end, now=as_of, contract_ids=[contract.pk]
    ).get(contract.pk, [])
    decided = clocks_decided(start=start, end=end, now=as_of).filter(ticket__contract=contract)
    names = {
        t["level"]: target_label(t["label_en"], t["label_nl"])
        for t in SlaTarget.objects.filter(pk__in=decided.values("ticket__sla_target_id"))
        .values("level", "label_en", "label_nl")
        .order_by("pk")
    }
    levels: dict[str, dict[str, ComplianceRow]] = {}
    for row in rows:
        levels.setdefault(row.level, {})[row.metric] = row
    lines = []
    for level, metrics in levels.items():
        first = next(iter(metrics.values()))
        lines.append(
            ComplianceLine(
                level=level,
                label=names.get(level, first.label),
                rank=first.rank,
                threshold=first.threshold,
                response=_figures(metrics.get(Metric.RESPONSE)),
                resolution=_figures(metrics.get(Metric.RESOLUTION)),
            )
        )
    return sorted(lines, key=lambda line: (line.rank, line.level))


def _problem(problem: Problem | None) -> ProblemRef | None:
    if problem is None:
        return None
    return ProblemRef(
        number=problem.number,
        status=problem.status,
        status_label=str(problem.get_status_display()),
        rca_due=moment(problem.rca_due_at),
        rca_delivered=moment(problem.rca_delivered_at),
    )


def _cause(clock: SlaClock) -> str:
    """Why the target was missed: the exemption, the vendor, or the root cause as recorded."""
    ticket = clock.ticket
    if ticket.sla_exempt_reason:
        return _("Exempt: %(reason)s") % {"reason": ticket.sla_exempt_reason}
    if clock.metric == Metric.RESOLUTION and ticket.resolution_vendor_owned:
        return _("Resolution owned by the vendor")
    problem = ticket.problem
    return ticket.root_cause or (problem.root_cause if problem is not None else "")


def _done(clock: SlaClock) -> str:
    """What was done: the resolution (fix or workaround), else the problem's workaround."""
    ticket = clock.ticket
    if ticket.resolved_at is not None and ticket.resolution_kind:
        kind = str(ResolutionKind(ticket.resolution_kind).label)
        return f"{kind[:1].upper()}{kind[1:]}: {ticket.resolution}".strip().rstrip(":")
    problem = ticket.problem
    if problem is not None and problem.workaround:
        return _("Workaround: %(text)s") % {"text": problem.workaround}
    return ""


def _excluded(clock: SlaClock) -> bool:
    ticket = clock.ticket
    return bool(ticket.sla_exempt_reason) or (
        clock.metric == Metric.RESOLUTION and ticket.resolution_vendor_owned
    )


def breaches(
    *, contract: Contract, start: datetime, end: datetime, as_of: datetime
) -> list[Breach]:
    """Every target missed in [start, end), in due order: one query."""
    clocks = (
        clocks_missed(start=start, end=end, now=as_of)
        .filter(ticket__contract=contract)
        .select_related("ticket__sla_target", "ticket__problem")
        .order_by("due_at", "ticket__number", "metric")
    )
    result = []
    for clock in clocks:
        ticket, due = clock.ticket, clock.due_at
        if due is None:  # decided clocks always have a due time; the type does not know
            continue
        target = ticket.sla_target
        result.append(
            Breach(
                ticket=ticket.number,
                subject=ticket.subject,
                priority=target_label(target.label_en, target.label_nl) if target else "",
                metric=clock.metric,
                metric_label=str(Metric(clock.metric).label),
                due=moment(due) or "",
                actual=moment(clock.stopped_at),
                late_minutes=minutes_late(due, clock.stopped_at or as_of),
                counted=not _excluded(clock),
                cause=_cause(clock),
                done=_done(clock),
                status=ticket.status,
                status_label=str(Status(ticket.status).label),
                resolved=moment(ticket.resolved_at),
                problem=_problem(ticket.problem),
            )
        )
    return result
