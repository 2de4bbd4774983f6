"""What is due for one ticket, computed from data loaded in bulk (DECISIONS D10).

Pure with respect to the database: the sweep loads tickets, clocks, pauses and escalations for
a whole page first, then plans each ticket here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from contracts.businesstime import Calendar, deadline
from contracts.models import ClockKind, EscalationPolicy
from escalation.models import Escalation, Level, Reason
from tickets.models import Metric, SlaClock, Ticket
from tickets.services.clocks import whole_second, whole_second_after
from tickets.sla import Pause, warning_due


@dataclass(frozen=True)
class Trigger:
    level: int
    reason: str
    occasion: str = ""


@dataclass
class Plan:
    triggers: list[Trigger] = field(default_factory=list)
    reminders: list[Escalation] = field(default_factory=list)
    upcoming: list[datetime] = field(default_factory=list)

    def next_check(self, now: datetime) -> datetime | None:
        """The earliest upcoming moment, on a whole second and never before it is due."""
        upcoming = min((t for t in self.upcoming if t > now), default=None)
        return whole_second_after(upcoming) if upcoming is not None else None


def business_day(calendar: Calendar) -> timedelta:
    """One business day of the calendar: the open hours of its longest weekday."""
    if calendar.always_open:
        return timedelta(days=1)
    seconds = max(
        sum(
            (close.hour * 3600 + close.minute * 60 or 86400) - (o.hour * 3600 + o.minute * 60)
            for o, close in day
        )
        for day in calendar.weekly
    )
    return timedelta(seconds=seconds or 86400)


def _clock_plan(
    ticket: Ticket,
    clocks: list[SlaClock],
    pauses: list[Pause],
    policy: EscalationPolicy,
    calendar: Calendar,
    now: datetime,
    plan: Plan,
) -> None:
    """Warnings at the policy's percentage, breaches, and the Top resolution breach."""
    target = ticket.sla_target
    for clock in clocks:
        if clock.stopped_at or clock.started_at is None or clock.due_at is None:
            continue
        if now >= clock.due_at:
            plan.triggers.append(Trigger(Level.FIRST_LINE, f"{clock.metric}_breach"))
            if (
                clock.metric == Metric.RESOLUTION
                and target is not None
                and target.level in policy.level2_on_resolution_breach_levels
            ):
                plan.triggers.append(Trigger(Level.SECOND_LINE, Reason.TOP_RESOLUTION_BREACH))
            continue
        warn_at = warning_due(
            start=clock.started_at,
            budget_seconds=clock.budget_seconds,
            warning_percent=policy.warning_percent,
            pauses=pauses,
            calendar=calendar,
        )
        warn_at = whole_second(warn_at) if warn_at is not None else None
        if warn_at is not None and now >= warn_at:
            plan.triggers.append(Trigger(Level.WARNING, f"{clock.metric}_warning"))
        elif warn_at is not None:
            plan.upcoming.append(warn_at)
        plan.upcoming.append(clock.due_at)


def _critical_plan(ticket: Ticket, policy: EscalationPolicy, now: datetime, plan: Plan) -> None:
    """Microsoft Critical: level 1 at once, the resource in time, status updates (D10)."""
    target = ticket.sla_target
    if target is None:
        return
    if target.level in policy.level1_on_create_levels:
        plan.triggers.append(Trigger(Level.FIRST_LINE, Reason.CRITICAL_CREATED))
    if target.critical_resource_seconds and ticket.critical_resource_assigned_at is None:
        due = whole_second(ticket.created_at + timedelta(seconds=target.critical_resource_seconds))
        if now >= due:
            plan.triggers.append(Trigger(Level.FIRST_LINE, Reason.CRITICAL_RESOURCE_MISSING))
        else:
            plan.upcoming.append(due)
    interval = timedelta(seconds=policy.status_update_seconds)
    if target.rank == 1 and target.clock_kind == ClockKind.ALWAYS and interval:
        last = ticket.last_provider_update_at or ticket.created_at
        missed = (now - last) // interval
        if missed >= 1:
            occasion = (last + missed * interval).isoformat()
            plan.triggers.append(Trigger(Level.WARNING, Reason.STATUS_UPDATE_MISSED, occasion))
        plan.upcoming.append(last + (missed + 1) * interval)


def followup_plan(
    ticket: Ticket,
    level1_raised_at: datetime | None,
    acknowledged: bool,
    policy: EscalationPolicy,
    calendar: Calendar,
    now: datetime,
    plan: Plan,
) -> None:
    """Level 2 when level 1 is not acknowledged in time, or the ticket stays unresolved."""
    if level1_raised_at is None:
        return
    unresolved = (
        timedelta(seconds=policy.level2_unresolved_rank1_seconds)
        if ticket.priority_rank == 1
        else business_day(calendar) * policy.level2_unresolved_other_business_days
    )
    timers = [(Reason.LEVEL1_UNRESOLVED, unresolved)]
    if not acknowledged:
        timers.append(
            (Reason.LEVEL1_UNACKNOWLEDGED, timedelta(seconds=policy.level2_unacknowledged_seconds))
        )
    for reason, budget in timers:
        due = whole_second(deadline(level1_raised_at, budget, calendar))
        if now >= due:
            plan.triggers.append(Trigger(Level.SECOND_LINE, reason))
        else:
            plan.upcoming.append(due)


def ticket_plan(
    ticket: Ticket,
    clocks: list[SlaClock],
    pauses: list[Pause],
    escalations: list[Escalation],
    policy: EscalationPolicy,
    calendar: Calendar,
    now: datetime,
) -> Plan:
    """Everything due for an open, running ticket; triggers already fired are left out."""
    plan = Plan()
    _clock_plan(ticket, clocks, pauses, policy, calendar, now, plan)
    _critical_plan(ticket, policy, now, plan)
    current = [e for e in escalations if e.clock_version == ticket.clock_version]
    first = min(
        (e for e in current if e.level == Level.FIRST_LINE and e.resolved_at is None),
        key=lambda e: e.raised_at,
        default=None,
    )
    followup_plan(
        ticket,
        first.raised_at if first else None,
        bool(first and first.acknowledged_at),
        policy,
        calendar,
        now,
        plan,
    )
    done = {(e.level, e.reason, e.occasion) for e in current}
    plan.triggers = [
        t for t in dict.fromkeys(plan.triggers) if (t.level, t.reason, t.occasion) not in done
    ]
    for escalation in escalations:
        if (
            escalation.level >= Level.FIRST_LINE
            and escalation.acknowledged_at is None
            and escalation.resolved_at is None
            and escalation.next_notify_at is not None
        ):
            if escalation.next_notify_at <= now:
                plan.reminders.append(escalation)
            else:
                plan.upcoming.append(escalation.next_notify_at)
    return plan
