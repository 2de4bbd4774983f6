"""Calendar revisions (DECISIONS D1, D3): an edit adds revision + 1, new tickets use it, old
tickets keep theirs; the preview lists the closed days of a year."""

from datetime import UTC, date, datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts import selectors
from contracts.businesstime import is_open
from contracts.calendars import ClosedDay, calendar_closed_days, calendar_for, calendar_spec_of
from contracts.exceptions import CalendarRevisionInvalid
from contracts.models import BusinessCalendar
from contracts.selectors import (
    calendar_current,
    calendar_revision_current,
    catalogue_cache_clear,
)
from contracts.services.calendars import calendar_revise
from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket, local

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
ONITNOW_2026 = [
    (date(2026, 1, 1), "New Year's Day"),
    (date(2026, 4, 6), "Easter Monday"),
    (date(2026, 4, 27), "King's Day"),
    (date(2026, 5, 5), "Liberation Day"),
    (date(2026, 5, 14), "Ascension Day"),
    (date(2026, 5, 25), "Pentecost Monday"),
    (date(2026, 12, 25), "Christmas Day"),
]


@pytest.fixture
def onitnow():
    return calendar_current(code="onitnow")


@pytest.fixture
def coordinator():
    return UserFactory(username="coordinator")


def _revise(calendar, actor, **changes):
    values = {
        "hours": {day: [["07:00", "17:30"]] for day in WEEKDAYS},
        "holiday_country": calendar.holiday_country,
        "holiday_subdivision": calendar.holiday_subdivision,
        "holiday_categories": calendar.holiday_categories,
        "extra_closures": calendar.extra_closures,
        "removals": calendar.removals,
        "note": "Support opens at 07:00 from June",
    }
    values.update(changes)
    return calendar_revise(calendar=calendar, now=NOW, actor=actor, **values)


def test_revising_adds_revision_two_and_leaves_the_old_row_untouched(onitnow, coordinator):
    before = calendar_spec_of(onitnow)

    revised = _revise(onitnow, coordinator)

    onitnow.refresh_from_db()
    assert (revised.pk != onitnow.pk, revised.release_id, revised.code) == (
        True,
        onitnow.release_id,
        "onitnow",
    )
    assert (revised.revision, revised.is_current_revision, onitnow.is_current_revision) == (
        2,
        True,
        False,
    )
    assert revised.hours["mon"] == [["07:00", "17:30"]]
    assert (revised.revised_at, revised.revised_by, revised.revision_note) == (
        NOW,
        coordinator,
        "Support opens at 07:00 from June",
    )
    # The holiday source is carried over: Good Friday stays removed.
    assert (revised.holiday_categories, revised.holiday_remove_names) == (
        ["public", "optional"],
        ["Good Friday"],
    )
    assert (calendar_spec_of(onitnow), onitnow.revision) == (before, 1)


def test_a_ticket_after_the_revision_freezes_revision_two_and_an_older_ticket_keeps_one(
    onitnow, coordinator
):
    contact = named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))
    older = create_ticket(contact, ams("2026-06-01 07:30"), priority_level="top")

    _revise(onitnow, coordinator)
    newer = create_ticket(contact, ams("2026-06-01 07:30"), priority_level="top")

    older.refresh_from_db()
    assert (older.calendar_id, older.calendar.revision) == (onitnow.pk, 1)
    assert (newer.calendar.code, newer.calendar.revision) == ("onitnow", 2)
    # 1 business hour: from the 08:30 opening under revision 1, from 07:30 under revision 2.
    assert (local(older.response_due_at), local(newer.response_due_at)) == (
        "2026-06-01 09:30 +0200",
        "2026-06-01 08:30 +0200",
    )


def test_the_current_revision_lookup_is_cached_and_follows_a_revision(
    onitnow, coordinator, django_assert_num_queries
):
    assert calendar_revision_current(onitnow) == onitnow
    with django_assert_num_queries(0):
        assert calendar_revision_current(onitnow) == onitnow

    revised = _revise(onitnow, coordinator)

    assert calendar_revision_current(onitnow) == revised


def test_the_calendars_of_a_release_are_read_again_together(coordinator, django_assert_num_queries):
    """A night ticket on a 24x7 target needs its own calendar and its office's: when the minute
    is over, one query reads both again (and a revision of either is followed)."""
    office, always = calendar_current(code="cbg"), calendar_current(code="cbg-24x7")
    catalogue_cache_clear()
    with django_assert_num_queries(1):
        assert calendar_revision_current(office) == office
        assert calendar_revision_current(always) == always

    revised = _revise(office, coordinator)

    with django_assert_num_queries(1):
        assert calendar_revision_current(always) == always
        assert calendar_revision_current(office) == revised


