"""SLA clocks of a ticket: creation, the pause ledger and recomputation (D3-D6)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import User

from contracts.calendars import calendar_for
from contracts.models import BusinessCalendar, ClockKind, Contract, ResolutionStart, SlaTarget
from contracts.selectors import calendar_revision_current, warning_percent_for
from tickets.figures_marks import clocks_months_touch
from tickets.models import ClockSegment, Metric, SegmentState, SlaClock, Ticket
from tickets.sla import Pause, clock_due, warning_due


def whole_second(value: datetime) -> datetime:
    """D2: deadlines have second precision. A due time is rounded down to its whole second, so
    the microseconds of a start time (or of a pause's end) never reach a stored due time and a
    deadline is never later than the exact one."""
    return value.replace(microsecond=0)


def whole_second_after(value: datetime) -> datetime:
    """The first whole second at or after `value`: a check planned for an exact moment is
    never earlier than it (a next check, unlike a due time, must not come too soon)."""
    floor = whole_second(value)
    return floor if floor == value else floor + timedelta(seconds=1)


def ticket_calendar_row(contract: Contract, target: SlaTarget | None) -> BusinessCalendar | None:
    """24x7 targets keep their calendar; business ones follow a contract's own calendar
    (a Microsoft support location), else the target's (D1). Of that calendar, the current
    revision: a coordinator's revision applies from the next ticket on (D3)."""
    if target is None:
        row = contract.calendar or contract.package.default_calendar
    elif target.clock_kind == ClockKind.BUSINESS and contract.calendar_id is not None:
        row = contract.calendar
    else:
        row = target.calendar
    return calendar_revision_current(row) if row is not None else None


def clocks_build(*, ticket: Ticket, target: SlaTarget | None, now: datetime) -> list[SlaClock]:
    """Unsaved clocks for a new ticket; due times computed with no pauses yet."""
    if target is None:
        return []
    clocks = []
    for metric, budget in _budgets(target):
        if budget is None:
            continue
        clock = SlaClock(ticket=ticket, metric=metric, budget_seconds=budget)
        clock.started_at = _clock_start(ticket, metric)
        clocks.append(clock)
    _clocks_due_set(ticket, clocks, pauses=[])
    ticket.next_check_at = whole_second(now)  # the escalation sweep looks at every new ticket
    return clocks


def _budgets(target: SlaTarget) -> list[tuple[str, int | None]]:
    return [
        (Metric.RESPONSE, target.response_seconds),
        (Metric.RESOLUTION, target.resolution_seconds),
    ]


def _clock_start(ticket: Ticket, metric: str) -> datetime | None:
    """Response runs from registration; resolution per the policy's rule (D5)."""
    if metric == Metric.RESPONSE or ticket.sla_policy is None:
        return ticket.created_at
    if ticket.sla_policy.resolution_start == ResolutionStart.ROOT_CAUSE_IDENTIFIED:
        return ticket.root_cause_identified_at
    return ticket.created_at


def _clocks_due_set(ticket: Ticket, clocks: list[SlaClock], pauses: list[Pause]) -> None:
    """Compute due/met of each clock and mirror the running ones onto the ticket, with the
    moment the first of them becomes at risk."""
    calendar = calendar_for(ticket.calendar) if ticket.calendar else None
    ticket.response_due_at = ticket.resolution_due_at = None
    warnings: list[datetime] = []
    for clock in clocks:
        if clock.started_at is None or calendar is None:
            clock.due_at = None
            continue
        due = clock_due(
            start=clock.started_at,
            budget=timedelta(seconds=clock.budget_seconds),
            pauses=pauses,
            calendar=calendar,
            until=clock.stopped_at,
        )
        clock.due_at = whole_second(due) if due is not None else None
        if clock.stopped_at is not None:
            clock.met = clock.due_at is None or clock.stopped_at <= clock.due_at
            continue
        if clock.metric == Metric.RESPONSE:
            ticket.response_due_at = clock.due_at
        else:
            ticket.resolution_due_at = clock.due_at
        if clock.due_at is not None:
            warn = warning_due(
                start=clock.started_at,
                budget_seconds=clock.budget_seconds,
                warning_percent=warning_percent_for(ticket.contract),
                pauses=pauses,
                calendar=calendar,
            )
            if warn is not None:
                warnings.append(whole_second(warn))
    running = [d for d in (ticket.response_due_at, ticket.resolution_due_at) if d is not None]
    ticket.earliest_due_at = min(running) if running else None
    ticket.at_risk_at = min(warnings) if warnings else None


def ticket_pauses(ticket: Ticket) -> list[Pause]:
    return [
        (s.started_at, s.ended_at)
        for s in ticket.segments.filter(state=SegmentState.PAUSED).order_by("started_at")
    ]


def clock_due_times(ticket: Ticket) -> dict[str, str | None]:
    """Each clock's stored due time (ISO), by metric: what a recompute's event records before
    and after (`due_before`, `due_after`), so the API can show every recomputation."""
    rows = SlaClock.objects.filter(ticket_id=ticket.pk).values_list("metric", "due_at")
    return {metric: due.isoformat() if due else None for metric, due in rows}


def ticket_clocks_recompute(*, ticket: Ticket, target: SlaTarget | None, now: datetime) -> None:
    """Re-derive every clock from the original start with the same pauses (D6).

    Used after a priority change, a root cause, a pause/resume or a stop: budgets follow
    `target`, clocks the new target lacks are removed, new ones start at their original start.
    """
    existing = {c.metric: c for c in ticket.clocks.all()}
    clocks: list[SlaClock] = []
    for metric, budget in _budgets(target) if target else []:
        clock = existing.pop(metric, None)
        if budget is None:
            if clock is not None:
                existing[metric] = clock
            continue
        if clock is None:
            clock = SlaClock(ticket=ticket, metric=metric)
        clock.budget_seconds = budget
        clock.started_at = clock.started_at or _clock_start(ticket, metric)
        clocks.append(clock)
    for stale in existing.values():
        stale.delete()
    _clocks_due_set(ticket, clocks, ticket_pauses(ticket))
    for clock in clocks:
        clock.save()
    ticket.next_check_at = whole_second(now)  # the sweep re-plans warnings and escalations


def clock_stop(*, ticket: Ticket, metric: str, now: datetime) -> None:
    """Stop one clock (first response given, or resolved) and record met/missed."""
    clock = ticket.clocks.filter(metric=metric, stopped_at__isnull=True).first()
    if clock is None:
        return
    if clock.started_at is None:
        # D5: resolved without a recorded root cause -> measured from registration.
        clock.started_at = ticket.created_at
    clock.stopped_at = now
    clock.save(update_fields=["started_at", "stopped_at"])
    ticket_clocks_recompute(ticket=ticket, target=ticket.sla_target, now=now)


def clocks_cancel(*, ticket: Ticket, now: datetime) -> None:
    """A cancelled ticket is neither met nor missed: its open clocks stop without a verdict."""
    running = ticket.clocks.filter(stopped_at__isnull=True)
    clocks_months_touch(running)  # an update in bulk: no signals (tickets.figures_marks)
    running.update(stopped_at=now, due_at=None, met=None)
    ticket.response_due_at = ticket.resolution_due_at = ticket.earliest_due_at = None
    ticket.at_risk_at = None
    ticket.next_check_at = whole_second(now)  # the sweep closes the open escalations


def clock_resume_stopped(*, ticket: Ticket, metric: str, now: datetime) -> None:
    """Reopening: the resolution clock runs again; the resolved stretch was a pause."""
    stopped = ticket.clocks.filter(metric=metric)
    clocks_months_touch(stopped)  # an update in bulk: no signals (tickets.figures_marks)
    stopped.update(stopped_at=None, met=None)
    ticket_clocks_recompute(ticket=ticket, target=ticket.sla_target, now=now)


def segment_switch(
    *,
    ticket: Ticket,
    state: str,
    reason: str,
    now: datetime,
    actor: User | None = None,
) -> None:
    """Close the open ledger segment and open a new one in `state` (D6)."""
    ticket.segments.filter(ended_at__isnull=True).update(ended_at=now)
    ClockSegment.objects.create(
        ticket=ticket, state=state, started_at=now, reason=reason, actor_user=actor
    )


def segment_close(*, ticket: Ticket, now: datetime) -> None:
    ticket.segments.filter(ended_at__isnull=True).update(ended_at=now)
