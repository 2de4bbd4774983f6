"""Holiday sources and calendar construction from catalogue data (DECISIONS D1).

Wraps the pinned ``holidays`` package; no Django here so the catalogue, the CLI and tests can all
build :class:`contracts.businesstime.Calendar` objects from plain data.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from contracts.businesstime import Calendar

__all__ = [
    "HolidaySet",
    "build_calendar",
    "holiday_set",
    "holiday_source_problems",
    "parse_weekly",
]

# Names are compared in English so `remove_names` ("Good Friday") stays stable across countries.
_NAME_LANGUAGE = "en_US"
# Years scanned to check that every name in `remove_names` exists (catches typos that would
# otherwise silently keep a holiday). Fixed span: no dependency on today's date.
_NAME_CHECK_YEARS = range(2020, 2041)
EXTRA_CLOSURE_NAME = "Extra closure"
_DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _country_class(country: str) -> Any:
    """Return the ``holidays`` class for an ISO country code, or raise ValueError."""
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise ValueError(f"unknown holiday country {country!r}; use an ISO 3166 code such as 'NL'")
    return getattr(holidays, country)


def _language(cls: Any) -> str | None:
    languages = getattr(cls, "supported_languages", ())
    return _NAME_LANGUAGE if _NAME_LANGUAGE in languages else None


def _split_names(joined: str) -> list[str]:
    """``holidays`` joins several holidays on one date with "; "."""
    return [name for name in joined.split("; ") if name]


@functools.cache
def _all_names(
    country: str, subdivision: str | None, categories: tuple[str, ...]
) -> frozenset[str]:
    cls = _country_class(country)
    table = cls(
        subdiv=subdivision,
        years=_NAME_CHECK_YEARS,
        categories=categories,
        language=_language(cls),
    )
    return frozenset(name for joined in table.values() for name in _split_names(joined))


class HolidaySet:
    """Closed dates of a calendar: country holidays - removed names + extra closures - removals.

    Years are computed lazily on the first lookup and cached. Supports ``date in holiday_set``.
    """

    def __init__(
        self,
        country: str | None,
        subdivision: str | None = None,
        categories: tuple[str, ...] = ("public",),
        remove_names: tuple[str, ...] = (),
        extra_closures: frozenset[date] = frozenset(),
        removals: frozenset[date] = frozenset(),
    ) -> None:
        self.country = country
        self.subdivision = subdivision
        self.categories = tuple(categories)
        self.remove_names = tuple(remove_names)
        self.extra_closures = frozenset(extra_closures)
        self.removals = frozenset(removals)
        self._cls: Any = _country_class(country) if country is not None else None
        self._years: dict[int, dict[date, str]] = {}

    def _key(self) -> tuple[object, ...]:
        return (
            self.country,
            self.subdivision,
            self.categories,
            self.remove_names,
            self.extra_closures,
            self.removals,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, HolidaySet):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"HolidaySet(country={self.country!r}, subdivision={self.subdivision!r}, "
            f"categories={self.categories!r}, remove_names={self.remove_names!r}, "
            f"extra_closures={len(self.extra_closures)}, removals={len(self.removals)})"
        )

    def _country_year(self, year: int) -> dict[date, str]:
        """Country holidays of one year with ``remove_names`` taken out (cached)."""
        cached = self._years.get(year)
        if cached is not None:
            return cached
        result: dict[date, str] = {}
        if self._cls is not None:
            table = self._cls(
                subdiv=self.subdivision,
                years=year,
                categories=self.categories,
                language=_language(self._cls),
            )
            for day, joined in table.items():
                kept = [n for n in _split_names(joined) if n not in self.remove_names]
                if kept:
                    result[day] = "; ".join(kept)
        self._years[year] = result
        return result

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, date):
            return False
        if item in self.removals:  # explicit removals win over everything (D1)
            return False
        return item in self.extra_closures or item in self._country_year(item.year)

    def names(self, year: int) -> dict[date, str]:
        """Closed dates of ``year`` with a display name, sorted by date."""
        merged = dict(self._country_year(year))
        for day in self.extra_closures:
            if day.year == year:
                merged.setdefault(day, EXTRA_CLOSURE_NAME)
        return {day: merged[day] for day in sorted(merged) if day not in self.removals}

    def removed(self, year: int) -> dict[date, str]:
        """Removals of ``year`` that stay open, with the holiday they cancel ("" if none)."""
        closed = self._country_year(year)
        return {
            day: closed.get(day, EXTRA_CLOSURE_NAME if day in self.extra_closures else "")
            for day in sorted(self.removals)
            if day.year == year
        }


def holiday_source_problems(
    country: str,
    subdivision: str | None,
    categories: tuple[str, ...],
    remove_names: tuple[str, ...] = (),
) -> list[str]:
    """Every reason the holiday source is invalid: unknown country, subdivision, category or
    holiday name (D1). Empty when valid."""
    try:
        cls = _country_class(country)
    except ValueError as exc:
        return [str(exc)]
    problems = []
    subdivisions = tuple(getattr(cls, "subdivisions", ()))
    aliases = tuple(getattr(cls, "subdivisions_aliases", {}))
    if subdivision is not None and subdivision not in subdivisions + aliases:
        problems.append(
            f"unknown subdivision {subdivision!r} for {country}: use one of {subdivisions}"
        )
    supported = tuple(getattr(cls, "supported_categories", ("public",)))
    unknown = [c for c in categories if c not in supported]
    if unknown or not categories:
        problems.append(
            f"unknown holiday categories {unknown or categories!r} for {country}; "
            f"supported: {supported}"
        )
    if problems:
        return problems  # the name check needs a valid subdivision and categories
    missing = sorted(set(remove_names) - _all_names(country, subdivision, categories))
    if missing:
        problems.append(
            f"remove_names {missing!r} never occur in {country} holidays ({_NAME_LANGUAGE} names, "
            f"{_NAME_CHECK_YEARS.start}-{_NAME_CHECK_YEARS.stop - 1})"
        )
    return problems


def _check_options(
    country: str,
    subdivision: str | None,
    categories: tuple[str, ...],
    remove_names: tuple[str, ...],
) -> None:
    """Raise ValueError for an unknown subdivision, category or holiday name (D1)."""
    problems = holiday_source_problems(country, subdivision, categories, remove_names)
    if problems:
        raise ValueError("; ".join(problems))


def holiday_set(
    country: str | None,
    subdivision: str | None = None,
    categories: Iterable[str] = ("public",),
    remove_names: Iterable[str] = (),
    extra_closures: Iterable[date] = (),
    removals: Iterable[date] = (),
) -> HolidaySet:
    """Validated :class:`HolidaySet`; ValueError for unknown country, subdivision, category or name.

    ``country=None`` means no country holidays (only ``extra_closures``).
    """
    categories = tuple(categories)
    remove_names = tuple(remove_names)
    if country is None:
        if remove_names:
            raise ValueError("remove_names needs a holiday country")
        return HolidaySet(
            None, None, categories, (), frozenset(extra_closures), frozenset(removals)
        )
    _check_options(country, subdivision, categories, remove_names)
    return HolidaySet(
        country,
        subdivision,
        categories,
        remove_names,
        frozenset(extra_closures),
        frozenset(removals),
    )


def _parse_time(text: str | time, *, is_close: bool) -> time:
    """``"HH:MM"`` or ``"HH:MM:SS"``; ``"24:00"`` as a close time means end of day."""
    if isinstance(text, time):
        return text
    if is_close and text.strip() in ("24:00", "24:00:00"):
        return time(0, 0)  # businesstime: close 00:00 = midnight end of day
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"invalid opening time {text!r}: use 'HH:MM' (e.g. '08:30')") from None


def _day_index(key: str | int) -> int:
    if isinstance(key, int) and 0 <= key <= 6:
        return key
    if isinstance(key, str) and key.strip().lower()[:3] in _DAY_KEYS:
        return _DAY_KEYS.index(key.strip().lower()[:3])
    raise ValueError(f"unknown weekday {key!r}: use mon..sun or 0..6 (0 = Monday)")


def parse_weekly(
    weekly: Mapping[Any, Sequence[Sequence[str | time]]],
) -> tuple[tuple[tuple[time, time], ...], ...]:
    """``{"mon": [["08:30", "17:30"]], ...}`` -> 7-tuple (Monday first); missing days closed."""
    days: list[list[tuple[time, time]]] = [[] for _ in range(7)]
    for key, intervals in weekly.items():
        index = _day_index(key)
        for interval in intervals:
            if len(interval) != 2:
                raise ValueError(f"{key}: interval {interval!r} must be [open, close]")
            opening = _parse_time(interval[0], is_close=False)
            closing = _parse_time(interval[1], is_close=True)
            days[index].append((opening, closing))
    return tuple(tuple(day) for day in days)


def build_calendar(
    code: str,
    tz_name: str,
    weekly: Mapping[Any, Sequence[Sequence[str | time]]],
    holiday_source: Mapping[str, Any] | HolidaySet | None = None,
    always_open: bool = False,
) -> Calendar:
    """Build a :class:`Calendar` from catalogue data.

    ``holiday_source`` is a :class:`HolidaySet` or the keyword arguments of :func:`holiday_set`
    (``country``, ``subdivision``, ``categories``, ``remove_names``, ``extra_closures``,
    ``removals``); ``None`` means no closed dates.
    """
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(
            f"unknown time zone {tz_name!r}; use an IANA name such as 'Europe/Amsterdam'"
        ) from None
    if isinstance(holiday_source, HolidaySet):
        closed: HolidaySet | frozenset[date] = holiday_source
    elif holiday_source is None:
        closed = frozenset()
    else:
        closed = holiday_set(**holiday_source)
    return Calendar(
        code=code, tz=tz, weekly=parse_weekly(weekly), closed=closed, always_open=always_open
    )
