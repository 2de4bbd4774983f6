"""Holiday sources and calendar construction (DECISIONS D1). Pins holidays==0.109 facts."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from contracts.businesstime import Calendar, is_open
from contracts.holidaysource import HolidaySet, build_calendar, holiday_set, parse_weekly

AMS = ZoneInfo("Europe/Amsterdam")
WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
ONS_SOURCE: dict[str, Any] = {
    "country": "NL",
    "categories": ("public", "optional"),
    "remove_names": ("Good Friday",),
}
ONITNOW = build_calendar(
    "onitnow", "Europe/Amsterdam", {d: [["08:30", "17:30"]] for d in WORKDAYS}, ONS_SOURCE
)
NL_DEFAULT = holiday_set("NL")

# The ONS list (SPEC 3.5), computed by hand: Jan 1, Easter Sunday + Monday, Koningsdag (Apr 27,
# Apr 26 when the 27th is a Sunday), Bevrijdingsdag May 5 every year, Ascension (Easter + 39),
# Pentecost Sunday + Monday, Dec 25, Dec 26. No Good Friday.
# Easter: 2025-04-20, 2026-04-05, 2027-03-28, 2028-04-16, 2029-04-01, 2030-04-21, 2031-04-13.
ONS_HOLIDAYS: dict[int, list[tuple[int, int]]] = {
    2025: [(1, 1), (4, 20), (4, 21), (4, 26), (5, 5), (5, 29), (6, 8), (6, 9), (12, 25), (12, 26)],
    2026: [(1, 1), (4, 5), (4, 6), (4, 27), (5, 5), (5, 14), (5, 24), (5, 25), (12, 25), (12, 26)],
    2027: [(1, 1), (3, 28), (3, 29), (4, 27), (5, 5), (5, 6), (5, 16), (5, 17), (12, 25), (12, 26)],
    2028: [(1, 1), (4, 16), (4, 17), (4, 27), (5, 5), (5, 25), (6, 4), (6, 5), (12, 25), (12, 26)],
    2029: [(1, 1), (4, 1), (4, 2), (4, 27), (5, 5), (5, 10), (5, 20), (5, 21), (12, 25), (12, 26)],
    2030: [(1, 1), (4, 21), (4, 22), (4, 27), (5, 5), (5, 30), (6, 9), (6, 10), (12, 25), (12, 26)],
    2031: [(1, 1), (4, 13), (4, 14), (4, 26), (5, 5), (5, 22), (6, 1), (6, 2), (12, 25), (12, 26)],
}
ONS_DATES = [date(year, m, d) for year, days in ONS_HOLIDAYS.items() for m, d in days]
GOOD_FRIDAYS = [
    date(2025, 4, 18),
    date(2026, 4, 3),
    date(2027, 3, 26),
    date(2028, 4, 14),
    date(2029, 3, 30),
    date(2030, 4, 19),
    date(2031, 4, 11),
]
BEVRIJDINGSDAGEN = [date(year, 5, 5) for year in range(2025, 2032)]


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=AMS)


@pytest.mark.parametrize("year", sorted(ONS_HOLIDAYS))
def test_onitnow_holidays_equal_the_ons_list(year: int) -> None:
    expected = {date(year, m, d) for m, d in ONS_HOLIDAYS[year]}
    assert set(ONITNOW.closed.names(year)) == expected


@pytest.mark.parametrize("day", ONS_DATES, ids=str)
def test_every_ons_holiday_is_closed_on_onitnow(day: date) -> None:
    assert (day in ONITNOW.closed, is_open(noon(day), ONITNOW)) == (True, False)


@pytest.mark.parametrize("day", BEVRIJDINGSDAGEN, ids=str)
def test_bevrijdingsdag_closed_every_year_on_onitnow(day: date) -> None:
    assert day in ONITNOW.closed


@pytest.mark.parametrize("day", GOOD_FRIDAYS, ids=str)
def test_good_friday_open_every_year_on_onitnow(day: date) -> None:
    assert is_open(noon(day), ONITNOW)


@pytest.mark.parametrize("year", [2025, 2031])
def test_koningsdag_moves_to_saturday_26_when_27_is_sunday(year: int) -> None:
    assert (date(year, 4, 26) in ONITNOW.closed, date(year, 4, 27) in ONITNOW.closed) == (
        True,
        False,
    )


@pytest.mark.parametrize(
    ("day", "closed"),
    [
        (date(2026, 4, 3), True),  # Good Friday is public in holidays.NL() 0.109
        (date(2026, 5, 5), False),  # Bevrijdingsdag public only in lustrum years
        (date(2025, 5, 5), True),
        (date(2030, 5, 5), True),
        (date(2026, 4, 27), True),
    ],
    ids=str,
)
def test_holidays_nl_default_categories(day: date, closed: bool) -> None:
    assert (day in NL_DEFAULT) is closed


def test_names_are_english_and_sorted() -> None:
    names = ONITNOW.closed.names(2026)
    assert (list(names) == sorted(names), names[date(2026, 5, 5)]) == (True, "Liberation Day")


def test_extra_closures_and_removals() -> None:
    source = holiday_set(
        "NL",
        extra_closures=[date(2026, 12, 24), date(2026, 12, 31)],
        removals=[date(2026, 12, 26), date(2026, 12, 31)],
    )
    assert [d in source for d in (date(2026, 12, 24), date(2026, 12, 26), date(2026, 12, 31))] == [
        True,
        False,
        False,
    ]


def test_names_include_extra_closures_and_drop_removals() -> None:
    source = holiday_set("NL", extra_closures=[date(2026, 12, 24)], removals=[date(2026, 12, 26)])
    names = source.names(2026)
    assert (names[date(2026, 12, 24)], date(2026, 12, 26) in names) == ("Extra closure", False)


def test_no_country_means_only_extra_closures() -> None:
    source = holiday_set(None, extra_closures=[date(2026, 6, 1)])
    assert (date(2026, 6, 1) in source, date(2026, 1, 1) in source) == (True, False)


def test_holiday_set_contains_only_dates() -> None:
    assert ("2026-01-01" in NL_DEFAULT, date(2026, 1, 1) in NL_DEFAULT) == (False, True)


def test_holiday_sets_with_equal_configuration_are_equal() -> None:
    assert (holiday_set(**ONS_SOURCE) == ONITNOW.closed, hash(holiday_set("NL"))) == (
        True,
        hash(NL_DEFAULT),
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"country": "XX"}, "unknown holiday country 'XX'"),
        ({"country": "NL", "categories": ("bogus",)}, "unknown holiday categories"),
        ({"country": "NL", "categories": ()}, "unknown holiday categories"),
        ({"country": "US", "subdivision": "ZZ"}, "unknown subdivision 'ZZ'"),
        ({"country": "NL", "remove_names": ("Good friday",)}, "never occur"),
        ({"country": None, "remove_names": ("Good Friday",)}, "needs a holiday country"),
    ],
)
def test_holiday_set_rejects_bad_configuration(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        holiday_set(**kwargs)


def test_us_subdivision_adds_state_holidays() -> None:
    # Massachusetts observes Patriots' Day (third Monday of April): 2026-04-20.
    assert (
        date(2026, 4, 20) in holiday_set("US", "MA"),
        date(2026, 4, 20) in holiday_set("US"),
    ) == (
        True,
        False,
    )


def test_build_calendar_parses_catalogue_data() -> None:
    calendar = build_calendar(
        "split",
        "Europe/Amsterdam",
        {"mon": [["08:00", "12:00"], ["13:00", "24:00"]], "Friday": [["09:00:30", "17:00"]], 6: []},
        HolidaySet("NL"),
    )
    assert (calendar.tz, calendar.weekly[0], calendar.weekly[4], calendar.weekly[1]) == (
        AMS,
        ((time(8), time(12)), (time(13), time(0))),
        ((time(9, 0, 30), time(17)),),
        (),
    )


def test_build_calendar_without_holidays_has_no_closed_dates() -> None:
    calendar = build_calendar("plain", "UTC", {"mon": [["09:00", "17:00"]]})
    assert date(2026, 1, 1) not in calendar.closed


def test_build_calendar_24x7() -> None:
    calendar = build_calendar("24x7", "Europe/Amsterdam", {}, always_open=True)
    assert (calendar.always_open, calendar.weekly) == (True, ((),) * 7)


@pytest.mark.parametrize(
    ("tz_name", "weekly", "message"),
    [
        ("Mars/Olympus_Mons", {}, "unknown time zone 'Mars/Olympus_Mons'"),
        ("", {}, "unknown time zone"),
        ("Europe/Amsterdam", {"funday": [["09:00", "17:00"]]}, "unknown weekday"),
        ("Europe/Amsterdam", {"mon": [["9am", "17:00"]]}, "invalid opening time '9am'"),
        ("Europe/Amsterdam", {"mon": [["09:00"]]}, "must be \\[open, close\\]"),
        ("Europe/Amsterdam", {"mon": [["17:00", "09:00"]]}, "empty"),
        ("Europe/Amsterdam", {"mon": [["08:00", "12:00"], ["11:00", "17:00"]]}, "overlap"),
    ],
)
def test_build_calendar_rejects_bad_data(
    tz_name: str, weekly: dict[str, list[list[str]]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        build_calendar("bad", tz_name, weekly)


def test_parse_weekly_fills_missing_days_with_closed() -> None:
    assert parse_weekly({"sun": [["10:00", "14:00"]]}) == ((),) * 6 + (((time(10), time(14)),),)


def test_build_calendar_returns_a_businesstime_calendar() -> None:
    assert isinstance(ONITNOW, Calendar)
