"""The escalation sweep: the database is the timer (issue #3 §2, DECISIONS D10).

Each open ticket carries `next_check_at`. The sweep picks the due ones with one indexed query
and checks each in its own transaction under a row lock taken with SKIP LOCKED, so two sweeps
never work on the same ticket; the unique constraint on escalations is the backstop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from contracts.businesstime import Calendar, deadline, is_open, next_open
from contracts.calendars import calendar_for
from contracts.models import ClockKind, EscalationPolicy
from escalation.models import Escalation, Level, Reason
from escalation.selectors import escalation_policy_for
from escalation.services.firing import (
    Trigger,
    csam_critical_notice,
    escalation_fire,
    reminders_send,
)
from tickets.models import OPEN_STATUSES, Metric, Status, Ticket
from tickets.services.clocks import ticket_pauses
from tickets.sla import clock_due


@dataclass
class SweepResult:
    checked: int = 0
    fired: int = 0


def notify_time(calendar: Calendar, now: datetime) -> datetime:
    """Nobody is paged outside business hours unless the ticket's target is 24x7 (D10)."""
    if calendar.always_open or is_open(now, calendar):
        return now
    return next_open(now, calendar)


def _business_day(calendar: Calendar) -> timedelta:
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


def _clock_triggers(
    ticket: Ticket, policy: EscalationPolicy, calendar: Calendar, now: datetime
) -> tuple[list[Trigger], list[datetime]]:
    """Warnings at 75 %, breaches, and the Top resolution breach (D10)."""
    triggers: list[Trigger] = []
    upcoming: list[datetime] = []
    pauses = ticket_pauses(ticket)
    target = ticket.sla_target
    for clock in ticket.clocks.all():
        if clock.stopped_at or clock.started_at is None or clock.due_at is None:
            continue
        if now >= clock.due_at:
            triggers.append(Trigger(Level.FIRST_LINE, f"{clock.metric}_breach"))
            if (
                clock.metric == Metric.RESOLUTION
                and target is not None
                and target.level in policy.level2_on_resolution_breach_levels
            ):
                triggers.append(Trigger(Level.SECOND_LINE, Reason.TOP_RESOLUTION_BREACH))
            continue
        budget = timedelta(seconds=clock.budget_seconds * policy.warning_percent // 100)
        warn_at = clock_due(start=clock.started_at, budget=budget, pauses=pauses, calendar=calendar)
        if warn_at is not None and now >= warn_at:
            triggers.append(Trigger(Level.WARNING, f"{clock.metric}_warning"))
        elif warn_at is not None:
            upcoming.append(warn_at)
        upcoming.append(clock.due_at)
    return triggers, upcoming


def _critical_triggers(
    ticket: Ticket, policy: EscalationPolicy, now: datetime
) -> tuple[list[Trigger], list[datetime]]:
    """Microsoft Critical: level 1 at once, the resource in time, status updates (D10)."""
    target = ticket.sla_target
    if target is None:
        return [], []
    triggers: list[Trigger] = []
    upcoming: list[datetime] = []
    if target.level in policy.level1_on_create_levels:
        triggers.append(Trigger(Level.FIRST_LINE, Reason.CRITICAL_CREATED))
    if target.critical_resource_seconds and ticket.critical_resource_assigned_at is None:
        due = ticket.created_at + timedelta(seconds=target.critical_resource_seconds)
        if now >= due:
            triggers.append(Trigger(Level.FIRST_LINE, Reason.CRITICAL_RESOURCE_MISSING))
        else:
            upcoming.append(due)
    interval = timedelta(seconds=policy.status_update_seconds)
    if target.rank == 1 and target.clock_kind == ClockKind.ALWAYS and interval:
        last = ticket.last_provider_update_at or ticket.created_at
        missed = (now - last) // interval
        if missed >= 1:
            occasion = (last + missed * interval).isoformat()
            triggers.append(Trigger(Level.WARNING, Reason.STATUS_UPDATE_MISSED, occasion))
        upcoming.append(last + (missed + 1) * interval)
    return triggers, upcoming


def _followup_triggers(
    ticket: Ticket, policy: EscalationPolicy, calendar: Calendar, now: datetime
) -> tuple[list[Trigger], list[datetime]]:
    """Level 2 when level 1 is not acknowledged in time, or the ticket stays unresolved."""
    first = (
        Escalation.objects.filter(ticket=ticket)
        .filter(
            level=Level.FIRST_LINE, clock_version=ticket.clock_version, resolved_at__isnull=True
        )
        .order_by("raised_at")
        .first()
    )
    if first is None:
        return [], []
    triggers: list[Trigger] = []
    upcoming: list[datetime] = []
    unresolved_budget = (
        timedelta(seconds=policy.level2_unresolved_rank1_seconds)
        if ticket.priority_rank == 1
        else _business_day(calendar) * policy.level2_unresolved_other_business_days
    )
    timers = [(Reason.LEVEL1_UNRESOLVED, unresolved_budget)]
    if first.acknowledged_at is None:
        timers.append(
            (Reason.LEVEL1_UNACKNOWLEDGED, timedelta(seconds=policy.level2_unacknowledged_seconds))
        )
    for reason, budget in timers:
        due = deadline(first.raised_at, budget, calendar)
        if now >= due:
            triggers.append(Trigger(Level.SECOND_LINE, reason))
        else:
            upcoming.append(due)
    return triggers, upcoming


def _close_escalations(ticket: Ticket, now: datetime) -> None:
    Escalation.objects.filter(ticket=ticket).filter(resolved_at__isnull=True).update(
        resolved_at=now, next_notify_at=None
    )


def ticket_escalation_check(*, ticket_id: int, now: datetime) -> list[Escalation]:
    """Check one ticket in its own transaction; returns the escalations fired now."""
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("sla_target", "calendar", "contract__package", "customer")
            .filter(pk=ticket_id, next_check_at__lte=now)
            .first()
        )
        if ticket is None:
            return []  # another sweep holds it, or it is no longer due
        if ticket.status not in OPEN_STATUSES:
            _close_escalations(ticket, now)
            ticket.next_check_at = None
            ticket.save(update_fields=["next_check_at"])
            return []
        if ticket.status == Status.WAITING_FOR_CUSTOMER or ticket.calendar is None:
            # Paused: the ball is with the customer; resuming sets next_check_at again (D6).
            ticket.next_check_at = None
            ticket.save(update_fields=["next_check_at"])
            return []
        return _check_open_ticket(ticket, now)