def test_every_problem_of_bad_hours_and_country_is_reported(onitnow, coordinator):
    hours = {"mon": [["12:00", "08:30"]], "tue": [["08:00", "12:00"], ["11:00", "17:00"]]}

    with pytest.raises(CalendarRevisionInvalid) as refused:
        _revise(onitnow, coordinator, hours=hours, holiday_country="XX")

    assert refused.value.problems == [
        "Monday: 12:00-08:30: the start must be before the end",
        "Tuesday: 08:00-12:00 and 11:00-17:00 overlap",
        "unknown holiday country 'XX'; use an ISO 3166 code such as 'NL'",
    ]
    assert BusinessCalendar.objects.filter(code="onitnow").count() == 1


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"hours": {"mon": [["8h", "17:30"]]}}, "Monday: '8h' is not a time; use HH:MM"),
        ({"hours": {}}, "no opening hours: enter the hours of at least one weekday"),
        ({"holiday_categories": ["bogus"]}, "unknown holiday categories ['bogus'] for NL"),
        ({"holiday_subdivision": "ZZ"}, "unknown subdivision 'ZZ' for NL"),
        ({"extra_closures": ["2026-13-01"]}, "extra closed dates: '2026-13-01' is not an ISO"),
        (
            {"extra_closures": ["2026-12-24"], "removals": ["2026-12-24"]},
            "2026-12-24: a date cannot be both an extra closure and stay open",
        ),
        ({"note": "  "}, "a reason for the revision is required"),
    ],
)
def test_a_revision_is_refused_with_the_reason(onitnow, coordinator, changes, problem):
    with pytest.raises(CalendarRevisionInvalid) as refused:
        _revise(onitnow, coordinator, **changes)

    assert [p for p in refused.value.problems if p.startswith(problem)] != []
    assert onitnow.__class__.objects.get(pk=onitnow.pk).is_current_revision is True


def test_an_old_revision_cannot_be_revised(onitnow, coordinator):
    _revise(onitnow, coordinator)
    onitnow.refresh_from_db()

    with pytest.raises(CalendarRevisionInvalid, match="no longer current \\(revision 2 is\\)"):
        _revise(onitnow, coordinator, hours={"mon": [["09:00", "17:00"]]})


def test_saving_unchanged_values_adds_no_revision(onitnow, coordinator):
    with pytest.raises(CalendarRevisionInvalid, match="nothing changed"):
        _revise(onitnow, coordinator, hours=onitnow.hours)


def test_the_2026_preview_of_onitnow_closes_liberation_day_and_not_good_friday(onitnow):
    days = calendar_closed_days(calendar_row_or_spec=onitnow, year=2026)

    assert [(d.day, d.reason) for d in days] == ONITNOW_2026
    assert date(2026, 5, 5) in {d.day for d in days}
    assert date(2026, 4, 3) not in {d.day for d in days}


def test_an_extra_closure_and_a_removal_show_up_in_the_preview_of_entered_values(onitnow):
    spec = calendar_spec_of(onitnow)
    spec["holidays"]["extra_closures"] = ["2026-12-24"]
    spec["holidays"]["removals"] = ["2026-05-14"]

    days = calendar_closed_days(calendar_row_or_spec=spec, year=2026)

    assert ClosedDay(date(2026, 12, 24), "extra closure") in days
    assert ClosedDay(date(2026, 5, 14), "stays open (Ascension Day)", is_open=True) in days
    assert len(days) == len(ONITNOW_2026) + 1


def test_a_revised_extra_closure_closes_the_new_revision_only(onitnow, coordinator):
    revised = _revise(onitnow, coordinator, extra_closures=["2026-12-24"])

    assert ClosedDay(date(2026, 12, 24), "extra closure") in calendar_closed_days(
        calendar_row_or_spec=revised, year=2026
    )
    christmas_eve = ams("2026-12-24 10:00")
    assert (
        is_open(christmas_eve, calendar_for(revised)),
        is_open(christmas_eve, calendar_for(onitnow)),
    ) == (False, True)


def test_a_24x7_calendar_has_no_closed_days():
    always = calendar_current(code="24x7")

    assert calendar_closed_days(calendar_row_or_spec=always, year=2026) == []


# --- the back-office --------------------------------------------------------------------------

HOURS_FORM = {f"hours_{day}": "08:30-17:30" for day in WEEKDAYS}


def _form(onitnow, **changes):
    data = {
        **HOURS_FORM,
        "holiday_country": "NL",
        "holiday_subdivision": "",
        "holiday_categories": "public, optional",
        "holiday_remove_names": "Good Friday",
        "extra_closures": "",
        "removals": "",
        "note": "",
        "year": "2026",
    }
    data.update(changes)
    return data


def _url(calendar):
    return f"/admin/contracts/businesscalendar/{calendar.pk}/change/"


