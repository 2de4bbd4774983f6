"""Bridge from catalogue calendar data (file entries or BusinessCalendar rows) to the pure clock.

BusinessCalendar rows never change after loading (DECISIONS D3), so the built Calendar, with its
per-day cache, is kept per row for the life of the process.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from contracts.businesstime import Calendar
from contracts.holidaysource import build_calendar

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