def _check_open_ticket(ticket: Ticket, now: datetime) -> list[Escalation]:
    policy = escalation_policy_for(ticket.contract)
    calendar = calendar_for(ticket.calendar)  # type: ignore[arg-type]
    send_after = notify_time(calendar, now)
    fired: list[Escalation] = []
    upcoming: list[datetime] = []
    for planner in (_clock_triggers, _followup_triggers):
        triggers, times = planner(ticket, policy, calendar, now)
        upcoming += times
        fired += [e for t in triggers if (e := escalation_fire(ticket, t, now, send_after))]
    triggers, times = _critical_triggers(ticket, policy, now)
    upcoming += times
    fired += [e for t in triggers if (e := escalation_fire(ticket, t, now, send_after))]
    if fired:
        # A level 1 fired just now starts the level-2 timers.
        upcoming += _followup_triggers(ticket, policy, calendar, now)[1]
    upcoming += reminders_send(ticket, policy, calendar, now, send_after)
    csam_critical_notice(ticket, now, send_after)
    ticket.next_check_at = min((t for t in upcoming if t > now), default=None)
    ticket.save(update_fields=["next_check_at"])
    return fired


def escalation_sweep(*, now: datetime, batch: int = 200) -> SweepResult:
    """Check every ticket whose check time has come; keyset paging over the partial index."""
    result = SweepResult()
    last: tuple[datetime, int] | None = None
    while True:
        due = Ticket.objects.filter(next_check_at__lte=now)
        if last is not None:
            due = due.filter(
                Q(next_check_at__gt=last[0]) | Q(next_check_at=last[0], pk__gt=last[1])
            )
        page = list(due.order_by("next_check_at", "pk").values_list("next_check_at", "pk")[:batch])
        for _, ticket_id in page:
            result.checked += 1
            result.fired += len(ticket_escalation_check(ticket_id=ticket_id, now=now))
        if len(page) < batch:
            return result
        last = (page[-1][0] or now, page[-1][1])
