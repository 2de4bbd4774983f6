"""What one ticket's work SHOULD bill, per (category, month of the work): PURE, no Django.

The service compares these targets with the lines already in the ledger and writes only the
difference, so the rules never need to know what was billed before.

Which work bills (one home for the rule):
- a time entry's billable_override wins: True bills its minutes in full, False never bills;
- CBG Standaard (post-calculation): all work, rounded per ticket (max(15, up to 15), A-17);
- CBG Basis/Extra (subscription with a contiguous limit): work beyond the limit when the job is
  over it (one allowance per job, A-16), and the categories outside the subscription in full
  (BIL-07: new user/licence, data migration, SharePoint, exceptional situations);
- Websitenazorg: onboarding and excluded work (BIL-20/21); onITnow: change requests (BIL-30);
- Microsoft: nothing (EDE time is an hours ledger, not money);
- travel: km one way × rate per km × the package's travel factor (BIL-06).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from decimal import Decimal

from usage.rules.blocks import WorkItem
from usage.rules.cbg import (
    OVER_LIMIT,
    allowance_split,
    job_is_over_limit,
    labour_amount,
    labour_rate,
    money,
    over_limit_billable_minutes,
    standaard_billable_minutes,
    travel_rate,
)

TRAVEL = "travel"
POST_CALCULATION = "post_calculation"
# Ordinary work billed by post-calculation (CBG Standaard) is labour, not "in subscription".
LABOUR = "labour"
ORDINARY_WORK = frozenset({"in_subscription", "over_limit"})
SUBSCRIPTION = "subscription"
# BIL-07: outside the CBG subscription whatever the job's length.
CBG_ALWAYS_BILLABLE = frozenset({"new_user_licence", "data_migration", "sharepoint", "exceptional"})
# BIL-20/21 (TKT-117: excluded work is recorded as "exceptional"), BIL-30.
PROVIDER_BILLABLE = {
    "websitenazorg": frozenset({"onboarding", "exceptional"}),
    "onitnow": frozenset({"change_request"}),
}


@dataclass(frozen=True)
class BillingTerms:
    """The contract's package numbers (catalogue) and rates (quote)."""

    provider: str
    billing_mode: str
    hourly_rate: Decimal
    km_rate: Decimal
    contiguous_limit: int | None = None
    minimum_minutes: int | None = None
    increment_minutes: int | None = None
    travel_factor: Decimal | None = None


@dataclass(frozen=True)
class Target:
    category: str
    month: date
    unit: str
    quantity: Decimal
    rate: Decimal
    amount: Decimal


def month_of(item: WorkItem, zone: tzinfo) -> date:
    return item.started_at.astimezone(zone).date().replace(day=1)


def _ordered(items: Iterable[WorkItem]) -> list[WorkItem]:
    return sorted(items, key=lambda i: (i.started_at, i.entry_id))


def _billable_work(items: Sequence[WorkItem], terms: BillingTerms) -> dict[int, int]:
    """Billable minutes per entry id (travel apart)."""
    work = [i for i in items if i.category != TRAVEL and i.billable_override is not False]
    forced = [i for i in work if i.billable_override is True]
    ruled = [i for i in work if i.billable_override is None]
    billable = {i.entry_id: i.minutes for i in forced}
    if terms.billing_mode == POST_CALCULATION:
        return {i.entry_id: i.minutes for i in work}
    if terms.billing_mode == SUBSCRIPTION and terms.contiguous_limit is not None:
        outside = [i for i in ruled if i.category in CBG_ALWAYS_BILLABLE]
        billable.update({i.entry_id: i.minutes for i in outside})
        job = [i for i in ruled if i.category not in CBG_ALWAYS_BILLABLE]
        limit = terms.contiguous_limit
        over = job_is_over_limit(job, limit=limit)
        total = sum(i.minutes for i in job)
        if over_limit_billable_minutes(total, limit=limit, over=over):
            billable.update({i.entry_id: m for i, m in allowance_split(job, allowance=limit)})
        return billable
    categories = PROVIDER_BILLABLE.get(terms.provider, frozenset())
    billable.update({i.entry_id: i.minutes for i in ruled if i.category in categories})
    return billable


def _line_category(item: WorkItem, terms: BillingTerms) -> str:
    """Subscription work billed beyond the allowance shows as over the limit; ordinary work
    without a subscription shows as labour."""
    if terms.billing_mode == POST_CALCULATION and item.category in ORDINARY_WORK:
        return LABOUR
    subscription = terms.billing_mode == SUBSCRIPTION and terms.contiguous_limit is not None
    if subscription and item.category not in CBG_ALWAYS_BILLABLE:
        return OVER_LIMIT
    return item.category


def _rounding_surplus(billed: dict[int, int], terms: BillingTerms) -> int:
    if terms.billing_mode != POST_CALCULATION or not billed:
        return 0
    total = sum(billed.values())
    rounded = standaard_billable_minutes(
        total, minimum=terms.minimum_minutes or 0, increment=terms.increment_minutes or 0
    )
    return rounded - total


def ticket_targets(items: Iterable[WorkItem], terms: BillingTerms, zone: tzinfo) -> list[Target]:
    """The lines one ticket should total, one per (category, month of the work)."""
    ordered = _ordered(items)
    billed = {k: v for k, v in _billable_work(ordered, terms).items() if v > 0}
    minutes: dict[tuple[str, date], int] = defaultdict(int)
    last_key = None
    for item in ordered:
        if item.entry_id in billed:
            last_key = (_line_category(item, terms), month_of(item, zone))
            minutes[last_key] += billed[item.entry_id]
    if last_key is not None:
        # the rounding up of a Standaard job lands with its latest work.
        minutes[last_key] += _rounding_surplus(billed, terms)
    rate = labour_rate(office_rate=terms.hourly_rate, out_of_hours=False)
    targets = [
        Target(cat, month, "minutes", Decimal(m), rate, labour_amount(m, hourly_rate=rate))
        for (cat, month), m in minutes.items()
    ]
    return targets + _travel_targets(ordered, terms, zone)


def _travel_targets(items: Sequence[WorkItem], terms: BillingTerms, zone: tzinfo) -> list[Target]:
    km: dict[date, int] = defaultdict(int)
    for item in items:
        factor_known = terms.travel_factor is not None or item.billable_override is True
        if item.category == TRAVEL and item.billable_override is not False and factor_known:
            km[month_of(item, zone)] += item.distance_km or 0
    factor = terms.travel_factor if terms.travel_factor is not None else Decimal(1)
    rate = travel_rate(km_rate=terms.km_rate, factor=factor)
    return [
        Target(TRAVEL, month, "km", Decimal(n), rate, money(Decimal(n) * rate))
        for month, n in sorted(km.items())
        if n > 0
    ]
