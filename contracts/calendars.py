"""Bridge from catalogue calendar data (file entries or BusinessCalendar rows) to the pure clock.

BusinessCalendar rows never change after loading (DECISIONS D3): an edit adds a revision row, so
the built Calendar, with its per-day cache, is kept per row for the life of the process.

A *spec* is a calendar in the shape of a catalogue file entry: ``code``, ``timezone``,
``always_open``, ``hours`` (``{"mon": [["08:30", "17:30"]], ...}``) and ``holidays``
(``country``, ``subdivision``, ``categories``, ``remove_names``, ``extra_closures``,
``removals``). The admin's revision form and preview work on specs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from itertools import pairwise
from typing import TYPE_CHECKING, Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _

from contracts.businesstime import Calendar
from contracts.holidaysource import (
    EXTRA_CLOSURE_NAME,
    HolidaySet,
    build_calendar,
    holiday_source_problems,
)

if TYPE_CHECKING:
    from contracts.models import BusinessCalendar

_BY_ROW: dict[int, Calendar] = {}


def _holiday_kwargs(
    country: str,
    subdivision: str,
    categories: list[str],
    remove_names: list[str],
    extra_closures: list[Any],
    removals: list[Any],
) -> dict[str, Any] | None:
    if not country and not extra_closures:
        return None
    return {
        "country": country or None,
        "subdivision": subdivision or None,
        "categories": tuple(categories) or ("public",),
        "remove_names": tuple(remove_names),
        "extra_closures": frozenset(_as_date(d) for d in extra_closures),
        "removals": frozenset(_as_date(d) for d in removals),
    }


def _as_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


def calendar_from_spec(item: dict[str, Any]) -> Calendar:
    """Build a Calendar from a catalogue file entry; ValueError with the reason if invalid."""
    holidays = item.get("holidays") or {}
    unknown = set(holidays) - {
        "country",
        "subdivision",
        "categories",
        "remove_names",
        "extra_closures",
        "removals",
    }
    if unknown:
        raise ValueError(f"unknown holiday keys {sorted(unknown)}")
    always_open = bool(item.get("always_open", False))
    if not always_open and not item.get("hours"):
        raise ValueError("'hours' is required unless always_open = true")
    return build_calendar(
        code=str(item.get("code")),
        tz_name=str(item.get("timezone")),
        weekly=item.get("hours", {}),
        holiday_source=_holiday_kwargs(
            holidays.get("country", ""),
            holidays.get("subdivision", ""),
            list(holidays.get("categories", [])),
            list(holidays.get("remove_names", [])),
            list(holidays.get("extra_closures", [])),
            list(holidays.get("removals", [])),
        ),
        always_open=always_open,
    )


def calendar_for(row: BusinessCalendar) -> Calendar:
    """The pure Calendar of a stored calendar row (cached: rows are immutable)."""
    calendar = _BY_ROW.get(row.pk)
    if calendar is None:
        calendar = build_calendar(
            code=row.code,
            tz_name=row.timezone,
            weekly=row.hours,
            holiday_source=_holiday_kwargs(
                row.holiday_country,
                row.holiday_subdivision,
                row.holiday_categories,
                row.holiday_remove_names,
                row.extra_closures,
                row.removals,
            ),
            always_open=row.always_open,
        )
        _BY_ROW[row.pk] = calendar
    return calendar


def calendar_by_pk(pk: int) -> Calendar:
    """`calendar_for` the row with this id, read only when not cached: a sweep of many
    tickets loads the tickets without their calendars' rows (and JSON columns)."""
    calendar = _BY_ROW.get(pk)
    if calendar is not None:
        return calendar
    from contracts.models import BusinessCalendar

    return calendar_for(BusinessCalendar.objects.get(pk=pk))


# --- specs: validation, normalisation and the closed-days preview (D1, D3) --------------------

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")
_DAY_SECONDS = 86_400


class ClosedDay(NamedTuple):
    """A day the weekly hours would open: closed all day (holiday, extra closure), or kept open
    by a removal (``is_open``)."""

    day: date
    reason: str
    is_open: bool = False


