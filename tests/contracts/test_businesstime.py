"""Business-time arithmetic (DECISIONS D1, D2). Pure: no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.businesstime import (
    Calendar,
    NaiveDatetimeError,
    deadline,
    elapsed,
    is_open,
    next_open,
    parse_duration,
)
from contracts.holidaysource import build_calendar

AMS = ZoneInfo("Europe/Amsterdam")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
H = timedelta(hours=1)


def workdays(opening: str, closing: str) -> dict[str, list[list[str]]]:
    return {day: [[opening, closing]] for day in WORKDAYS}


ONITNOW = build_calendar(
    "onitnow",
    "Europe/Amsterdam",
    workdays("08:30", "17:30"),
    {"country": "NL", "categories": ("public", "optional"), "remove_names": ("Good Friday",)},
)
WEBSITENAZORG = build_calendar(
    "websitenazorg", "Europe/Amsterdam", workdays("09:00", "17:00"), {"country": "NL"}
)
CBG = build_calendar("cbg", "Europe/Amsterdam", workdays("08:30", "17:00"), {"country": "NL"})
MICROSOFT_NL = build_calendar(
    "microsoft-nl", "Europe/Amsterdam", workdays("09:00", "17:30"), {"country": "NL"}
)
MICROSOFT_US = build_calendar(
    "microsoft-us", "America/New_York", workdays("09:00", "17:30"), {"country": "US"}
)
MICROSOFT_JP = build_calendar(
    "microsoft-jp", "Asia/Tokyo", workdays("09:00", "17:30"), {"country": "JP"}
)
ALWAYS = build_calendar("24x7", "Europe/Amsterdam", {}, None, always_open=True)
SPLIT = build_calendar(
    "split", "Europe/Amsterdam", {d: [["08:00", "12:00"], ["13:00", "17:00"]] for d in WORKDAYS}
)
# Sunday-night calendars whose intervals contain the Amsterdam DST jumps at 02:00/03:00.
NIGHT = build_calendar("night", "Europe/Amsterdam", {"sun": [["01:00", "04:00"]]})
JUMP_HOUR = build_calendar("jump-hour", "Europe/Amsterdam", {"sun": [["02:00", "03:00"]]})


def ams(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=AMS)


def utc(moment: datetime) -> datetime:
    """Compare instants, not wall times (same-tzinfo comparison ignores fold)."""
    return moment.astimezone(UTC)


# --- DECISIONS D2 worked examples (onITnow, Europe/Amsterdam) --------------------------------


@pytest.mark.parametrize(
    ("start", "budget", "due"),
    [
        (ams(2025, 12, 19, 17), 1 * H, ams(2025, 12, 22, 9)),  # Top response, Friday 17:00
        (ams(2025, 12, 24, 16), 9 * H, ams(2025, 12, 29, 16)),  # Hoog, over Christmas
        (ams(2026, 5, 4, 17), 1 * H, ams(2026, 5, 6, 9)),  # Top, Bevrijdingsdag closed
        (ams(2026, 4, 2, 17), 1 * H, ams(2026, 4, 3, 9)),  # Top, Good Friday open
        (ams(2026, 4, 30, 10), 90 * H, ams(2026, 5, 18, 10)),  # Laag resolution
    ],
)
def test_worked_examples_on_onitnow(start: datetime, budget: timedelta, due: datetime) -> None:
    assert deadline(start, budget, ONITNOW) == due


def test_onitnow_is_open_on_good_friday_2026_and_closed_on_bevrijdingsdag_2026() -> None:
    assert (is_open(ams(2026, 4, 3, 12), ONITNOW), is_open(ams(2026, 5, 5, 12), ONITNOW)) == (
        True,
        False,
    )


@pytest.mark.parametrize("calendar", [CBG, WEBSITENAZORG, MICROSOFT_NL], ids=lambda c: c.code)
@pytest.mark.parametrize(
    ("moment", "expected_open"),
    [
        (ams(2026, 4, 3, 12), False),  # Good Friday is public in holidays.NL() 0.109
        (ams(2026, 5, 5, 12), True),  # Bevrijdingsdag only when year % 5 == 0
        (ams(2025, 5, 5, 12), False),
        (ams(2030, 5, 6, 12), True),  # 2030-05-05 is a Sunday; Monday after is a workday
    ],
)
def test_holidays_nl_default_facts(
    calendar: Calendar, moment: datetime, expected_open: bool
) -> None:
    assert is_open(moment, calendar) is expected_open


def test_holidays_nl_default_closes_2030_05_05() -> None:
    assert ams(2030, 5, 5).date() in CBG.closed


# --- closing-time convention and starts outside business hours (D2) --------------------------


@pytest.mark.parametrize(
    ("start", "budget", "due"),
    [
        (ams(2026, 1, 5, 8, 30), 9 * H, ams(2026, 1, 5, 17, 30)),  # whole day
        (ams(2026, 1, 5, 16, 30), 1 * H, ams(2026, 1, 5, 17, 30)),
        (ams(2026, 1, 5, 17, 29, 59), timedelta(seconds=1), ams(2026, 1, 5, 17, 30)),
        (ams(2026, 1, 5, 17, 30), timedelta(seconds=1), ams(2026, 1, 6, 8, 30, 1)),
        (ams(2026, 1, 9, 8, 30), 9 * H, ams(2026, 1, 9, 17, 30)),  # Friday stays Friday
    ],
)
def test_budget_filling_up_at_closing_is_due_at_closing(
    start: datetime, budget: timedelta, due: datetime
) -> None:
    assert deadline(start, budget, ONITNOW) == due


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (ams(2025, 12, 25, 10), ams(2025, 12, 29, 9, 30)),  # holiday, then holiday + weekend
        (ams(2026, 1, 10, 10), ams(2026, 1, 12, 9, 30)),  # Saturday
        (ams(2026, 1, 11, 23, 59, 59), ams(2026, 1, 12, 9, 30)),  # Sunday night
        (ams(2026, 1, 12, 6), ams(2026, 1, 12, 9, 30)),  # before opening
        (ams(2026, 1, 12, 20), ams(2026, 1, 13, 9, 30)),  # after closing
        (ams(2026, 1, 12, 17, 30), ams(2026, 1, 13, 9, 30)),  # exactly at closing
    ],
)
def test_clock_started_outside_hours_counts_from_next_opening(
    start: datetime, due: datetime
) -> None:
    assert deadline(start, H, ONITNOW) == due


@pytest.mark.parametrize(
    ("start", "budget", "due"),
    [
        (ams(2026, 1, 5, 8), 4 * H, ams(2026, 1, 5, 12)),  # fills up at the lunch close
        (ams(2026, 1, 5, 8), 4 * H + timedelta(minutes=1), ams(2026, 1, 5, 13, 1)),
        (ams(2026, 1, 5, 12, 30), H, ams(2026, 1, 5, 14)),  # started during lunch
        (ams(2026, 1, 5, 11, 30), 5 * H, ams(2026, 1, 6, 8, 30)),
    ],
)
def test_several_intervals_per_day(start: datetime, budget: timedelta, due: datetime) -> None:
    assert deadline(start, budget, SPLIT) == due


def test_elapsed_skips_the_gap_between_intervals() -> None:
    assert elapsed(ams(2026, 1, 5, 0), ams(2026, 1, 6, 0), SPLIT) == 8 * H


def test_elapsed_counts_business_time_only() -> None:
    assert elapsed(ams(2025, 12, 24, 16), ams(2025, 12, 29, 16), ONITNOW) == 9 * H


def test_elapsed_is_second_precise() -> None:
    assert elapsed(ams(2026, 1, 5, 17, 29, 1), ams(2026, 1, 6, 8, 30, 2), ONITNOW) == timedelta(
        seconds=61
    )


# --- DST (D2): Amsterdam 2026-03-29 02:00 -> 03:00 and 2026-10-25 03:00 -> 02:00 -----------


@pytest.mark.parametrize(
    ("calendar", "day", "expected"),
    [
        (NIGHT, date(2026, 3, 29), 2 * H),  # 01:00-04:00 loses the skipped hour
        (NIGHT, date(2026, 10, 25), 4 * H),  # 01:00-04:00 gains the repeated hour
        (JUMP_HOUR, date(2026, 3, 29), timedelta(0)),  # 02:00-03:00 does not exist
        (JUMP_HOUR, date(2026, 10, 25), 2 * H),  # first 02:00 (fold=0) to 03:00 CET
        (ALWAYS, date(2026, 3, 29), 23 * H),
        (ALWAYS, date(2026, 10, 25), 25 * H),
    ],
)
def test_dst_days_count_real_seconds(calendar: Calendar, day: date, expected: timedelta) -> None:
    start = datetime.combine(day, time(0), tzinfo=AMS)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=AMS)
    assert elapsed(start, end, calendar) == expected


@pytest.mark.parametrize(
    ("start", "due_utc"),
    [
        (ams(2026, 3, 29, 0), datetime(2026, 3, 29, 3, tzinfo=UTC)),  # 05:00 CEST
        (ams(2026, 10, 25, 0), datetime(2026, 10, 25, 2, tzinfo=UTC)),  # 03:00 CET
    ],
)
def test_24x7_four_hours_across_dst_is_four_real_hours(start: datetime, due_utc: datetime) -> None:
    due = deadline(start, 4 * H, ALWAYS)
    assert (utc(due), utc(due) - utc(start), elapsed(start, due, ALWAYS)) == (due_utc, 4 * H, 4 * H)


def test_interval_containing_repeated_hour_ends_in_the_second_occurrence() -> None:
    due = deadline(ams(2026, 10, 25, 2), timedelta(minutes=90), JUMP_HOUR)
    assert (utc(due), due.fold, is_open(due.replace(minute=29), JUMP_HOUR)) == (
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        1,
        True,
    )


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (ams(2026, 3, 27, 17), ams(2026, 3, 30, 9)),  # CET Friday -> CEST Monday
        (ams(2026, 10, 23, 17), ams(2026, 10, 26, 9)),  # CEST Friday -> CET Monday
    ],
)
def test_business_calendar_across_dst_weekend_keeps_wall_clock_hours(
    start: datetime, due: datetime
) -> None:
    assert (deadline(start, H, ONITNOW), elapsed(start, due, ONITNOW)) == (due, H)


# --- other zones ----------------------------------------------------------------------------


def test_microsoft_us_skips_observed_independence_day() -> None:
    start = datetime(2026, 7, 2, 17, tzinfo=NEW_YORK)
    assert deadline(start, H, MICROSOFT_US) == datetime(2026, 7, 6, 9, 30, tzinfo=NEW_YORK)


def test_microsoft_jp_skips_golden_week() -> None:
    start = datetime(2026, 5, 1, 17, tzinfo=TOKYO)
    assert deadline(start, H, MICROSOFT_JP) == datetime(2026, 5, 7, 9, 30, tzinfo=TOKYO)


def test_result_is_in_the_input_tzinfo() -> None:
    start = datetime(2026, 5, 1, 8, tzinfo=UTC)  # 17:00 in Tokyo
    due = deadline(start, H, MICROSOFT_JP)
    assert (due.tzinfo, due) == (UTC, datetime(2026, 5, 7, 0, 30, tzinfo=UTC))


def test_us_calendar_uses_new_york_wall_clock_across_its_dst_change() -> None:
    start = datetime(2026, 3, 6, 17, tzinfo=NEW_YORK)  # EST Friday; DST starts 2026-03-08
    assert utc(deadline(start, H, MICROSOFT_US)) == datetime(2026, 3, 9, 13, 30, tzinfo=UTC)


# --- next_open, zero budget -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (ams(2026, 1, 5, 10), ams(2026, 1, 5, 10)),
        (ams(2026, 1, 5, 8, 30), ams(2026, 1, 5, 8, 30)),
        (ams(2026, 1, 5, 17, 30), ams(2026, 1, 6, 8, 30)),
        (ams(2026, 5, 4, 18), ams(2026, 5, 6, 8, 30)),
    ],
)
def test_next_open(moment: datetime, expected: datetime) -> None:
    assert next_open(moment, ONITNOW) == expected


@pytest.mark.parametrize(
    "moment", [ams(2026, 1, 5, 10), ams(2026, 1, 5, 17, 30), ams(2026, 1, 10, 3)]
)
def test_zero_budget_is_next_open(moment: datetime) -> None:
    assert deadline(moment, timedelta(0), ONITNOW) == next_open(moment, ONITNOW)


def test_zero_budget_breaks_additivity_only_at_closing_time() -> None:
    at_close = deadline(ams(2026, 1, 5, 8, 30), 9 * H, ONITNOW)
    assert (at_close, deadline(at_close, timedelta(0), ONITNOW)) == (
        ams(2026, 1, 5, 17, 30),
        ams(2026, 1, 6, 8, 30),
    )


def test_is_open_boundaries() -> None:
    flags = [
        is_open(ams(2026, 1, 5, *hm), ONITNOW) for hm in ((8, 29), (8, 30), (17, 29), (17, 30))
    ]
    assert flags == [False, True, True, False]


def test_24x7_is_always_open() -> None:
    moment = ams(2026, 12, 25, 3)
    assert (is_open(moment, ALWAYS), next_open(moment, ALWAYS)) == (True, moment)


# --- input validation ------------------------------------------------------------------------

NAIVE = datetime(2026, 1, 5, 10)
AWARE = ams(2026, 1, 5, 10)


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: is_open(NAIVE, ONITNOW), "moment"),
        (lambda: next_open(NAIVE, ONITNOW), "moment"),
        (lambda: elapsed(NAIVE, AWARE, ONITNOW), "start"),
        (lambda: elapsed(AWARE, NAIVE, ONITNOW), "end"),
        (lambda: deadline(NAIVE, H, ONITNOW), "start"),
        (lambda: deadline(NAIVE, H, ALWAYS), "start"),
    ],
)
def test_naive_datetimes_are_rejected(call: object, argument: str) -> None:
    with pytest.raises(NaiveDatetimeError, match=rf"^{argument} is a naive .*aware datetime"):
        call()


def test_naive_datetime_error_is_a_value_error() -> None:
    assert issubclass(NaiveDatetimeError, ValueError)


@pytest.mark.parametrize("calendar", [ONITNOW, ALWAYS], ids=lambda c: c.code)
def test_negative_budget_is_rejected(calendar: Calendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        deadline(AWARE, -timedelta(seconds=1), calendar)


@pytest.mark.parametrize("calendar", [ONITNOW, ALWAYS], ids=lambda c: c.code)
def test_elapsed_rejects_end_before_start(calendar: Calendar) -> None:
    with pytest.raises(ValueError, match="before start"):
        elapsed(AWARE, AWARE - timedelta(seconds=1), calendar)


OPEN = time(9)
CLOSE = time(17)


@pytest.mark.parametrize(
    ("weekly", "message"),
    [
        (((),) * 6, "7 entries"),
        ((((CLOSE, OPEN),),) + ((),) * 6, "empty"),
        ((((OPEN, OPEN),),) + ((),) * 6, "empty"),
        (((CLOSE, OPEN),) + ((),) * 6, "pairs"),
        ((((OPEN, CLOSE), (time(12), time(18))),) + ((),) * 6, "overlap"),
        ((((time(13), CLOSE), (OPEN, time(12))),) + ((),) * 6, "unsorted"),
        ((((OPEN,),),) + ((),) * 6, "pair"),
    ],
)
def test_invalid_weekly_intervals_are_rejected(weekly: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Calendar("bad", AMS, weekly)


def test_touching_intervals_and_midnight_close_are_valid() -> None:
    weekly = (((time(0), time(12)), (time(12), time(0))),) + ((),) * 6
    calendar = Calendar("monday", AMS, weekly)
    assert elapsed(ams(2026, 1, 5), ams(2026, 1, 7), calendar) == 24 * H


def test_calendar_that_never_opens_raises_instead_of_looping() -> None:
    never = Calendar("never", AMS, ((),) * 7)
    with pytest.raises(ValueError, match="no opening"):
        deadline(AWARE, H, never)


def test_calendar_equality_ignores_the_cache() -> None:
    twin = build_calendar(
        "split", "Europe/Amsterdam", {d: [["08:00", "12:00"], ["13:00", "17:00"]] for d in WORKDAYS}
    )
    assert (twin == SPLIT, hash(twin) == hash(SPLIT)) == (True, True)


# --- parse_duration (CLI) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1h", H),
        ("90m", timedelta(minutes=90)),
        ("4h30m", timedelta(hours=4, minutes=30)),
        ("45s", timedelta(seconds=45)),
        ("1h2m3s", timedelta(hours=1, minutes=2, seconds=3)),
        ("3600", H),
        (" 2H ", 2 * H),
        ("0", timedelta(0)),
    ],
)
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "2d", "1.5h", "-1h", "30m1h", "h", "1 h", "abc", "²"])
def test_parse_duration_rejects_garbage(text: str) -> None:
    with pytest.raises(ValueError, match="invalid duration"):
        parse_duration(text)


# --- properties ------------------------------------------------------------------------------

ZONES = ("Europe/Amsterdam", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC")
PATTERNS: dict[str, dict[str, list[list[str]]]] = {
    "office": workdays("08:30", "17:30"),
    "split": {d: [["08:00", "12:00"], ["13:00", "17:00"]] for d in WORKDAYS},
    # Nightly intervals around 02:00 hit every DST jump of these zones (Lord_Howe: 30 min).
    "night": {d: [["00:00", "03:00"], ["22:00", "24:00"]] for d in (*WORKDAYS, "sat", "sun")},
    "weekend": {"sat": [["01:30", "02:30"]], "sun": [["00:00", "24:00"]]},
}
CLOSED = {"extra_closures": [date(2026, 1, 5), date(2026, 3, 29), date(2026, 10, 5)]}
PROPERTY_CALENDARS = [
    build_calendar(f"{name}@{zone}", zone, weekly, {"country": None, **CLOSED})
    for zone in ZONES
    for name, weekly in PATTERNS.items()
] + [build_calendar(f"24x7@{zone}", zone, {}, None, always_open=True) for zone in ZONES]

calendars = st.sampled_from(PROPERTY_CALENDARS)
instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2031, 12, 31), timezones=st.just(UTC)
)
budgets = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=120))
positive_budgets = st.timedeltas(
    min_value=timedelta(microseconds=1), max_value=timedelta(hours=120)
)
PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def local(calendar: Calendar, moment: datetime) -> datetime:
    return moment.astimezone(calendar.tz)


@PROPERTY_SETTINGS
@given(calendars, instants, budgets)
def test_property_elapsed_until_deadline_is_the_budget(
    calendar: Calendar, moment: datetime, budget: timedelta
) -> None:
    start = local(calendar, moment)
    assert elapsed(start, deadline(start, budget, calendar), calendar) == budget


@PROPERTY_SETTINGS
@given(calendars, instants, positive_budgets)
def test_property_deadline_is_the_earliest_instant(
    calendar: Calendar, moment: datetime, budget: timedelta
) -> None:
    start = local(calendar, moment)
    just_before = deadline(start, budget, calendar) - timedelta(microseconds=1)
    assert elapsed(start, just_before, calendar) < budget


@PROPERTY_SETTINGS
@given(calendars, instants, budgets, positive_budgets)
def test_property_deadline_is_additive_for_positive_second_budget(
    calendar: Calendar, moment: datetime, first: timedelta, second: timedelta
) -> None:
    """deadline(deadline(s, a), b) == deadline(s, a + b) for all a >= 0 and b > 0."""
    start = local(calendar, moment)
    chained = deadline(deadline(start, first, calendar), second, calendar)
    assert utc(chained) == utc(deadline(start, first + second, calendar))


@PROPERTY_SETTINGS
@given(calendars, st.lists(instants, min_size=3, max_size=3))
def test_property_elapsed_is_additive(calendar: Calendar, moments: list[datetime]) -> None:
    a, b, c = (local(calendar, m) for m in sorted(moments))
    assert elapsed(a, c, calendar) == elapsed(a, b, calendar) + elapsed(b, c, calendar)


@PROPERTY_SETTINGS
@given(calendars, instants, st.lists(budgets, min_size=2, max_size=2))
def test_property_deadline_is_monotone_in_budget(
    calendar: Calendar, moment: datetime, pair: list[timedelta]
) -> None:
    small, large = sorted(pair)
    start = local(calendar, moment)
    assert utc(deadline(start, small, calendar)) <= utc(deadline(start, large, calendar))


@PROPERTY_SETTINGS
@given(calendars, st.lists(instants, min_size=2, max_size=2), budgets)
def test_property_deadline_is_monotone_in_start(
    calendar: Calendar, moments: list[datetime], budget: timedelta
) -> None:
    early, late = (local(calendar, m) for m in sorted(moments))
    assert utc(deadline(early, budget, calendar)) <= utc(deadline(late, budget, calendar))


@PROPERTY_SETTINGS
@given(calendars, instants)
def test_property_next_open_is_open_and_skips_no_business_time(
    calendar: Calendar, moment: datetime
) -> None:
    start = local(calendar, moment)
    opening = next_open(start, calendar)
    assert (is_open(opening, calendar), elapsed(start, opening, calendar)) == (True, timedelta(0))


@PROPERTY_SETTINGS
@given(calendars, instants, budgets)
def test_property_deadline_is_aware_in_the_input_tzinfo(
    calendar: Calendar, moment: datetime, budget: timedelta
) -> None:
    start = local(calendar, moment)
    assert deadline(start, budget, calendar).tzinfo is start.tzinfo