def test_the_admin_form_shows_the_current_values(admin_client, onitnow):
    page = admin_client.get(_url(onitnow), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'name="hours_mon" value="08:30-17:30"' in page
    assert 'name="holiday_categories" value="public, optional"' in page
    assert 'name="_save_revision"' in page


def test_the_admin_preview_shows_entered_values_without_saving(admin_client, onitnow):
    response = admin_client.post(
        _url(onitnow),
        _form(onitnow, extra_closures="2026-12-24", _preview="1"),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "2026-12-24" in page
    assert "extra closure" in page
    assert BusinessCalendar.objects.filter(code="onitnow").count() == 1


def test_the_admin_saves_a_new_version_and_redirects_to_it(admin_client, onitnow):
    response = admin_client.post(
        _url(onitnow),
        _form(
            onitnow, hours_mon="08:00-12:00, 13:00-17:30", note="Lunch break", _save_revision="1"
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    revised = BusinessCalendar.objects.get(code="onitnow", revision=2)
    assert (response.status_code, response["Location"]) == (302, _url(revised))
    assert (revised.hours["mon"], revised.hours["tue"], revised.revision_note) == (
        [["08:00", "12:00"], ["13:00", "17:30"]],
        [["08:30", "17:30"]],
        "Lunch break",
    )


def test_the_admin_shows_every_problem_instead_of_saving(admin_client, onitnow):
    response = admin_client.post(
        _url(onitnow),
        _form(
            onitnow,
            hours_mon="12:00-08:30",
            hours_tue="nine to five",
            holiday_country="XX",
            _save_revision="1",
        ),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "&#x27;nine to five&#x27; is not an interval" in page
    assert "Give the reason for this revision." in page
    assert BusinessCalendar.objects.filter(code="onitnow").count() == 1


def test_an_old_revision_is_read_only_with_its_closed_days(admin_client, onitnow, coordinator):
    _revise(onitnow, coordinator)

    page = admin_client.get(
        _url(onitnow) + "?year=2027", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert 'name="_save_revision"' not in page
    assert 'name="_save"' not in page
    assert "2027-05-05" in page
    assert "Liberation Day" in page


def test_without_the_change_permission_the_calendar_is_read_only(client, onitnow):
    viewer = UserFactory(username="viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="view_businesscalendar"))
    client.force_login(viewer)

    page = client.get(_url(onitnow), HTTP_ACCEPT_LANGUAGE="en")
    posted = client.post(_url(onitnow), _form(onitnow, note="x", _save_revision="1"))

    assert page.status_code == 200
    assert b'name="_save_revision"' not in page.content
    assert b"2026-05-05" in page.content
    assert posted.status_code == 403
    assert BusinessCalendar.objects.filter(code="onitnow").count() == 1


def test_the_calendar_list_shows_revisions(admin_client, onitnow, coordinator):
    _revise(onitnow, coordinator)

    page = admin_client.get(
        "/admin/contracts/businesscalendar/?code=onitnow", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert page.count(">onitnow<") == 2
    assert "column-revision" in page
    assert "column-is_current_revision" in page


def test_the_release_list_counts_and_the_detail_shows_the_source(admin_client, onitnow):
    listing = admin_client.get(
        "/admin/contracts/cataloguerelease/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    detail = admin_client.get(
        f"/admin/contracts/cataloguerelease/{onitnow.release_id}/change/",
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()

    assert '<td class="field-calendar_count">1</td>' in listing
    assert '<pre class="catalogue-source">' in detail
    assert "remove_names = [&quot;Good Friday&quot;]" in detail
    assert 'name="_save"' not in detail


def test_a_new_ticket_freezes_a_revision_another_process_just_made(onitnow, coordinator):
    # This process has revision 1 cached for the minute; another process revises the calendar
    # (here: the revision, then this process's cache as it was). The next ticket's contract
    # read names the current revisions of its release (issue #16): revision 2 at once.
    contact = named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))
    create_ticket(contact, ams("2026-06-01 07:30"), priority_level="top")
    cached = dict(selectors._CURRENT_REVISIONS)

    revised = _revise(onitnow, coordinator)
    selectors._CURRENT_REVISIONS.update(cached)
    assert calendar_revision_current(onitnow) == onitnow  # what the other process still holds

    newer = create_ticket(contact, ams("2026-06-01 07:30"), priority_level="top")
    assert newer.calendar_id == revised.pk
    assert calendar_revision_current(onitnow) == revised


def test_after_the_minute_a_new_ticket_reads_no_calendar_or_policy_apart(onitnow):
    contact = named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))
    create_ticket(contact, ams("2026-06-01 07:30"), priority_level="top")
    selectors._CURRENT_REVISIONS.clear()  # as when the minute is over
    selectors._POLICIES_CACHED.clear()

    with CaptureQueriesContext(connection) as reads:
        create_ticket(contact, ams("2026-06-01 07:40"), priority_level="top")

    tables = {q["sql"].split(" FROM ", 1)[1].split()[0] for q in reads if " FROM " in q["sql"]}
    assert tables.isdisjoint({'"contracts_businesscalendar"', '"contracts_escalationpolicy"'})
    assert calendar_revision_current(onitnow) == onitnow
