"""A calendar's closed days as people read them (issue #5 §2, issue #12 §2): the rest of this
year and the next, each holiday named in the reader's language where the holiday source has it.
The portal's contract page and the API's calendars both show these."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import holidays

from contracts.calendars import calendar_closed_days

if TYPE_CHECKING:
    from contracts.models import BusinessCalendar


@dataclass(frozen=True)
class ClosedDayShown:
    day: date
    name: str


@dataclass(frozen=True)
class ClosedDaysYear:
    year: int
    remaining_only: bool  # this year: only the days from today on
    days: list[ClosedDayShown]


def closed_days_ahead(row: BusinessCalendar, *, today: date, language: str) -> list[ClosedDaysYear]:
    """This year's remaining and next year's closed days on which the weekly hours would open,
    with each holiday's name in `language` where the holiday source has it."""
    years = []
    for year in (today.year, today.year + 1):
        days = [
            ClosedDayShown(c.day, _holiday_name(row, c.day, language) or c.reason)
            for c in calendar_closed_days(calendar_row_or_spec=row, year=year)
            if not c.is_open and c.day >= today
        ]
        years.append(ClosedDaysYear(year, year == today.year, days))
    return years


def _holiday_name(row: BusinessCalendar, day: date, language: str) -> str:
    if not row.holiday_country:
        return ""
    names = _holiday_names(
        row.holiday_country,
        row.holiday_subdivision or None,
        tuple(row.holiday_categories) or ("public",),
        day.year,
        language,
    )
    return names.get(day, "")


@functools.cache
def _holiday_names(
    country: str, subdivision: str | None, categories: tuple[str, ...], year: int, language: str
) -> dict[date, str]:
    """Holiday names of one year in the page's language; empty if the source has no such
    language (the caller then shows the catalogue's English name)."""
    try:
        cls = holidays.country_holidays(country, subdiv=subdivision).__class__
    except NotImplementedError:
        return {}
    supported = getattr(cls, "supported_languages", ())
    chosen = next((lang for lang in supported if lang.split("_")[0] == language), None)
    if chosen is None:
        return {}
    table = cls(subdiv=subdivision, years=year, categories=categories, language=chosen)
    return {day: name.replace("; ", ", ") for day, name in table.items()}
