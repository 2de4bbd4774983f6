"""Properties of the availability computation (issue #15 §1): hypothesis over outage sets."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from availability.rules.figures import OutageFacts, month_figures
from availability.rules.targets import targets_default
from availability.rules.windows import month_windows
from tests.availability.calendars import ALWAYS, CBG, ONITNOW, ONITNOW_WINDOW

CLOUD = targets_default(provider_code="onitnow", kind="integration_service", hosting="cloud")
MONTHS = [date(2026, m, 1) for m in (2, 3, 4, 10, 12)] + [date(2027, 3, 1), date(2027, 10, 1)]
WINDOWS = {
    (month, cal.code): month_windows(month, cal) for month in MONTHS for cal in (ONITNOW, CBG)
}
REASONS = ["", "", "", "internet", "customer_site"]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def outages(draw, min_length=1):
    start = draw(
        st.datetimes(
            min_value=datetime(2026, 1, 25), max_value=datetime(2028, 1, 5), timezones=st.just(UTC)
        )
    )
    length = draw(st.integers(min_value=min_length, max_value=4 * 86_400))
    return OutageFacts(
        key=draw(st.integers(min_value=1, max_value=10**6)),
        start=start.replace(microsecond=0),
        end=start.replace(microsecond=0) + timedelta(seconds=length),
        planned=draw(st.booleans()),
        affects_all_users=draw(st.booleans()),
        exclusion_reason=draw(st.sampled_from(REASONS)),
    )


month_keys = st.sampled_from(sorted(WINDOWS))


def figures(key, rows):
    return month_figures(windows=WINDOWS[key], outages=rows, targets=CLOUD, window=ONITNOW_WINDOW)


def numbers(result):
    """Everything but which record ids were counted."""
    return replace(result, counted=(), excluded=())


@SETTINGS
@given(month_keys, st.lists(outages(), max_size=6), outages(min_length=2), st.data())
def test_splitting_an_outage_in_two_adjacent_pieces_changes_nothing(key, rows, whole, data):
    length = int((whole.end - whole.start).total_seconds())
    middle = whole.start + timedelta(seconds=data.draw(st.integers(1, length - 1)))
    pieces = [replace(whole, end=middle, key=-1), replace(whole, start=middle, key=-2)]
    assert numbers(figures(key, [*rows, *pieces])) == numbers(figures(key, [*rows, whole]))


@SETTINGS
@given(month_keys, st.lists(outages(), max_size=10))
def test_availability_is_always_between_0_and_100_percent(key, rows):
    result = figures(key, rows)
    for window in (result.office, result.outside):
        assert 0 <= window.down_seconds <= window.length_seconds
        assert window.percent is None or 0 <= window.percent <= 100


@SETTINGS
@given(st.sampled_from(MONTHS), st.sampled_from([ONITNOW, CBG, ALWAYS]))
def test_a_month_counts_its_real_length_across_dst(month, calendar):
    windows = month_windows(month, calendar)
    nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    real = datetime(nxt.year, nxt.month, 1, tzinfo=calendar.tz) - datetime(
        month.year, month.month, 1, tzinfo=calendar.tz
    )
    # Aware datetimes of one zone subtract as wall time: add the offset change back.
    offset = (
        datetime(nxt.year, nxt.month, 1, tzinfo=calendar.tz).utcoffset()
        - datetime(month.year, month.month, 1, tzinfo=calendar.tz).utcoffset()
    )
    length = sum(end - start for start, end in (*windows.office, *windows.outside))
    assert length == windows.bounds[1] - windows.bounds[0]
    assert length == int((real - offset).total_seconds())
    assert length % 86_400 in (0, 82_800, 3_600)


@SETTINGS
@given(month_keys, st.lists(outages(), max_size=6), outages())
def test_adding_an_excluded_outage_changes_nothing(key, rows, extra):
    excluded = replace(extra, exclusion_reason="third_party_power", key=-1)
    assert numbers(figures(key, [*rows, excluded])) == numbers(figures(key, rows))


@SETTINGS
@given(month_keys, st.lists(outages(), max_size=6), outages())
def test_more_downtime_never_raises_availability(key, rows, extra):
    before = figures(key, rows)
    after = figures(key, [*rows, replace(extra, key=-1)])
    for old, new in ((before.office, after.office), (before.outside, after.outside)):
        assert new.down_seconds >= old.down_seconds
        assert old.percent is None or new.percent <= old.percent
