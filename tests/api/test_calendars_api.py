"""Calendars through the API (issue #12 §2): who sees which, the closed days ahead, and the
clock's deadline and business-time sums, the same as `contracts.businesstime` gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User

from contracts.businesstime import deadline, elapsed
from contracts.calendars import calendar_for
from contracts.selectors import calendar_current
from tests.api.conftest import api_client, contact_token, provider_token
from tests.portal.conftest import Org

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
DEADLINE = "/api/v1/calendars/onitnow/deadline/"
BUSINESS_TIME = "/api/v1/calendars/onitnow/business-time/"
TEN_YEARS = 3653 * 86_400


def _codes(client: Any) -> set[str]:
    response = client.get("/api/v1/calendars/")
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


def test_a_contact_sees_the_calendars_its_contracts_run_on(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    assert _codes(client) == {"onitnow"}
    assert client.get("/api/v1/calendars/microsoft-nl/").status_code == 404
    assert (
        client.post(
            "/api/v1/calendars/cbg/deadline/",
            {"start": "2026-04-03T09:00:00+02:00", "budget": 60},
            format="json",
        ).status_code
        == 404
    )


def test_a_provider_token_sees_its_own_catalogues_calendars(org_a: Org, coordinator: User) -> None:
    microsoft = api_client(provider_token(coordinator, "microsoft"))
    assert _codes(microsoft) == {"24x7", "microsoft-nl"}
    assert microsoft.get("/api/v1/calendars/onitnow/").status_code == 404


def test_the_opening_hours_are_the_weekly_intervals(org_a: Org) -> None:
    body = api_client(contact_token(org_a.named)).get("/api/v1/calendars/onitnow/").json()
    assert body["timezone"] == "Europe/Amsterdam"
    assert body["opening_hours"][0] == {"day": "mon", "opens": "08:30", "closes": "17:30"}
    assert [row["day"] for row in body["opening_hours"]] == ["mon", "tue", "wed", "thu", "fri"]


def test_the_closed_days_ahead_are_named_in_the_callers_language(org_a: Org) -> None:
    raw = contact_token(org_a.named)
    with time_machine.travel(datetime(2026, 4, 1, 10, 0, tzinfo=UTC), tick=False):
        dutch = api_client(raw, language="nl").get("/api/v1/calendars/onitnow/").json()
        english = api_client(raw).get("/api/v1/calendars/onitnow/").json()
    assert {"date": "2026-05-05", "name": "Bevrijdingsdag"} in dutch["closed_days"]
    assert {"date": "2026-05-05", "name": "Liberation Day"} in english["closed_days"]
    assert "2026-04-03" not in {day["date"] for day in dutch["closed_days"]}  # Good Friday


def test_the_deadline_skips_liberation_day_as_the_clock_does(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    response = client.post(
        DEADLINE, {"start": "2026-05-04T16:30:00+02:00", "budget": 7200}, format="json"
    )
    assert response.status_code == 200, response.content
    start = datetime(2026, 5, 4, 16, 30, tzinfo=AMS)
    expected = deadline(start, timedelta(hours=2), calendar_for(calendar_current(code="onitnow")))
    assert expected == datetime(2026, 5, 6, 9, 30, tzinfo=AMS)
    assert datetime.fromisoformat(response.json()["due"]) == expected
    assert response.json()["revision"] == 1


def test_the_deadline_crosses_the_clock_change_as_the_clock_does(org_a: Org) -> None:
    """Friday 17:00 in winter time: half an hour left that day, the rest on Monday in summer
    time."""
    client = api_client(contact_token(org_a.named))
    response = client.post(
        DEADLINE, {"start": "2026-03-27T16:00:00Z", "budget": 3600}, format="json"
    )
    start = datetime(2026, 3, 27, 16, 0, tzinfo=UTC)
    expected = deadline(start, timedelta(hours=1), calendar_for(calendar_current(code="onitnow")))
    assert expected == datetime(2026, 3, 30, 9, 0, tzinfo=AMS)
    assert datetime.fromisoformat(response.json()["due"]) == expected


def test_good_friday_is_a_working_day_of_business_time(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    response = client.post(
        BUSINESS_TIME,
        {"start": "2026-04-03T00:00:00+02:00", "end": "2026-04-04T00:00:00+02:00"},
        format="json",
    )
    assert response.status_code == 200, response.content
    start = datetime(2026, 4, 3, tzinfo=AMS)
    expected = elapsed(
        start, start + timedelta(days=1), calendar_for(calendar_current(code="onitnow"))
    )
    assert response.json()["seconds"] == expected.total_seconds() == 9 * 3600


def test_liberation_day_has_no_business_time(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    response = client.post(
        BUSINESS_TIME,
        {"start": "2026-05-05T00:00:00+02:00", "end": "2026-05-06T00:00:00+02:00"},
        format="json",
    )
    assert response.json()["seconds"] == 0


def test_a_naive_start_is_refused_not_guessed(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    response = client.post(DEADLINE, {"start": "2026-05-04T16:30:00", "budget": 60}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"]["start"] == [
        "Give the time with its offset from UTC, such as 2026-04-03T09:00:00+02:00 or "
        "2026-04-03T07:00:00Z: a time without one is ambiguous."
    ]


def test_a_naive_end_is_refused(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    response = client.post(
        BUSINESS_TIME,
        {"start": "2026-04-03T00:00:00+02:00", "end": "2026-04-04T00:00:00"},
        format="json",
    )
    assert set(response.json()["errors"]) == {"end"}


def test_a_budget_over_ten_years_is_refused_in_dutch(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named), language="nl")
    response = client.post(
        DEADLINE, {"start": "2026-04-03T09:00:00+02:00", "budget": TEN_YEARS + 1}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["budget"] == [
        f"Zorg ervoor dat deze waarde kleiner is dan of gelijk is aan {TEN_YEARS}."
    ]


def test_the_longest_budget_is_answered(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    response = client.post(
        DEADLINE, {"start": "2026-04-03T09:00:00+02:00", "budget": TEN_YEARS}, format="json"
    )
    assert response.status_code == 200


def test_a_range_over_ten_years_or_backwards_is_refused(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    too_long = client.post(
        BUSINESS_TIME,
        {"start": "2026-01-01T00:00:00Z", "end": "2036-01-05T00:00:00Z"},
        format="json",
    )
    backwards = client.post(
        BUSINESS_TIME,
        {"start": "2026-01-02T00:00:00Z", "end": "2026-01-01T00:00:00Z"},
        format="json",
    )
    assert too_long.json()["errors"] == {"end": ["Ask for at most ten years at a time."]}
    assert backwards.json()["errors"] == {"end": ["The end is before the start."]}


def test_a_time_beyond_2100_is_refused(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    response = client.post(
        DEADLINE, {"start": "2150-01-01T09:00:00+00:00", "budget": TEN_YEARS}, format="json"
    )
    assert response.json()["errors"] == {"start": ["Give a time between 1970 and 2100."]}


def test_a_read_only_token_may_ask_for_a_deadline(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named, scope="read"))
    response = client.post(
        DEADLINE, {"start": "2026-04-03T09:00:00+02:00", "budget": 0}, format="json"
    )
    assert response.status_code == 200
    assert datetime.fromisoformat(response.json()["due"]) == datetime(2026, 4, 3, 9, 0, tzinfo=AMS)
