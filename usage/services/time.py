"""Recording time: the ONE write path every interface uses (work page, API, timer stop).

The time entry, the ticket's billable lines and (for EDE on a Microsoft contract) the EDE hours
deduction are written in one transaction: a refused line or deduction writes no time either.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from tickets.models import Ticket, TimeEntry
from tickets.services.timers import time_timer_take
from tickets.services.work import time_entry_add, time_entry_billable_override
from usage.services.lines import ticket_lines_refresh
from usage.services.microsoft import ede_time_entry_deduct

EDE = "ede"


def _ede_deduct(entry: TimeEntry, ticket: Ticket, now: datetime) -> None:
    """THE call site of the EDE deduction (shared design): EDE entries on Microsoft work orders;
    a refusal refuses the entry too (same transaction)."""
    if entry.category != EDE or ticket.provider.code != "microsoft":
        return
    ede_time_entry_deduct(entry=entry, now=now)


@transaction.atomic
def time_entry_record(
    *,
    ticket: Ticket,
    user: User,
    started_at: datetime,
    minutes: int,
    category: str,
    note: str,
    now: datetime,
    distance_km: int | None = None,
) -> TimeEntry:
    """Register work on a ticket and bring its billable lines up to date."""
    entry = time_entry_add(
        ticket=ticket,
        user=user,
        started_at=started_at,
        minutes=minutes,
        category=category,
        note=note,
        now=now,
        distance_km=distance_km,
    )
    ticket_lines_refresh(ticket=ticket, now=now)
    _ede_deduct(entry, ticket, now)
    return entry


@transaction.atomic
def time_timer_stop(
    *,
    user: User,
    category: str,
    note: str,
    now: datetime,
    ticket: Ticket | None = None,
    distance_km: int | None = None,
) -> TimeEntry:
    """Stop the user's timer (on `ticket` when given) and register its time, rounded up to
    whole minutes, with the ticket's billable lines; a refusal writes nothing and the timer
    keeps running."""
    taken = time_timer_take(user=user, ticket=ticket, now=now)
    return time_entry_record(
        ticket=taken.ticket,
        user=user,
        started_at=taken.started_at,
        minutes=taken.minutes,
        category=category,
        note=note,
        distance_km=distance_km,
        now=now,
    )


@transaction.atomic
def time_entry_billable_decide(
    *, entry: TimeEntry, billable: bool | None, reason: str, by: User, now: datetime
) -> TimeEntry:
    """A coordinator's decision whether an entry is billed (tickets' rule: coordinators only, a
    reason), and the ticket's billable lines brought up to date with it, in one transaction."""
    entry = time_entry_billable_override(
        entry=entry, billable=billable, reason=reason, by=by, now=now
    )
    ticket_lines_refresh(ticket=entry.ticket, now=now)
    return entry
