"""An engineer's running timer on a ticket (issue 14 §1): started on the work page, stopped
when the work is done, which registers the time as an entry through the same rules as one
typed in (time_entry_add). One timer per person (a unique row), so a second start is refused
rather than silently lost.

The stop is split in two so an interface can register the time through its own one recording
function (the usage app's, which also refreshes the billable lines): `time_timer_take` ends
the timer and says what to register; `usage.services.time.time_timer_stop` takes it and
registers the time with its billable lines in one go.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tickets.exceptions import InvalidTransition
from tickets.models import Status, Ticket, TimeTimer
from tickets.services.guards import requires_aware_now


@dataclass(frozen=True)
class TimerTaken:
    """What a stopped timer asks to register: its ticket, start and whole minutes (>= 1)."""

    ticket: Ticket
    started_at: datetime
    minutes: int


def timer_minutes(started_at: datetime, now: datetime) -> int:
    """Whole minutes since the start, rounded up, at least 1 (a started minute counts)."""
    return max(1, math.ceil((now - started_at).total_seconds() / 60))


@requires_aware_now
@transaction.atomic
def time_timer_start(*, ticket: Ticket, user: User, now: datetime) -> TimeTimer:
    status = Ticket.objects.filter(pk=ticket.pk).values_list("status", flat=True).get()
    if status in (Status.CLOSED, Status.CANCELLED):
        raise InvalidTransition(
            _("Ticket %(n)s is closed or cancelled; no timer can be started on it.")
            % {"n": ticket.number}
        )
    running = TimeTimer.objects.filter(user=user).select_related("ticket").first()
    if running is not None:
        raise InvalidTransition(
            _("Your timer is already running on ticket %(n)s; stop it first.")
            % {"n": running.ticket.number}
        )
    try:
        with transaction.atomic():
            return TimeTimer.objects.create(user=user, ticket=ticket, started_at=now)
    except IntegrityError as exc:  # a start at the same moment from another tab
        raise InvalidTransition(_("Your timer is already running; stop it first.")) from exc


@requires_aware_now
@transaction.atomic
def time_timer_take(*, user: User, now: datetime, ticket: Ticket | None = None) -> TimerTaken:
    """End the user's timer (on `ticket` when given) and say what to register. The caller
    registers it in the same transaction, so a refused registration keeps the timer running."""
    timer = TimeTimer.objects.select_for_update().filter(user=user).select_related("ticket")
    if ticket is not None:
        timer = timer.filter(ticket=ticket)
    found = timer.first()
    if found is None:
        raise InvalidTransition(_("You have no timer running on this ticket."))
    found.delete()
    return TimerTaken(
        ticket=found.ticket,
        started_at=found.started_at,
        minutes=timer_minutes(found.started_at, now),
    )


@transaction.atomic
def time_timer_discard(*, user: User) -> bool:
    """Throw the user's timer away without registering anything (a timer left running over a
    day cannot be registered as one entry; the time is then typed in by hand)."""
    deleted, _rows = TimeTimer.objects.filter(user=user).delete()
    return bool(deleted)
