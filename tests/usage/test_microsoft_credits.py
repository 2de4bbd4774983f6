"""The pure arithmetic of Microsoft entitlements (D20, A-28, CON-21, 22, 42, 54): table tests
with the seeds' numbers and hypothesis properties for the rounding."""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.businesstime import Calendar
from usage.credits import (
    cancellation_fee_max,
    change_is_chargeable,
    credits_for,
    days_to_request_deadline,
    ede_hours,
    ede_within_hours,
    exchange_credits,
    request_deadline,
    request_is_late,
)

AMS = ZoneInfo("Europe/Amsterdam")
# Liberation day 2026 (Tuesday 5 May) closed, as a holiday source would close it.
NL = Calendar(
    code="nl",
    tz=AMS,
    weekly=(((time(8, 0), time(18, 0)),),) * 5 + ((), ()),
    closed=frozenset({date(2026, 5, 5)}),
)


@pytest.mark.parametrize(
    ("rate", "quantity", "expected"),
    [
        ("2.5", 1, 3),
        ("2.49", 1, 2),
        ("2.51", 1, 3),
        ("0.5", 1, 1),
        ("0.49", 1, 0),
        ("1.25", 2, 3),  # 2.5 -> 3: the product is rounded, not each unit
        ("12", 3, 36),
    ],
)
def test_redemption_rounds_the_value_half_up_to_whole_credits(rate, quantity, expected):
    assert credits_for(Decimal(rate), quantity) == Decimal(expected)


@pytest.mark.parametrize(
    ("given_credits", "rate_from", "rate_to", "expected"),
    [
        ("10", "100", "100", 10),
        ("10", "100", "90", 12),  # 11.11 -> 12
        ("10", "90", "100", 9),  # 9.0 exactly stays 9
        ("7", "1.10", "1.00", 8),  # 7.7 -> 8
        ("3", "1", "3", 1),
    ],
)
def test_a_location_exchange_rounds_up(given_credits, rate_from, rate_to, expected):
    assert (
        exchange_credits(Decimal(given_credits), Decimal(rate_from), Decimal(rate_to)) == expected
    )


@pytest.mark.parametrize(
    ("end", "today", "days", "late"),
    [
        (date(2026, 11, 30), date(2026, 10, 1), 0, False),  # the deadline day is in time
        (date(2026, 11, 30), date(2026, 10, 2), -1, True),
        (date(2026, 11, 30), date(2026, 9, 1), 30, False),
    ],
)
def test_the_request_deadline_is_60_calendar_days_before_the_end(end, today, days, late):
    assert (request_deadline(end), days_to_request_deadline(end, today)) == (
        date(2026, 10, 1),
        days,
    )
    assert request_is_late(end, today) is late


@pytest.mark.parametrize(
    ("delivery", "today", "chargeable"),
    [
        (date(2026, 6, 15), date(2026, 6, 1), False),  # exactly 14 days: in time
        (date(2026, 6, 15), date(2026, 6, 2), True),  # 13 days
        (date(2026, 6, 15), date(2026, 6, 15), True),
    ],
)
def test_a_change_less_than_14_days_before_delivery_is_chargeable(delivery, today, chargeable):
    assert change_is_chargeable(delivery, today) is chargeable


def test_the_fee_is_at_most_the_full_price():
    assert cancellation_fee_max(Decimal("1250.00")) == Decimal("1250.00")


@pytest.mark.parametrize(
    ("minutes", "hours"), [(60, "1.00"), (90, "1.50"), (25, "0.42"), (1, "0.02"), (45, "0.75")]
)
def test_ede_hours_are_minutes_over_60_to_the_hundredth(minutes, hours):
    assert ede_hours(minutes) == Decimal(hours)


@pytest.mark.parametrize(
    ("start", "minutes", "inside"),
    [
        (datetime(2026, 5, 4, 9, 0, tzinfo=AMS), 510, True),  # 09:00-17:30 exactly
        (datetime(2026, 5, 4, 8, 59, tzinfo=AMS), 30, False),  # starts before 09:00
        (datetime(2026, 5, 4, 17, 0, tzinfo=AMS), 31, False),  # ends after 17:30
        (datetime(2026, 5, 5, 10, 0, tzinfo=AMS), 60, False),  # holiday
        (datetime(2026, 5, 9, 10, 0, tzinfo=AMS), 60, False),  # Saturday
        (datetime(2026, 5, 6, 10, 0, tzinfo=AMS), 60, True),
    ],
)
def test_ede_hours_are_09_to_17_30_on_business_days(start, minutes, inside):
    assert ede_within_hours(start, minutes, NL) is inside


_decimals = st.decimals(min_value="0.01", max_value="10000", places=2)


@given(
    given_credits=st.integers(min_value=1, max_value=100_000),
    rate_from=_decimals,
    rate_to=_decimals,
)
def test_property_an_exchange_never_loses_value_and_gains_less_than_one_unit(
    given_credits, rate_from, rate_to
):
    received = exchange_credits(Decimal(given_credits), rate_from, rate_to)
    given_value = Decimal(given_credits) * rate_from
    assert given_value <= received * rate_to < given_value + rate_to


@given(rate=st.decimals(min_value="0", max_value="1000", places=2), quantity=st.integers(1, 50))
def test_property_redemption_is_within_half_a_credit_of_the_value(rate, quantity):
    value = rate * quantity
    assert -Decimal("0.5") < credits_for(rate, quantity) - value <= Decimal("0.5")
