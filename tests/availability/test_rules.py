"""The availability rules with the seeds' numbers (SPEC §6, D22): exact seconds, no database."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from availability.rules.figures import (
    MAINTENANCE_WINDOW,
    SOME_USERS,
    OutageFacts,
    month_figures,
)
from availability.rules.intervals import NaiveDatetimeError, seconds
from availability.rules.maintenance import (
    MaintenanceWindowSpec,
    inside_window,
    notice_in_time,
    notice_last_day,
)
from availability.rules.targets import (
    BASIS_VENDOR,
    NO_TARGETS,
    targets_default,
)
from availability.rules.windows import month_windows, months_between
from tests.availability.calendars import ALWAYS, AMS, CBG, ONITNOW, ONITNOW_WINDOW, ams

CLOUD = targets_default(provider_code="onitnow", kind="integration_service", hosting="cloud")
ON_PREM = targets_default(provider_code="onitnow", kind="integration_service", hosting="on_prem")
MARCH = month_windows(date(2026, 3, 1), ONITNOW)
# March 2026 on the onITnow calendar: 22 working days of 9 hours; the month has 743 real hours
# (the clocks go forward on the 29th).
MARCH_OFFICE = 22 * 9 * 3600
MARCH_LENGTH = 743 * 3600
# 0.5 % of the office hours: the most downtime a 99.5 % month allows.
MARCH_ALLOWED = MARCH_OFFICE * 5 // 1000


def outage(key, start, length, **kwargs):
    return OutageFacts(
        key=key,
        start=start,
        end=start + timedelta(seconds=length),
        planned=kwargs.get("planned", False),
        affects_all_users=kwargs.get("affects_all_users", True),
        exclusion_reason=kwargs.get("exclusion_reason", ""),
    )


def march(*outages, targets=CLOUD, until=None):
    return month_figures(
        windows=MARCH, outages=outages, targets=targets, window=ONITNOW_WINDOW, until=until
    )


def test_the_defaults_carry_the_seeds_promises():
    assert (CLOUD.office_percent, CLOUD.outside_percent, CLOUD.max_interruptions) == (
        Decimal("99.50"),
        Decimal("95.00"),
        3,
    )
    assert (ON_PREM.office_percent, ON_PREM.outside_percent, ON_PREM.max_interruptions) == (
        Decimal("97.50"),
        None,
        3,
    )
    cbg = targets_default(provider_code="cbg", kind="office365", hosting="")
    assert (cbg.office_percent, cbg.basis) == (Decimal("99.90"), BASIS_VENDOR)
    assert targets_default(provider_code="websitenazorg", kind="office365", hosting="") == (
        NO_TARGETS
    )
    assert targets_default(provider_code="microsoft", kind="other", hosting="") == NO_TARGETS


def test_march_2026_has_22_office_days_and_743_real_hours():
    assert sum(end - start for start, end in MARCH.office) == MARCH_OFFICE
    assert MARCH.bounds[1] - MARCH.bounds[0] == MARCH_LENGTH
    assert sum(end - start for start, end in MARCH.outside) == MARCH_LENGTH - MARCH_OFFICE


def test_october_2026_counts_the_extra_autumn_hour():
    october = month_windows(date(2026, 10, 1), ONITNOW)
    assert october.bounds[1] - october.bounds[0] == 745 * 3600


def test_a_month_with_exactly_half_a_percent_down_in_office_hours_meets_99_5():
    assert MARCH_ALLOWED == 3564
    figures = march(outage(1, ams(2026, 3, 10, 10, 0), MARCH_ALLOWED))
    assert figures.office.down_seconds == 3564
    assert figures.office.percent == Decimal("99.50")
    assert figures.office.met is True
    assert figures.outside.down_seconds == 0
    assert figures.met is True


def test_one_second_more_breaches_the_office_hours_target():
    figures = march(outage(1, ams(2026, 3, 10, 10, 0), MARCH_ALLOWED + 1))
    assert figures.office.percent == Decimal("99.49")
    assert figures.office.met is False
    assert figures.met is False


def test_downtime_is_split_between_office_and_outside_hours():
    figures = march(outage(1, ams(2026, 3, 10, 17, 0), 3600))
    assert (figures.office.down_seconds, figures.outside.down_seconds) == (1800, 1800)


def test_outside_hours_target_95_percent_met_and_breached():
    allowed = (MARCH_LENGTH - MARCH_OFFICE) * 5 // 100
    saturday = ams(2026, 3, 7, 0, 0)
    assert march(outage(1, saturday, allowed)).outside.met is True
    assert march(outage(1, saturday, allowed + 1)).outside.met is False


def test_on_premise_has_no_outside_hours_verdict():
    figures = march(outage(1, ams(2026, 3, 7, 0, 0), 40 * 3600), targets=ON_PREM)
    assert figures.outside.target is None
    assert figures.outside.met is None
    assert figures.met is True


def test_three_interruptions_meet_the_limit_and_four_break_it():
    nights = [ams(2026, 3, day, 2, 0) for day in (3, 10, 17, 24)]
    three = march(*(outage(i, at, 60) for i, at in enumerate(nights[:3])))
    four = march(*(outage(i, at, 60) for i, at in enumerate(nights)))
    assert (three.interruptions, three.interruptions_met, three.met) == (3, True, True)
    assert (four.interruptions, four.interruptions_met, four.met) == (4, False, False)
    assert four.office.met is True


def test_an_outage_across_midnight_is_one_interruption():
    figures = march(outage(1, ams(2026, 3, 10, 23, 0), 2 * 3600))
    assert figures.interruptions == 1


def test_an_outage_across_the_month_end_counts_in_the_month_it_starts():
    crossing = outage(1, ams(2026, 2, 28, 23, 0), 2 * 3600)
    february = month_figures(
        windows=month_windows(date(2026, 2, 1), ONITNOW), outages=[crossing], targets=CLOUD
    )
    assert (february.interruptions, february.outside.down_seconds) == (1, 3600)
    assert (march(crossing).interruptions, march(crossing).outside.down_seconds) == (0, 3600)


def test_an_outage_split_at_the_month_end_is_still_one_interruption_in_its_first_month():
    before = outage(1, ams(2026, 2, 28, 23, 0), 3600)
    after = outage(2, ams(2026, 3, 1, 0, 0), 3600)
    february = month_figures(
        windows=month_windows(date(2026, 2, 1), ONITNOW), outages=[before, after], targets=CLOUD
    )
    assert (february.interruptions, march(before, after).interruptions) == (1, 0)


def test_overlapping_records_of_one_outage_count_once():
    figures = march(
        outage(1, ams(2026, 3, 10, 10, 0), 1800), outage(2, ams(2026, 3, 10, 10, 15), 1800)
    )
    assert (figures.office.down_seconds, figures.interruptions) == (2700, 1)


def test_planned_maintenance_inside_the_window_is_left_out():
    figures = march(outage(1, ams(2026, 3, 10, 22, 0), 4 * 3600, planned=True))
    assert figures.outside.down_seconds == 0
    assert figures.excluded == ((1, MAINTENANCE_WINDOW),)


def test_planned_work_outside_the_window_is_downtime_but_no_interruption():
    figures = march(outage(1, ams(2026, 3, 10, 14, 0), 3600, planned=True))
    assert figures.office.down_seconds == 3600
    assert figures.interruptions == 0
    assert figures.counted == (1,)


def test_maintenance_overrunning_the_window_counts_from_the_window_close():
    figures = march(outage(1, ams(2026, 3, 10, 22, 0), 9 * 3600, planned=True))
    assert (figures.outside.down_seconds, figures.office.down_seconds) == (3600, 0)
    assert figures.interruptions == 0
    assert figures.counted == (1,)


def test_an_outage_of_some_users_is_an_incident_not_unavailability():
    figures = march(outage(1, ams(2026, 3, 10, 10, 0), 3600, affects_all_users=False))
    assert figures.office.down_seconds == 0
    assert figures.excluded == ((1, SOME_USERS),)


def test_an_excluded_outage_is_listed_but_not_counted():
    figures = march(
        outage(1, ams(2026, 3, 10, 10, 0), 7200, exclusion_reason="third_party_telecom")
    )
    assert (figures.office.down_seconds, figures.interruptions) == (0, 0)
    assert figures.excluded == ((1, "third_party_telecom"),)


def test_an_ongoing_outage_counts_until_now():
    ongoing = OutageFacts(
        key=1, start=ams(2026, 3, 10, 10, 0), end=None, planned=False, affects_all_users=True
    )
    figures = march(ongoing, until=ams(2026, 3, 10, 11, 0))
    assert (figures.office.down_seconds, figures.interruptions) == (3600, 1)


def test_a_24x7_calendar_has_only_an_office_window():
    windows = month_windows(date(2026, 3, 1), ALWAYS)
    figures = month_figures(windows=windows, outages=[], targets=CLOUD)
    assert figures.office.length_seconds == MARCH_LENGTH
    assert (figures.outside.length_seconds, figures.outside.percent) == (0, None)
    assert figures.outside.met is None


def test_a_service_without_targets_has_no_verdict():
    figures = march(outage(1, ams(2026, 3, 10, 10, 0), 7200), targets=NO_TARGETS)
    # 1 - 7200 / 712800 = 98.989...: shown rounded down.
    assert figures.office.percent == Decimal("98.98")
    assert figures.met is None


def test_cbg_office_hours_follow_its_own_calendar():
    windows = month_windows(date(2026, 3, 1), CBG)
    assert sum(end - start for start, end in windows.office) == 22 * 8.5 * 3600


def test_naive_datetimes_are_refused():
    with pytest.raises(NaiveDatetimeError):
        seconds(ams(2026, 3, 1).replace(tzinfo=None))


def test_months_between_lists_each_first_day():
    assert months_between(date(2025, 11, 15), date(2026, 2, 1)) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
    ]


# --- maintenance window and notice -----------------------------------------------------------


def test_night_work_from_20_to_06_is_inside_the_window():
    assert inside_window(ams(2026, 3, 10, 20, 0), ams(2026, 3, 11, 6, 0), ONITNOW_WINDOW)


def test_work_starting_before_20_is_outside_the_window():
    assert not inside_window(ams(2026, 3, 10, 19, 30), ams(2026, 3, 10, 21, 0), ONITNOW_WINDOW)


def test_work_across_two_nights_is_outside_the_window():
    assert not inside_window(ams(2026, 3, 10, 22, 0), ams(2026, 3, 11, 22, 0), ONITNOW_WINDOW)


def test_the_window_on_the_autumn_night_holds_its_real_eleven_hours():
    start = ams(2026, 10, 24, 20, 0)
    end = ams(2026, 10, 25, 6, 0)
    assert seconds(end) - seconds(start) == 11 * 3600
    assert inside_window(start, end, ONITNOW_WINDOW)


def test_a_window_on_some_weekdays_only():
    weekend = MaintenanceWindowSpec(weekdays=frozenset({5}), start=time(8), end=time(18), tz=AMS)
    assert inside_window(ams(2026, 3, 7, 9, 0), ams(2026, 3, 7, 17, 0), weekend)
    assert not inside_window(ams(2026, 3, 8, 9, 0), ams(2026, 3, 8, 17, 0), weekend)


def test_announcing_a_monday_for_the_next_monday_is_in_time():
    start = ams(2026, 3, 16, 10, 0)
    assert notice_in_time(announced_at=ams(2026, 3, 9, 16, 0), start=start, calendar=ONITNOW)
    assert not notice_in_time(announced_at=ams(2026, 3, 10, 9, 0), start=start, calendar=ONITNOW)


def test_koningsdag_is_not_a_working_day_of_notice():
    # Tuesday 28 April 2026; Monday 27 April is Koningsdag.
    start = ams(2026, 4, 28, 14, 0)
    assert notice_last_day(start, ONITNOW) == date(2026, 4, 20)
    assert not notice_in_time(announced_at=ams(2026, 4, 21, 9, 0), start=start, calendar=ONITNOW)
    assert notice_in_time(announced_at=ams(2026, 4, 20, 17, 0), start=start, calendar=ONITNOW)


def test_christmas_is_not_a_working_day_of_notice():
    # Monday 28 December 2026; Friday 25 December is Kerstmis, the 26th a Saturday.
    start = ams(2026, 12, 28, 10, 0)
    assert notice_last_day(start, ONITNOW) == date(2026, 12, 20)
    assert not notice_in_time(announced_at=ams(2026, 12, 21, 9, 0), start=start, calendar=ONITNOW)


def test_an_announcement_after_the_start_is_never_in_time():
    start = ams(2026, 3, 16, 10, 0)
    assert not notice_in_time(announced_at=start, start=start, calendar=ALWAYS)
