"""Maintenance: is planned work inside the provider's window, and was it announced in time?

The window (SPEC AVL-10) opens on each of its weekdays at ``start`` local time and closes at
``end`` the same day, or the next day when ``end`` is at or before ``start`` (20:00-06:00).
Work is inside when ``[start, end)`` lies entirely within the union of those openings.

Notice (DECISIONS D22, A-44): work outside the window needs an announcement at least
``NOTICE_WORKING_DAYS`` working days ahead on the provider's calendar: counting the days after
the announcement's date up to and including the start date, at least five must be working days
(days the calendar opens; weekends and holidays do not count). Announcing on a Monday for the
next Monday is in time; on a Monday for the Saturday is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from availability.rules.intervals import Span, complement, overlap, seconds
from availability.rules.targets import NOTICE_WORKING_DAYS
from availability.rules.windows import is_working_day
from contracts.businesstime import Calendar

# Never walk further back than this looking for working days (a calendar that never opens).
_MAX_DAYS_BACK = 366


@dataclass(frozen=True)
class MaintenanceWindowSpec:
    weekdays: frozenset[int]  # Monday = 0
    start: time
    end: time
    tz: tzinfo


def window_openings(window: MaintenanceWindowSpec, first: date, last: date) -> list[Span]:
    """The window's openings that start on local dates ``first`` .. ``last``."""
    spans: list[Span] = []
    day = first
    while day <= last:
        if day.weekday() in window.weekdays:
            end_day = day + timedelta(days=1) if window.end <= window.start else day
            opening = seconds(datetime.combine(day, window.start, tzinfo=window.tz))
            closing = seconds(datetime.combine(end_day, window.end, tzinfo=window.tz))
            if opening < closing:
                spans.append((opening, closing))
        day += timedelta(days=1)
    return spans


def inside_window(start: datetime, end: datetime, window: MaintenanceWindowSpec) -> bool:
    """True when the whole of ``[start, end)`` falls within the window's openings."""
    span = (seconds(start), seconds(end))
    if span[0] >= span[1]:
        return False
    first = start.astimezone(window.tz).date() - timedelta(days=1)
    last = end.astimezone(window.tz).date()
    return overlap([span], window_openings(window, first, last)) == span[1] - span[0]


def outside_window(span: Span, window: MaintenanceWindowSpec) -> list[Span]:
    """The parts of ``span`` (epoch seconds) that lie outside the window's openings."""
    first = datetime.fromtimestamp(span[0], tz=window.tz).date() - timedelta(days=1)
    last = datetime.fromtimestamp(span[1], tz=window.tz).date()
    return complement(window_openings(window, first, last), span)


def notice_last_day(start: datetime, calendar: Calendar) -> date:
    """The last local date on which announcing work that starts at ``start`` is still in time."""
    day = start.astimezone(calendar.tz).date()
    counted = 0
    for _ in range(_MAX_DAYS_BACK):
        if is_working_day(day, calendar):
            counted += 1
            if counted == NOTICE_WORKING_DAYS:
                return day - timedelta(days=1)
        day -= timedelta(days=1)
    raise ValueError(f"calendar {calendar.code!r} has no working days before {start.isoformat()}")


def notice_in_time(*, announced_at: datetime, start: datetime, calendar: Calendar) -> bool:
    """True when an announcement at ``announced_at`` gives the required notice for ``start``."""
    if seconds(announced_at) >= seconds(start):
        return False
    return announced_at.astimezone(calendar.tz).date() <= notice_last_day(start, calendar)
