"""Review pack periods: a month, a quarter or a range of days, and the period before (REP-04)."""

from __future__ import annotations

from datetime import date

import pytest

from reports.periods import PeriodInvalid, period_of, period_parse


def test_a_month_runs_from_its_first_day_to_the_next_months():
    period = period_parse("2026-11")
    assert (period.start, period.end, period.kind) == (
        date(2026, 11, 1),
        date(2026, 12, 1),
        "month",
    )


def test_a_quarter_and_the_quarter_before_it():
    period = period_parse("2026-q1")
    previous = period.previous()
    assert (period.start, period.end) == (date(2026, 1, 1), date(2026, 4, 1))
    assert (previous.text, previous.start, previous.end) == (
        "2025-Q4",
        date(2025, 10, 1),
        period.start,
    )


def test_a_range_leaves_out_its_last_day_and_the_period_before_is_as_long():
    period = period_parse("2026-01-15..2026-03-01")
    previous = period.previous()
    assert period.last_day == date(2026, 2, 28)
    assert (previous.start, previous.end) == (date(2025, 12, 1), date(2026, 1, 15))  # 45 days


def test_whole_months_given_as_a_range_are_a_month_or_a_quarter():
    assert period_of(date(2026, 7, 1), date(2026, 10, 1)).text == "2026-Q3"
    assert period_of(date(2026, 7, 1), date(2026, 8, 1)).text == "2026-07"


@pytest.mark.parametrize(
    "text",
    ["2026-13", "2026-Q5", "november", "2026-03-01..2026-01-01", "2020-01-01..2026-01-01", ""],
)
def test_what_is_not_a_period_is_refused_with_a_reason(text):
    with pytest.raises(PeriodInvalid):
        period_parse(text)


def test_a_period_is_closed_once_its_last_day_has_passed():
    period = period_parse("2026-11")
    assert (period.is_closed(date(2026, 11, 30)), period.is_closed(date(2026, 12, 1))) == (
        False,
        True,
    )
