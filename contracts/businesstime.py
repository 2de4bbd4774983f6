"""Business-time arithmetic: pure, stdlib-only, exact to the microsecond (DECISIONS D1, D2).

Model. A :class:`Calendar` defines an *open set* of real instants: for every local date that is
not in ``closed``, each weekly ``(open, close)`` wall-clock interval of that weekday is mapped to
UTC and the resulting half-open intervals ``[open, close)`` are united. Every function here is a
statement about that set, counted in real (UTC) microseconds, so all results are exact integers
and DST changes are handled by construction:

* ``is_open(t)``: ``t`` lies in the set (opening time is open, closing time is not).
* ``elapsed(s, e)``: measure of the set within ``[s, e)``.
* ``deadline(s, b)``: the *earliest* instant ``t >= s`` with ``elapsed(s, t) == b``, except that
  ``b == 0`` yields ``next_open(s)``. "Earliest" means a budget that fills up exactly at closing
  time is due at closing time, not at the next opening (D2).

Conventions (documented decisions):

* Wall times are resolved with ``fold=0``: an ambiguous time (autumn fold) means its first
  occurrence; a nonexistent time (spring gap) is mapped by zoneinfo's normal rule (the offset in
  force before the transition, i.e. it lands after the gap). Intervals that thereby become empty
  are dropped, so an interval spanning a jump counts its real length (01:00-04:00 on the spring
  day is 2 h, on the autumn day 4 h).
* ``time(0, 0)`` as a *close* time means midnight at the end of the day (24:00).
* ``always_open`` calendars (24x7) measure plain elapsed real time and ignore ``weekly``/``closed``.
* Additivity: ``deadline(deadline(s, a), b) == deadline(s, a + b)`` for every ``a >= 0`` and every
  ``b > 0``. It can fail for ``b == 0`` when ``deadline(s, a)`` is a closing time, because a zero
  budget moves to the next opening.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

__all__ = [
    "Calendar",
    "NaiveDatetimeError",
    "deadline",
    "elapsed",
    "is_open",
    "next_open",
    "parse_duration",
]

Interval = tuple[time, time]
DayIntervals = tuple[tuple[int, int], ...]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US_PER_DAY = 86_400_000_000
_MIDNIGHT = time(0, 0)
# Guard against calendars that never open (all weekdays empty or everything closed): stop after
# ten years without a single opening instead of looping forever.
MAX_CLOSED_DAYS = 3660
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class NaiveDatetimeError(ValueError):
    """Raised when a naive datetime is passed where an aware one is required (D2)."""


def _minutes_key(value: time, *, is_close: bool) -> tuple[int, int, int, int]:
    """Sort key for a wall time; a close of 00:00 sorts as 24:00."""
    if is_close and value == _MIDNIGHT:
        return (24, 0, 0, 0)
    return (value.hour, value.minute, value.second, value.microsecond)


def _validate_day(day_name: str, intervals: tuple[Interval, ...]) -> None:
    """Check one weekday's intervals: times, open < close, sorted and non-overlapping."""
    previous_close: tuple[int, int, int, int] | None = None
    for interval in intervals:
        if len(interval) != 2 or not all(isinstance(t, time) for t in interval):
            raise ValueError(f"{day_name}: interval {interval!r} must be a (time, time) pair")
        opening, closing = interval
        if opening.tzinfo is not None or closing.tzinfo is not None:
            raise ValueError(f"{day_name}: interval {interval!r} must use naive wall times")
        open_key = _minutes_key(opening, is_close=False)
        close_key = _minutes_key(closing, is_close=True)
        if open_key >= close_key:
            raise ValueError(
                f"{day_name}: interval {opening}-{closing} is empty; open must be before close "
                "(use 00:00 as close for midnight)"
            )
        if previous_close is not None and open_key < previous_close:
            raise ValueError(f"{day_name}: intervals are unsorted or overlap at {opening}")
        previous_close = close_key


