"""The billing rules, pure (no database): table tests with the seeds' numbers (004: Basis 0,5
uur, Extra 1 uur, Standaard minimale afname 1 kwartier, voorrijkosten 100% / 50% / geen) and
properties of the rounding."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from usage.rules.blocks import WorkItem, work_blocks
from usage.rules.cbg import (
    job_is_over_limit,
    labour_rate,
    monthly_fee,
    over_limit_billable_minutes,
    standaard_billable_minutes,
    travel_amount,
)
from usage.rules.fair_use import Usage, fair_use_figures
from usage.rules.targets import BillingTerms, ticket_targets

AMS = ZoneInfo("Europe/Amsterdam")
T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
RATE = Decimal("90.00")
KM = Decimal("0.40")
STANDAARD = BillingTerms("cbg", "post_calculation", RATE, KM, None, 15, 15, Decimal("1.0"))
BASIS = BillingTerms("cbg", "subscription", RATE, KM, 30, None, None, Decimal("0.5"))
EXTRA = BillingTerms("cbg", "subscription", RATE, KM, 60, None, None, Decimal("0"))
WNZ = BillingTerms("websitenazorg", "none", RATE, KM)
ONITNOW = BillingTerms("onitnow", "none", RATE, KM)
MICROSOFT = BillingTerms("microsoft", "work_order", RATE, KM)


def item(n, start_minute, minutes, category="in_subscription", **kwargs):
    return WorkItem(n, T0 + timedelta(minutes=start_minute), minutes, category, **kwargs)


def summary(targets):
    return sorted((t.category, t.month.isoformat(), t.quantity, t.amount) for t in targets)


@pytest.mark.parametrize(
    ("minutes", "billed"),
    [(0, 0), (1, 15), (10, 15), (15, 15), (16, 30), (30, 30), (31, 45), (61, 75), (125, 135)],
)
def test_standaard_bills_at_least_a_quarter_rounded_up_to_the_quarter(minutes, billed):
    assert standaard_billable_minutes(minutes, minimum=15, increment=15) == billed


@settings(deadline=None)  # a loaded, shared machine must not fail a pure property
@given(st.integers(min_value=1, max_value=10_000))
def test_standaard_rounding_is_a_quarter_multiple_at_least_the_work(minutes):
    billed = standaard_billable_minutes(minutes, minimum=15, increment=15)
    assert billed >= 15
    assert billed % 15 == 0
    assert minutes <= billed < minutes + 15 or billed == 15


@pytest.mark.parametrize(
    ("total", "limit", "over", "billed"),
    [
        (45, 30, True, 15),  # Basis: one 45-minute job, 30 in the subscription
        (90, 60, True, 30),  # Extra: 1,5 hours, one hour in the subscription
        (25, 30, True, 0),  # judged over the limit up front but done within it
        (80, 30, False, 0),  # short blocks only: all within the subscription
    ],
)
def test_over_limit_job_bills_beyond_one_allowance(total, limit, over, billed):
    assert over_limit_billable_minutes(total, limit=limit, over=over) == billed


@settings(deadline=None)  # a loaded, shared machine must not fail a pure property
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=600))
def test_over_limit_billing_is_never_negative_nor_more_than_the_work(total, limit):
    billed = over_limit_billable_minutes(total, limit=limit, over=True)
    assert 0 <= billed <= total


def test_contiguous_entries_form_one_block_and_a_gap_starts_another():
    blocks = work_blocks([item(1, 0, 20), item(2, 20, 15), item(3, 60, 10)])
    assert [(b.minutes, b.entry_ids) for b in blocks] == [(35, (1, 2)), (10, (3,))]


def test_overlapping_work_of_two_people_is_one_block_of_its_span():
    assert [b.minutes for b in work_blocks([item(1, 0, 30), item(2, 10, 30)])] == [40]


@pytest.mark.parametrize(
    ("items", "limit", "over"),
    [
        ([item(1, 0, 20), item(2, 20, 15)], 30, True),  # 35 contiguous > Basis 30
        ([item(1, 0, 20), item(2, 60, 20)], 30, False),  # two short blocks
        ([item(1, 0, 20), item(2, 20, 15)], 60, False),  # 35 within Extra's hour
        ([item(1, 0, 10, "over_limit")], 30, True),  # judged over the limit up front
    ],
)
def test_a_job_is_over_the_limit_by_a_long_block_or_the_engineers_judgement(items, limit, over):
    assert job_is_over_limit(items, limit=limit) is over


@pytest.mark.parametrize(
    ("km", "factor", "amount"),
    [(40, "1.0", "16.00"), (40, "0.5", "8.00"), (40, "0", "0.00"), (33, "0.5", "6.60")],
)
def test_travel_is_km_one_way_times_rate_times_the_tier_factor(km, factor, amount):
    assert travel_amount(km, km_rate=KM, factor=Decimal(factor)) == Decimal(amount)


def test_extra_out_of_hours_work_is_charged_at_the_office_rate():
    assert labour_rate(office_rate=RATE, out_of_hours=True) == RATE


def test_monthly_fee_is_licences_times_the_fee_per_licence():
    assert monthly_fee(licence_count=12, licence_fee=Decimal("7.50")) == Decimal("90.00")


@pytest.mark.parametrize(
    ("call", "kwargs"),
    [
        (monthly_fee, {"licence_count": 1, "licence_fee": Decimal("-1")}),
        (travel_amount, {"km_one_way": 10, "km_rate": Decimal("-0.1"), "factor": Decimal(1)}),
        (labour_rate, {"office_rate": Decimal("-90"), "out_of_hours": False}),
    ],
)
def test_negative_rates_are_refused(call, kwargs):
    with pytest.raises(ValueError, match="negative"):
        call(**kwargs)


# --- what a ticket should bill --------------------------------------------------------------


def test_standaard_ticket_bills_its_work_rounded_up_to_the_quarter():
    targets = ticket_targets([item(1, 0, 10), item(2, 120, 12)], STANDAARD, AMS)
    assert summary(targets) == [("labour", "2026-06-01", Decimal(30), Decimal("45.00"))]


def test_standaard_ticket_of_five_minutes_bills_the_minimum_quarter():
    targets = ticket_targets([item(1, 0, 5)], STANDAARD, AMS)
    assert summary(targets) == [("labour", "2026-06-01", Decimal(15), Decimal("22.50"))]


def test_basis_job_of_45_contiguous_minutes_bills_15_over_the_limit():
    targets = ticket_targets([item(1, 0, 25), item(2, 25, 20)], BASIS, AMS)
    assert summary(targets) == [("over_limit", "2026-06-01", Decimal(15), Decimal("22.50"))]


def test_basis_job_in_short_blocks_bills_nothing():
    assert ticket_targets([item(1, 0, 20), item(2, 90, 20)], BASIS, AMS) == []


def test_extra_job_of_45_minutes_stays_in_the_subscription():
    assert ticket_targets([item(1, 0, 45)], EXTRA, AMS) == []


def test_extra_job_judged_over_the_limit_bills_beyond_one_hour():
    targets = ticket_targets([item(1, 0, 50, "over_limit"), item(2, 300, 40)], EXTRA, AMS)
    assert summary(targets) == [("over_limit", "2026-06-01", Decimal(30), Decimal("45.00"))]


def test_sharepoint_work_on_basis_bills_in_full_and_does_not_use_the_allowance():
    targets = ticket_targets([item(1, 0, 20, "sharepoint"), item(2, 20, 20)], BASIS, AMS)
    assert summary(targets) == [("sharepoint", "2026-06-01", Decimal(20), Decimal("30.00"))]


@pytest.mark.parametrize(
    "category", ["new_user_licence", "data_migration", "sharepoint", "exceptional"]
)
def test_work_outside_the_cbg_subscription_always_bills(category):
    targets = ticket_targets([item(1, 0, 10, category)], EXTRA, AMS)
    assert summary(targets) == [(category, "2026-06-01", Decimal(10), Decimal("15.00"))]


def test_a_coordinators_override_wins_over_the_rule():
    items = [item(1, 0, 10, billable_override=True), item(2, 10, 40, billable_override=False)]
    assert summary(ticket_targets(items, EXTRA, AMS)) == [
        ("over_limit", "2026-06-01", Decimal(10), Decimal("15.00"))
    ]


def test_over_limit_minutes_fall_in_the_month_the_work_was_done():
    items = [item(1, 0, 20), item(2, 20, 30)]
    late = [
        WorkItem(i.entry_id, i.started_at - timedelta(days=1), i.minutes, i.category) for i in items
    ]
    # 31 May 10:00 and 10:20 Amsterdam: the allowance is used by the first, the rest bills.
    assert summary(ticket_targets(late, BASIS, AMS)) == [
        ("over_limit", "2026-05-01", Decimal(20), Decimal("30.00"))
    ]


@pytest.mark.parametrize(
    ("terms", "factor_amount"),
    [(STANDAARD, Decimal("16.00")), (BASIS, Decimal("8.00")), (EXTRA, Decimal("0.00"))],
)
def test_travel_entry_bills_km_at_the_tier_factor(terms, factor_amount):
    targets = ticket_targets([item(1, 0, 45, "travel", distance_km=40)], terms, AMS)
    assert [(t.category, t.unit, t.quantity, t.amount) for t in targets] == [
        ("travel", "km", Decimal(40), factor_amount)
    ]


@pytest.mark.parametrize(
    ("terms", "category", "billed"),
    [
        (WNZ, "onboarding", True),
        (WNZ, "exceptional", True),
        (WNZ, "in_subscription", False),
        (ONITNOW, "change_request", True),
        (ONITNOW, "in_subscription", False),
        (MICROSOFT, "ede", False),
    ],
)
def test_other_providers_bill_their_separately_billed_work(terms, category, billed):
    targets = ticket_targets([item(1, 0, 60, category)], terms, AMS)
    assert (len(targets) == 1) is billed


WORK = st.lists(
    st.tuples(
        st.integers(0, 2000),
        st.integers(1, 240),
        st.sampled_from(["in_subscription", "over_limit", "sharepoint"]),
    ),
    min_size=1,
    max_size=8,
)


def _items(entries):
    return [item(n, start, minutes, cat) for n, (start, minutes, cat) in enumerate(entries)]


@settings(deadline=None)  # a loaded, shared machine must not fail a pure property
@given(WORK, st.sampled_from([BASIS, EXTRA]))
def test_a_subscription_ticket_never_bills_negative_nor_more_than_its_work(entries, terms):
    items = _items(entries)
    targets = ticket_targets(items, terms, AMS)
    assert all(t.quantity > 0 and t.amount >= 0 for t in targets)
    assert sum(t.quantity for t in targets) <= sum(i.minutes for i in items)


@settings(deadline=None)  # a loaded, shared machine must not fail a pure property
@given(WORK)
def test_a_standaard_ticket_bills_whole_quarters_at_least_its_work(entries):
    items = _items(entries)
    total = sum(t.quantity for t in ticket_targets(items, STANDAARD, AMS))
    assert total >= 15
    assert total % 15 == 0
    assert total >= sum(i.minutes for i in items)


# --- fair use -------------------------------------------------------------------------------


def test_fair_use_flags_an_organisation_above_twice_the_mean_of_the_others():
    figures = fair_use_figures(
        {"a": Usage(600, 10), "b": Usage(200, 10), "c": Usage(400, 20), "d": Usage(50, 5)}
    )
    # a: 60/licence; others 20, 20, 10 -> mean 16.67; 60 > 33.3
    assert figures["a"].flagged is True
    assert figures["a"].mean_of_others.quantize(Decimal("0.01")) == Decimal("16.67")
    assert [figures[k].flagged for k in "bcd"] == [False, False, False]


def test_fair_use_at_exactly_twice_the_mean_is_not_flagged():
    figures = fair_use_figures({"a": Usage(400, 10), "b": Usage(200, 10)})
    assert figures["a"].flagged is False


def test_fair_use_skips_organisations_without_licences_and_a_lone_organisation():
    figures = fair_use_figures({"a": Usage(900, 1), "b": Usage(10, 0)})
    assert list(figures) == ["a"]
    assert figures["a"].flagged is False


def test_month_of_work_is_the_amsterdam_month():
    # 31 May 23:30 UTC is 1 June 01:30 in Amsterdam.
    late = WorkItem(1, datetime(2026, 5, 31, 23, 30, tzinfo=UTC), 20, "in_subscription")
    assert [t.month for t in ticket_targets([late], STANDAARD, AMS)] == [date(2026, 6, 1)]
