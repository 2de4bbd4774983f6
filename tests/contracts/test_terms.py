"""Contract term rules (DECISIONS D18, A-11, A-12). Pure: no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.terms import (
    Deadline,
    DeadlineKind,
    TermKind,
    TermState,
    add_months,
    cbg_notice_effective_end,
    ede_end,
    month_end,
    next_deadline,
    notice_effective_end,
    onitnow_notice_deadline,
    onitnow_renewal_after,
    onitnow_renewal_coming,
    term_kind,
)

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 2, 1), 12, date(2026, 2, 1)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2028, 3, 31), -1, date(2028, 2, 29)),
        (date(2026, 5, 31), -2, date(2026, 3, 31)),
        (date(2026, 4, 30), -2, date(2026, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
    ],
)
def test_calendar_months_clamp_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("provider", "billing_mode", "expected"),
    [
        ("onitnow", "none", TermKind.ONITNOW),
        ("cbg", "subscription", TermKind.CBG),
        ("cbg", "post_calculation", TermKind.NONE),
        ("microsoft", "work_order", TermKind.MICROSOFT),
        ("websitenazorg", "none", TermKind.NONE),
    ],
)
def test_term_kind_follows_provider_and_billing(provider, billing_mode, expected):
    assert term_kind(provider, billing_mode) == expected


# -- onITnow: 12 months from go-live, notice >= 2 calendar months before the renewal -----------


@pytest.mark.parametrize(
    ("go_live", "first_renewal", "notice_deadline"),
    [
        (date(2025, 2, 1), date(2026, 2, 1), date(2025, 12, 1)),
        (date(2025, 3, 31), date(2026, 3, 31), date(2026, 1, 31)),
        (date(2025, 4, 30), date(2026, 4, 30), date(2026, 2, 28)),
        (date(2025, 12, 31), date(2026, 12, 31), date(2026, 10, 31)),
        (date(2023, 4, 30), date(2024, 4, 30), date(2024, 2, 29)),
    ],
)
def test_onitnow_first_renewal_and_its_notice_deadline(go_live, first_renewal, notice_deadline):
    renewal = onitnow_renewal_coming(go_live=go_live, renewal=None, on=go_live)

    assert (renewal, onitnow_notice_deadline(renewal)) == (first_renewal, notice_deadline)


@pytest.mark.parametrize(
    ("received", "effective_end"),
    [
        (date(2025, 6, 1), date(2026, 2, 1)),
        (date(2025, 12, 1), date(2026, 2, 1)),  # on the deadline: still in time
        (date(2025, 12, 2), date(2027, 2, 1)),  # a day late: the next term
        (date(2026, 2, 1), date(2027, 2, 1)),
    ],
)
def test_onitnow_notice_ends_at_the_renewal_it_is_in_time_for(received, effective_end):
    state = TermState(TermKind.ONITNOW, date(2025, 2, 1), go_live=date(2025, 2, 1))

    assert notice_effective_end(state, received) == effective_end


def test_onitnow_notice_counts_from_the_stored_renewal_date():
    state = TermState(
        TermKind.ONITNOW, date(2025, 1, 1), go_live=date(2025, 2, 1), renewal=date(2027, 2, 1)
    )

    assert notice_effective_end(state, date(2026, 3, 1)) == date(2027, 2, 1)


def test_onitnow_without_go_live_or_renewal_has_no_notice_end():
    state = TermState(TermKind.ONITNOW, date(2025, 1, 1))

    assert notice_effective_end(state, date(2025, 6, 1)) is None


def test_onitnow_leap_day_go_live_renews_on_the_29th_again_in_a_leap_year():
    go_live = date(2024, 2, 29)
    renewals = [date(2025, 2, 28)]
    for _ in range(3):
        renewals.append(onitnow_renewal_after(renewals[-1], go_live))

    assert renewals == [date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28), date(2028, 2, 29)]


def test_onitnow_renewal_off_the_go_live_anniversary_counts_from_itself():
    assert onitnow_renewal_after(date(2026, 3, 1), date(2025, 2, 1)) == date(2027, 3, 1)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 6, 1), Deadline(DeadlineKind.NOTICE, date(2025, 12, 1))),
        (date(2025, 12, 1), Deadline(DeadlineKind.NOTICE, date(2025, 12, 1))),
        (date(2025, 12, 2), Deadline(DeadlineKind.RENEWAL, date(2026, 2, 1))),
        (date(2026, 2, 2), Deadline(DeadlineKind.NOTICE, date(2026, 12, 1))),
    ],
)
def test_onitnow_next_deadline_is_the_notice_deadline_then_the_renewal(today, expected):
    state = TermState(TermKind.ONITNOW, date(2025, 2, 1), go_live=date(2025, 2, 1))

    assert next_deadline(state, today) == expected


def test_onitnow_not_renewing_automatically_has_no_deadline_without_an_end():
    state = TermState(
        TermKind.ONITNOW, date(2025, 2, 1), go_live=date(2025, 2, 1), auto_renew=False
    )

    assert next_deadline(state, date(2025, 6, 1)) is None


@given(go_live=DAYS, terms=st.integers(min_value=1, max_value=30))
def test_onitnow_renewal_dates_are_12_months_apart(go_live, terms):
    renewal = onitnow_renewal_coming(go_live=go_live, renewal=None, on=go_live)
    for _ in range(terms):
        following = onitnow_renewal_after(renewal, go_live)
        assert (following.year - renewal.year, following.month) == (1, renewal.month)
        assert following.day == min(go_live.day, month_end(following).day)
        renewal = following


@given(go_live=DAYS, received=DAYS)
def test_onitnow_notice_end_is_a_renewal_at_least_2_months_after_the_notice(go_live, received):
    state = TermState(TermKind.ONITNOW, go_live, go_live=go_live)

    end = notice_effective_end(state, max(received, go_live))

    assert end is not None
    assert onitnow_notice_deadline(end) >= max(received, go_live)
    assert onitnow_renewal_coming(go_live=go_live, renewal=None, on=end) == end


# -- CBG: monthly, >= 14 days before the month end ---------------------------------------------


@pytest.mark.parametrize(
    ("received", "effective_end"),
    [
        (date(2026, 1, 17), date(2026, 1, 31)),  # 14 days before: this month
        (date(2026, 1, 18), date(2026, 2, 28)),  # 13 days: the next month
        (date(2026, 2, 14), date(2026, 2, 28)),
        (date(2026, 2, 15), date(2026, 3, 31)),
        (date(2028, 2, 15), date(2028, 2, 29)),
        (date(2026, 12, 20), date(2027, 1, 31)),
        (date(2026, 4, 1), date(2026, 4, 30)),
    ],
)
def test_cbg_notice_ends_this_month_or_the_next(received, effective_end):
    assert cbg_notice_effective_end(received) == effective_end


def test_cbg_notice_before_the_start_counts_from_the_start():
    assert cbg_notice_effective_end(date(2026, 1, 25), date(2026, 2, 1)) == date(2026, 2, 28)


@pytest.mark.parametrize(
    ("today", "deadline"),
    [
        (date(2026, 1, 5), date(2026, 1, 17)),
        (date(2026, 1, 17), date(2026, 1, 17)),
        (date(2026, 1, 18), date(2026, 2, 14)),
        (date(2026, 12, 31), date(2027, 1, 17)),
    ],
)
def test_cbg_next_deadline_is_the_last_day_to_end_a_month(today, deadline):
    state = TermState(TermKind.CBG, date(2025, 1, 1))

    assert next_deadline(state, today) == Deadline(DeadlineKind.NOTICE, deadline)


@given(received=DAYS)
def test_cbg_notice_end_is_a_month_end_at_least_14_days_on(received):
    end = cbg_notice_effective_end(received)

    assert end == month_end(end)
    assert end - received >= timedelta(days=14)
    assert end - received < timedelta(days=14 + 31)


@given(today=DAYS)
def test_cbg_notice_given_on_the_deadline_ends_the_month_after_it(today):
    deadline = next_deadline(TermState(TermKind.CBG, date(2000, 1, 1)), today)

    assert deadline is not None
    assert cbg_notice_effective_end(deadline.on) == month_end(deadline.on)
    assert cbg_notice_effective_end(deadline.on + timedelta(days=1)) > month_end(deadline.on)


# -- Microsoft and contracts with an end ---------------------------------------------------------


def test_microsoft_work_order_ends_on_its_end_date_and_ede_with_it():
    state = TermState(TermKind.MICROSOFT, date(2025, 7, 1), end=date(2026, 6, 30))

    assert next_deadline(state, date(2026, 1, 1)) == Deadline(DeadlineKind.END, date(2026, 6, 30))
    assert ede_end(date(2026, 6, 30)) == date(2026, 6, 30)


def test_microsoft_has_no_notice():
    state = TermState(TermKind.MICROSOFT, date(2025, 7, 1), end=date(2026, 6, 30))

    assert notice_effective_end(state, date(2026, 1, 1)) is None


def test_a_contract_with_a_recorded_end_shows_the_end():
    state = TermState(TermKind.CBG, date(2025, 1, 1), end=date(2026, 1, 31))

    assert next_deadline(state, date(2026, 1, 20)) == Deadline(DeadlineKind.END, date(2026, 1, 31))


def test_a_contract_without_rules_or_end_has_no_deadline():
    assert next_deadline(TermState(TermKind.NONE, date(2025, 1, 1)), date(2026, 1, 1)) is None