@dataclass(frozen=True)
class Calendar:
    """Time zone + weekly wall-clock opening intervals + closed dates (DECISIONS D1)."""

    code: str
    tz: ZoneInfo
    weekly: tuple[tuple[Interval, ...], ...]
    closed: Container[date] = field(default_factory=frozenset, hash=False)
    always_open: bool = False
    # Memo: date ordinal -> UTC microsecond intervals. Not part of identity (see D2 speed note).
    _day_cache: dict[int, DayIntervals] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def __post_init__(self) -> None:
        if not isinstance(self.tz, tzinfo):
            raise TypeError(f"calendar {self.code!r}: tz must be a ZoneInfo, got {self.tz!r}")
        try:
            weekly = tuple(tuple(tuple(pair) for pair in day) for day in self.weekly)
        except TypeError:
            raise ValueError(
                f"calendar {self.code!r}: weekly must be 7 tuples of (time, time) pairs"
            ) from None
        if len(weekly) != 7:
            raise ValueError(
                f"calendar {self.code!r}: weekly needs 7 entries (Monday first), got {len(weekly)}"
            )
        for day_name, intervals in zip(_WEEKDAYS, weekly, strict=True):
            _validate_day(f"calendar {self.code!r} {day_name}", intervals)  # type: ignore[arg-type]
        object.__setattr__(self, "weekly", weekly)

    def day_intervals(self, ordinal: int) -> DayIntervals:
        """UTC microsecond ``[start, end)`` intervals of the local date with this ordinal."""
        cached = self._day_cache.get(ordinal)
        if cached is None:
            cached = self._compute_day(ordinal)
            self._day_cache[ordinal] = cached
        return cached

    def _compute_day(self, ordinal: int) -> DayIntervals:
        day = date.fromordinal(ordinal)
        if day in self.closed:
            return ()
        next_day = date.fromordinal(ordinal + 1)
        spans: list[tuple[int, int]] = []
        for opening, closing in self.weekly[day.weekday()]:
            start = _to_us(datetime.combine(day, opening, tzinfo=self.tz))
            end_day = next_day if closing == _MIDNIGHT else day
            end = _to_us(datetime.combine(end_day, closing, tzinfo=self.tz))
            if end > start:  # intervals lying inside a DST gap vanish (fold=0 convention)
                spans.append((start, end))
        spans.sort()
        merged: list[tuple[int, int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return tuple(merged)


def _to_us(moment: datetime) -> int:
    """Exact UTC epoch microseconds of an aware datetime (integer arithmetic, no floats)."""
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _from_us(micros: int, tz: tzinfo) -> datetime:
    """Aware datetime in ``tz`` for UTC epoch microseconds."""
    return (_EPOCH + timedelta(microseconds=micros)).astimezone(tz)


def _require_aware(name: str, moment: datetime) -> tzinfo:
    """Return the tzinfo of ``moment`` or raise :class:`NaiveDatetimeError` (D2)."""
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(moment).__name__}")
    tz = moment.tzinfo
    if tz is None or tz.utcoffset(moment) is None:
        raise NaiveDatetimeError(
            f"{name} is a naive datetime ({moment.isoformat()}); "
            "an aware datetime (with tzinfo) is required"
        )
    return tz


def _start_ordinal(micros: int, calendar: Calendar) -> int:
    """Ordinal of the local date *before* the instant's local date.

    Starting one day early is cheap and keeps the walk correct even when a DST change near
    midnight makes the previous day's last interval end after the local date has changed.
    """
    local = _from_us(micros, calendar.tz)
    return local.toordinal() - 1


def _budget_us(budget: timedelta) -> int:
    if not isinstance(budget, timedelta):
        raise TypeError(f"budget must be a timedelta, got {type(budget).__name__}")
    if budget < timedelta(0):
        raise ValueError(f"budget must not be negative, got {budget}")
    return (budget.days * 86_400 + budget.seconds) * 1_000_000 + budget.microseconds


def _no_opening(calendar: Calendar) -> ValueError:
    return ValueError(
        f"calendar {calendar.code!r} has no opening within {MAX_CLOSED_DAYS} days; "
        "check its weekly intervals and closed dates"
    )


def is_open(moment: datetime, calendar: Calendar) -> bool:
    """True if ``moment`` lies in an opening interval (opening inclusive, closing exclusive)."""
    _require_aware("moment", moment)
    if calendar.always_open:
        return True
    micros = _to_us(moment)
    ordinal = _start_ordinal(micros, calendar)
    for day in (ordinal, ordinal + 1, ordinal + 2):
        for start, end in calendar.day_intervals(day):
            if start <= micros < end:
                return True
    return False


def _walk(micros: int, budget: int, calendar: Calendar) -> int:
    """Earliest instant at which ``budget`` open microseconds after ``micros`` are used up.

    With ``budget == 0`` this is the next opening instant (or ``micros`` itself when open).
    """
    ordinal = _start_ordinal(micros, calendar)
    cursor = micros
    remaining = budget
    empty_days = 0
    cache = calendar._day_cache  # hot loop: direct dict access (D2 speed target)
    while empty_days <= MAX_CLOSED_DAYS:
        intervals = cache.get(ordinal)
        if intervals is None:
            intervals = calendar.day_intervals(ordinal)
        ordinal += 1
        if not intervals:
            empty_days += 1
            continue
        empty_days = 0
        for start, end in intervals:
            if end <= cursor:
                continue
            cursor = max(cursor, start)
            available = end - cursor
            if remaining <= available:
                # "<=": a budget filling up exactly at closing time is due at closing (D2).
                return cursor + remaining
            remaining -= available
            cursor = end
    raise _no_opening(calendar)


def next_open(moment: datetime, calendar: Calendar) -> datetime:
    """``moment`` itself if open, else the start of the next opening, in ``moment``'s tzinfo."""
    tz = _require_aware("moment", moment)
    if calendar.always_open:
        return moment
    micros = _to_us(moment)
    result = _walk(micros, 0, calendar)
    return moment if result == micros else _from_us(result, tz)


def elapsed(start: datetime, end: datetime, calendar: Calendar) -> timedelta:
    """Business time between ``start`` and ``end`` (real seconds; ValueError if end < start)."""
    _require_aware("start", start)
    _require_aware("end", end)
    first, last = _to_us(start), _to_us(end)
    if last < first:
        raise ValueError(f"end ({end.isoformat()}) is before start ({start.isoformat()})")
    if calendar.always_open:
        return timedelta(microseconds=last - first)
    ordinal = _start_ordinal(first, calendar)
    last_ordinal = _start_ordinal(last, calendar) + 2
    total = 0
    while ordinal <= last_ordinal:
        for lo, hi in calendar.day_intervals(ordinal):
            lo = max(lo, first)
            hi = min(hi, last)
            if hi > lo:
                total += hi - lo
        ordinal += 1
    return timedelta(microseconds=total)


def deadline(start: datetime, budget: timedelta, calendar: Calendar) -> datetime:
    """Earliest instant at which ``budget`` business time after ``start`` is used up.

    ``budget == 0`` returns ``next_open(start)``. Negative budgets raise ValueError. The result
    is aware, in ``start``'s tzinfo. 24x7 calendars add real elapsed time (D2).
    """
    tz = _require_aware("start", start)
    micros = _budget_us(budget)
    begin = _to_us(start)
    if calendar.always_open:
        return _from_us(begin + micros, tz)
    return _from_us(_walk(begin, micros, calendar), tz)


_DURATION_RE = re.compile(r"(?:(?P<h>[0-9]+)h)?(?:(?P<m>[0-9]+)m)?(?:(?P<s>[0-9]+)s)?")
_SECONDS_RE = re.compile(r"[0-9]+")


def parse_duration(text: str) -> timedelta:
    """Parse ``"1h"``, ``"90m"``, ``"4h30m"``, ``"45s"``, ``"1h2m3s"`` or plain seconds."""
    cleaned = text.strip().lower()
    if _SECONDS_RE.fullmatch(cleaned):
        return timedelta(seconds=int(cleaned))
    match = _DURATION_RE.fullmatch(cleaned)
    if not cleaned or match is None:
        raise ValueError(
            f"invalid duration {text!r}: use h/m/s parts in that order such as '4h30m', "
            "'90m', '45s', or a plain number of seconds"
        )
    hours, minutes, seconds = (int(match.group(k) or 0) for k in ("h", "m", "s"))
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)
