"""SLA clock arithmetic over the pause ledger (DECISIONS D5, D6). No database, no now()."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from contracts.businesstime import Calendar, deadline, elapsed

Pause = tuple[datetime, datetime | None]


def clock_due(
    *,
    start: datetime,
    budget: timedelta,
    pauses: Iterable[Pause],
    calendar: Calendar,
    until: datetime | None = None,
) -> datetime | None:
    """Due time of a clock started at `start`, skipping the paused stretches.

    Returns None while the clock is paused with budget left (an open pause). Pauses after
    `until` (the moment the clock stopped) are ignored: they cannot move a met/missed verdict.
    Paused time is never lost nor counted twice because each pause is clipped to the running
    part of the clock (D6).
    """
    remaining = budget
    cursor = start
    for pause_start, pause_end in sorted(pauses, key=lambda p: p[0]):
        if until is not None and pause_start >= until:
            break
        end = pause_end if until is None or (pause_end and pause_end < until) else until
        if end is not None and end <= cursor:
            continue
        begin = max(pause_start, cursor)
        due = deadline(cursor, remaining, calendar)
        if due <= begin:
            return due
        remaining -= elapsed(cursor, begin, calendar)
        if end is None:
            return None
        cursor = end
    return deadline(cursor, remaining, calendar)


def warning_due(
    *,
    start: datetime,
    budget_seconds: int,
    warning_percent: int,
    pauses: Iterable[Pause],
    calendar: Calendar,
) -> datetime | None:
    """When a clock becomes "at risk": the policy's warning share of its business-time budget
    has run, pauses skipped. The one definition of "at risk" (issue #11 §1), used by the portal,
    the queue (Ticket.at_risk_at) and the escalation warning."""
    budget = timedelta(seconds=budget_seconds * warning_percent // 100)
    return clock_due(start=start, budget=budget, pauses=pauses, calendar=calendar)


def running_time(
    *, start: datetime, end: datetime, pauses: Iterable[Pause], calendar: Calendar
) -> timedelta:
    """Business time the clock ran between start and end, pauses excluded."""
    total = elapsed(start, end, calendar) if end > start else timedelta(0)
    for pause_start, pause_end in pauses:
        begin = max(pause_start, start)
        finish = min(pause_end or end, end)
        if finish > begin:
            total -= elapsed(begin, finish, calendar)
    return total