def _clock_seconds(text: Any, *, is_close: bool) -> int:
    """``"HH:MM"`` (or ``"HH:MM:SS"``) as seconds after midnight; ``"24:00"`` closes at midnight."""
    value = str(text).strip()
    if is_close and value in ("24:00", "24:00:00", "00:00", "00:00:00"):
        return _DAY_SECONDS
    match = _CLOCK.match(value)
    if match is None:
        raise ValueError(f"{value!r} is not a time; use HH:MM such as 08:30")
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + int(seconds or 0)


def _clock_text(seconds: int) -> str:
    if seconds == _DAY_SECONDS:
        return "24:00"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def hours_from_text(text: str) -> list[list[str]]:
    """``"08:30-12:00, 13:00-17:30"`` -> ``[["08:30", "12:00"], ["13:00", "17:30"]]``.

    Only the syntax is checked here (ValueError); order and overlap are
    :func:`calendar_spec_problems`' job, so every problem is reported at once."""
    intervals = []
    for part in re.split(r"[,;\n]", text):
        part = part.strip()
        if not part:
            continue
        pieces = [p.strip() for p in re.split(r"\s*[-–]\s*", part)]
        if len(pieces) != 2 or not all(pieces):
            raise ValueError(f"{part!r} is not an interval; write it as 08:30-17:30")
        intervals.append(pieces)
    return intervals


def hours_to_text(intervals: Iterable[Iterable[Any]]) -> str:
    return ", ".join("-".join(str(t) for t in interval) for interval in intervals)


def _day_index(key: Any) -> int | None:
    if isinstance(key, int) and 0 <= key <= 6:
        return key
    text = str(key).strip().lower()[:3]
    return DAY_KEYS.index(text) if text in DAY_KEYS else None


def _day_problems(name: str, intervals: Any) -> tuple[list[str], list[tuple[int, int]]]:
    problems: list[str] = []
    spans: list[tuple[int, int]] = []
    for interval in intervals:
        if not isinstance(interval, list | tuple) or len(interval) != 2:
            problems.append(f"{name}: {interval!r} must be a start and an end time")
            continue
        try:
            start = _clock_seconds(interval[0], is_close=False)
            end = _clock_seconds(interval[1], is_close=True)
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
            continue
        if start >= end:
            problems.append(
                f"{name}: {interval[0]}-{interval[1]}: the start must be before the end"
            )
            continue
        spans.append((start, end))
    spans.sort()
    for (start_a, end_a), (start_b, end_b) in pairwise(spans):
        if start_b < end_a:
            problems.append(
                f"{name}: {_clock_text(start_a)}-{_clock_text(end_a)} and "
                f"{_clock_text(start_b)}-{_clock_text(end_b)} overlap"
            )
    return problems, spans


def _hours_problems(hours: Any, *, always_open: bool) -> list[str]:
    if not isinstance(hours, Mapping):
        return ["opening hours must map weekdays (mon..sun) to intervals"]
    problems: list[str] = []
    for key, intervals in hours.items():
        index = _day_index(key)
        if index is None:
            problems.append(f"unknown weekday {key!r}: use mon..sun")
            continue
        problems += _day_problems(_DAY_NAMES[index], intervals)[0]
    if not always_open and not any(hours.values()):
        problems.append("no opening hours: enter the hours of at least one weekday")
    return problems


def _date_problems(label: str, values: Iterable[Any]) -> list[str]:
    problems = []
    for value in values:
        try:
            _as_date(value)
        except ValueError as exc:
            problems.append(f"{label}: {exc}")
    return problems


def _holiday_problems(holidays: Mapping[str, Any]) -> list[str]:
    country = holidays.get("country") or ""
    subdivision = holidays.get("subdivision") or None
    categories = tuple(holidays.get("categories") or ()) or ("public",)
    remove_names = tuple(holidays.get("remove_names") or ())
    problems: list[str] = []
    if country:
        problems += holiday_source_problems(country, subdivision, categories, remove_names)
    elif subdivision or remove_names:
        problems.append("a holiday subdivision or removed holiday names need a holiday country")
    extra = holidays.get("extra_closures") or []
    removals = holidays.get("removals") or []
    problems += _date_problems("extra closed dates", extra)
    problems += _date_problems("holiday dates that stay open", removals)
    if not problems:
        both = sorted({_as_date(d) for d in extra} & {_as_date(d) for d in removals})
        if both:
            listed = ", ".join(d.isoformat() for d in both)
            problems.append(f"{listed}: a date cannot be both an extra closure and stay open")
    return problems


