"""CBG Connect's billing rules (SPEC BIL-01..11, D19, A-16, A-17, A-50): PURE functions, no
Django. Every number (limits, minimum, rounding, travel factor) comes in from the catalogue's
package rows; every rate from the contract's quote.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from usage.rules.blocks import WorkItem, work_blocks

CENT = Decimal("0.01")
OVER_LIMIT = "over_limit"


def money(value: Decimal) -> Decimal:
    """Half up to the cent (an invoice's amounts)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _not_negative(name: str, value: int | Decimal) -> None:
    if value < 0:
        raise ValueError(f"{name} may not be negative: {value}")


def standaard_billable_minutes(minutes: int, *, minimum: int, increment: int) -> int:
    """BIL-05, A-17, D19: per job (= ticket) at least `minimum`, rounded up to `increment`.
    No work, nothing billed."""
    _not_negative("minutes", minutes)
    if minutes == 0:
        return 0
    rounded = -(-minutes // increment) * increment if increment > 0 else minutes
    return max(minimum, rounded)


def job_is_over_limit(
    items: Sequence[WorkItem], *, limit: int, marked_over_limit: bool = False
) -> bool:
    """BIL-03/04: a job is outside the subscription when one of its contiguous blocks runs over
    the tier limit, or the engineer judged it over the limit up front (category over_limit)."""
    if marked_over_limit or any(item.category == OVER_LIMIT for item in items):
        return True
    return any(block.minutes > limit for block in work_blocks(items))


def over_limit_billable_minutes(total: int, *, limit: int, over: bool) -> int:
    """BIL-04: one allowance per job, whatever the licence count: total − limit, never negative."""
    _not_negative("minutes", total)
    return max(0, total - limit) if over else 0


def allowance_split(items: Iterable[WorkItem], *, allowance: int) -> list[tuple[WorkItem, int]]:
    """The billable minutes of each item when the first `allowance` minutes of the job (in order
    of work) are in the subscription: the allowance is used up by the earliest work."""
    left = allowance
    split = []
    for item in sorted(items, key=lambda i: (i.started_at, i.entry_id)):
        free = min(left, item.minutes)
        left -= free
        split.append((item, item.minutes - free))
    return split


def travel_rate(*, km_rate: Decimal, factor: Decimal) -> Decimal:
    """BIL-06: the per-km rate after the tier's factor (1.0 Standaard, 0.5 Basis, 0 Extra)."""
    _not_negative("km rate", km_rate)
    _not_negative("travel factor", factor)
    return km_rate * factor


def travel_amount(km_one_way: int, *, km_rate: Decimal, factor: Decimal) -> Decimal:
    """BIL-06: km one way × rate × factor, to the cent."""
    _not_negative("km", km_one_way)
    return money(Decimal(km_one_way) * travel_rate(km_rate=km_rate, factor=factor))


def labour_rate(*, office_rate: Decimal, out_of_hours: bool) -> Decimal:
    """BIL-08, A-50: Extra's out-of-hours billable work is charged at the office-hours rate:
    one rate, no surcharge, whenever the work was done."""
    _not_negative("hourly rate", office_rate)
    return office_rate


def labour_amount(minutes: int | Decimal, *, hourly_rate: Decimal) -> Decimal:
    return money(Decimal(minutes) * hourly_rate / 60)


def monthly_fee(*, licence_count: int, licence_fee: Decimal) -> Decimal:
    """BIL-01: a fixed monthly amount per licence."""
    _not_negative("licences", licence_count)
    _not_negative("licence fee", licence_fee)
    return money(licence_count * licence_fee)
