"""Microsoft entitlement arithmetic (DECISIONS D20; SPEC CON-20..28, CON-40..56, CON-60..70).

Pure: standard library and the pure business clock only, no Django, never calls now(). The
services in `usage.services.microsoft` read the rows, call these functions and write the ledger.

* Redemption (CON-41, A-28): a service's value in credits is rate x quantity, rounded to the
  nearest whole credit with ties going up (2.5 -> 3, 2.49 -> 2).
* Exchange between support locations (CON-42): credits_to = ceil(credits_from x rate_from /
  rate_to), in Decimal; a fractional result is always rounded up, so an exchange never loses
  value, and gains less than one unit of the receiving location.
* Cancellation or rescheduling less than 14 calendar days before the first delivery day
  (CON-22, A-29) may cost up to 100% of the price; at 14 days or more it is free.
* The request deadline (CON-21, A-30) is 60 calendar days before the end of the work order.
* EDE hours (CON-54) are worked 09:00-17:30 local time on business days only: the contract's
  calendar gives the time zone and the closed days (holidays), these hours the opening times.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from contracts.businesstime import Calendar, elapsed

# CON-70: each needs its own work order, invoiced locally; never a location of a multinational
# work order and never a side of an exchange between locations.
EXCEPTION_COUNTRIES = frozenset({"IN", "CN", "TW", "HK", "KR", "JP", "NZ", "MO", "AU"})
REQUEST_DEADLINE_DAYS = 60
CANCELLATION_FREE_DAYS = 14
CANCELLATION_FEE_SHARE = Decimal(1)  # up to 100% of the price (A-29: a coordinator decides)
EDE_OPEN = time(9, 0)
EDE_CLOSE = time(17, 30)
_WHOLE = Decimal(1)
_CENT = Decimal("0.01")


def credits_for(rate: Decimal, quantity: int = 1) -> Decimal:
    """Whole credits a redemption costs: rate x quantity rounded half up (A-28)."""
    if rate < 0 or quantity < 1:
        raise ValueError("the rate must not be negative and the quantity at least 1")
    return (rate * quantity).quantize(_WHOLE, rounding=ROUND_HALF_UP)


def exchange_credits(credits_from: Decimal, rate_from: Decimal, rate_to: Decimal) -> Decimal:
    """Credits the receiving location gets for `credits_from` of the giving one (CON-42)."""
    if credits_from <= 0 or rate_from <= 0 or rate_to <= 0:
        raise ValueError("credits and rates of an exchange must be positive")
    return (credits_from * rate_from / rate_to).quantize(_WHOLE, rounding=ROUND_CEILING)


def request_deadline(end: date) -> date:
    """The last day requests for proactive and extended services are in time (CON-21)."""
    return end - timedelta(days=REQUEST_DEADLINE_DAYS)


def days_to_request_deadline(end: date, today: date) -> int:
    """Calendar days left until the request deadline; negative once it has passed."""
    return (request_deadline(end) - today).days


def request_is_late(end: date, today: date) -> bool:
    return today > request_deadline(end)


def change_is_chargeable(first_delivery: date, today: date) -> bool:
    """A cancellation or rescheduling less than 14 calendar days before delivery (CON-22)."""
    return (first_delivery - today).days < CANCELLATION_FREE_DAYS


def cancellation_fee_max(price: Decimal) -> Decimal:
    return (price * CANCELLATION_FEE_SHARE).quantize(_CENT, rounding=ROUND_HALF_UP)


def ede_hours(minutes: int) -> Decimal:
    """EDE hours of a time entry: minutes / 60, to the hundredth, half up."""
    if minutes < 1:
        raise ValueError("minutes must be positive")
    return (Decimal(minutes) / 60).quantize(_CENT, rounding=ROUND_HALF_UP)


def ede_calendar(base: Calendar) -> Calendar:
    """EDE hours in `base`'s time zone with its closed days: weekdays 09:00-17:30 (CON-54)."""
    weekday = ((EDE_OPEN, EDE_CLOSE),)
    return Calendar(
        code=f"ede:{base.code}",
        tz=base.tz,
        weekly=(weekday,) * 5 + ((), ()),
        closed=base.closed,
    )


def ede_within_hours(started_at: datetime, minutes: int, calendar: Calendar) -> bool:
    """Whether the whole of [started_at, started_at + minutes) lies inside EDE hours."""
    span = timedelta(minutes=minutes)
    return elapsed(started_at, started_at + span, ede_calendar(calendar)) == span