def calendar_spec_problems(spec: Mapping[str, Any]) -> list[str]:
    """Every reason the spec is not a valid calendar (D1); empty when it is."""
    always_open = bool(spec.get("always_open", False))
    problems = _hours_problems(spec.get("hours") or {}, always_open=always_open)
    try:
        ZoneInfo(str(spec.get("timezone") or ""))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"unknown time zone {spec.get('timezone')!r}")
    problems += _holiday_problems(spec.get("holidays") or {})
    if not problems:
        try:  # the clock's own checks, should a rule above miss something
            calendar_from_spec(dict(spec))
        except ValueError as exc:
            problems.append(str(exc))
    return problems


def calendar_spec_normalized(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A valid spec in the stored form: intervals sorted as HH:MM text, dates unique and
    sorted ISO text, the country upper-case, ``public`` as the default category."""
    hours: dict[str, list[list[str]]] = {}
    for key, intervals in (spec.get("hours") or {}).items():
        index = _day_index(key)
        spans = _day_problems(_DAY_NAMES[index or 0], intervals)[1]
        if spans:
            hours[DAY_KEYS[index or 0]] = [[_clock_text(a), _clock_text(b)] for a, b in spans]
    holidays = spec.get("holidays") or {}
    country = str(holidays.get("country") or "").strip().upper()
    categories = list(holidays.get("categories") or ())
    return {
        **spec,
        "hours": {key: hours[key] for key in DAY_KEYS if key in hours},
        "holidays": {
            "country": country,
            "subdivision": str(holidays.get("subdivision") or "").strip() if country else "",
            "categories": (categories or ["public"]) if country else [],
            "remove_names": list(holidays.get("remove_names") or ()) if country else [],
            "extra_closures": _iso_dates(holidays.get("extra_closures") or ()),
            "removals": _iso_dates(holidays.get("removals") or ()),
        },
    }


def _iso_dates(values: Iterable[Any]) -> list[str]:
    return [d.isoformat() for d in sorted({_as_date(v) for v in values})]


def calendar_spec_of(row: BusinessCalendar) -> dict[str, Any]:
    """The spec of a stored calendar row (the starting point of a revision)."""
    return {
        "code": row.code,
        "name": row.name,
        "timezone": row.timezone,
        "always_open": row.always_open,
        "hours": dict(row.hours),
        "holidays": {
            "country": row.holiday_country,
            "subdivision": row.holiday_subdivision,
            "categories": list(row.holiday_categories),
            "remove_names": list(row.holiday_remove_names),
            "extra_closures": list(row.extra_closures),
            "removals": list(row.removals),
        },
    }


def calendar_closed_days(
    *, calendar_row_or_spec: BusinessCalendar | Mapping[str, Any], year: int
) -> list[ClosedDay]:
    """Days of `year` the weekly hours would open but the calendar is closed all day, with the
    reason (the holiday's name, or "extra closure"), plus the removals that keep a day open."""
    if isinstance(calendar_row_or_spec, Mapping):
        calendar = calendar_from_spec(dict(calendar_row_or_spec))
    else:
        calendar = calendar_for(calendar_row_or_spec)
    closed = calendar.closed
    if calendar.always_open or not isinstance(closed, HolidaySet):
        return []
    days = [
        ClosedDay(day, _("extra closure") if name == EXTRA_CLOSURE_NAME else name)
        for day, name in closed.names(year).items()
        if calendar.weekly[day.weekday()]
    ]
    for day, name in closed.removed(year).items():
        if calendar.weekly[day.weekday()]:
            shown = _("extra closure") if name == EXTRA_CLOSURE_NAME else name
            reason = _("stays open (%(name)s)") % {"name": shown} if name else _("stays open")
            days.append(ClosedDay(day, reason, is_open=True))
    return sorted(days)
