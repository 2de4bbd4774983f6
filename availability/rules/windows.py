"""A calendar month split into office-hours and outside-hours windows (DECISIONS D22, AVL-07).

The month runs from local midnight on its first day to local midnight on the next month's first
day in the calendar's zone, so October has one real hour more than 31 x 24 and March one less.
Office hours are the opening intervals of the provider's business calendar
(``contracts.businesstime``: weekly hours, holidays closed); the outside-hours window is the rest
of the month. A 24x7 calendar has the whole month as office hours and no outside window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from availability.rules.intervals import Span, clip, complement, merge, seconds
from contracts.businesstime import Calendar

_US = 1_000_000


def month_start(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def month_next(first: date) -> date:
    """The first day of the month after ``first``'s month."""
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def months_between(start: date, end: date) -> list[date]:
    """First days of the months that start in ``[month_start(start), end)``."""
    months: list[date] = []
    cursor = month_start(start)
    while cursor < end:
        months.append(cursor)
        cursor = month_next(cursor)
    return months


@dataclass(frozen=True)
class MonthWindows:
    """One month of one calendar: its bounds and both windows, in UTC epoch seconds."""

    month: date
    bounds: Span
    office: tuple[Span, ...]
    outside: tuple[Span, ...]


def month_bounds(month: date, calendar: Calendar) -> Span:
    """Local midnight of the month's first day to local midnight of the next month's."""
    first = month_start(month)
    start = datetime.combine(first, time(0), tzinfo=calendar.tz)
    end = datetime.combine(month_next(first), time(0), tzinfo=calendar.tz)
    return (seconds(start), seconds(end))


def month_windows(month: date, calendar: Calendar) -> MonthWindows:
    """The month split into the calendar's opening hours and the rest."""
    first = month_start(month)
    bounds = month_bounds(first, calendar)
    if calendar.always_open:
        return MonthWindows(month=first, bounds=bounds, office=(bounds,), outside=())
    spans: list[Span] = []
    # One day either side: an evening interval can cross local midnight into the month.
    for ordinal in range(first.toordinal() - 1, month_next(first).toordinal() + 1):
        spans.extend((lo // _US, hi // _US) for lo, hi in calendar.day_intervals(ordinal))
    office = merge(clip(spans, bounds))
    return MonthWindows(
        month=first,
        bounds=bounds,
        office=tuple(office),
        outside=tuple(complement(office, bounds)),
    )


def is_working_day(day: date, calendar: Calendar) -> bool:
    """A day the calendar is open at all (holidays and weekends are not)."""
    return calendar.always_open or bool(calendar.day_intervals(day.toordinal()))
