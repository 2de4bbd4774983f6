"""Time on tickets in the API (issue 14 §1): travel with its distance, overlapping entries
refused, the coordinator's billable decision, and the caller's timer, through the same services
as the work page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from tests.api.conftest import api_client, provider_token, staff_member
from tests.portal.conftest import Org
from tickets.models import Ticket, TimeEntry, TimeTimer

pytestmark = pytest.mark.django_db


def _url(ticket: Ticket, name: str, **kwargs: Any) -> str:
    return reverse(f"api:ticket-{name}", kwargs={"ticket_id": ticket.pk, **kwargs})


@pytest.fixture
def staff(coordinator: User) -> Any:
    return api_client(provider_token(coordinator))


def _register(client: Any, ticket: Ticket, started: str, minutes: int, **extra: Any) -> Any:
    body = {"started_at": started, "minutes": minutes, "category": "in_subscription", **extra}
    return client.post(_url(ticket, "time-entries"), body, format="json")


def test_an_overlapping_entry_is_refused_with_the_reason(org_a: Org, staff: Any) -> None:
    ticket = org_a.tickets["own"]
    started = (timezone.now() - timedelta(hours=2)).isoformat()
    assert _register(staff, ticket, started, 60).status_code == 201
    refused = _register(staff, ticket, started, 30)
    assert refused.status_code == 400
    assert "may not overlap" in refused.json()["errors"]["started_at"][0]
    assert TimeEntry.objects.count() == 1


def test_travel_without_distance_is_refused(org_a: Org, staff: Any) -> None:
    started = (timezone.now() - timedelta(hours=2)).isoformat()
    refused = _register(staff, org_a.tickets["own"], started, 30, category="travel")
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["distance_km"]


def test_a_coordinator_decides_whether_an_entry_is_billed(org_a: Org, staff: Any) -> None:
    ticket = org_a.tickets["own"]
    started = (timezone.now() - timedelta(hours=2)).isoformat()
    entry_id = _register(staff, ticket, started, 60).json()["id"]
    response = staff.post(
        _url(ticket, "time-entry-billable", entry_id=entry_id),
        {"billable": False, "reason": "Garantie"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["billable_override"], response.json()["billable_override_reason"]) == (
        False,
        "Garantie",
    )


def test_the_first_line_may_not_decide(org_a: Org, staff: Any) -> None:
    ticket = org_a.tickets["own"]
    started = (timezone.now() - timedelta(hours=2)).isoformat()
    entry_id = _register(staff, ticket, started, 60).json()["id"]
    first = api_client(provider_token(staff_member("api-first", "First line")), language="en")
    response = first.post(
        _url(ticket, "time-entry-billable", entry_id=entry_id),
        {"billable": True, "reason": "Meerwerk"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Only a support coordinator may decide whether time is billable."
    )
    assert TimeEntry.objects.get(pk=entry_id).billable_override is None


def test_the_timer_runs_and_its_stop_registers_the_time(
    org_a: Org, staff: Any, coordinator: User
) -> None:
    ticket = org_a.tickets["own"]
    start = timezone.now() - timedelta(hours=1)
    with time_machine.travel(start, tick=False):
        assert staff.post(_url(ticket, "timer")).status_code == 201
        assert staff.get(_url(ticket, "timer")).json()["running"] is True
    with time_machine.travel(start + timedelta(minutes=17, seconds=5), tick=False):
        response = staff.post(
            _url(ticket, "timer-stop"), {"category": "in_subscription"}, format="json"
        )
    assert response.status_code == 201, response.content
    assert response.json()["minutes"] == 18
    assert not TimeTimer.objects.filter(user=coordinator).exists()
    assert staff.get(_url(ticket, "timer")).json() == {"running": False, "started_at": None}


def test_a_second_timer_is_refused(org_a: Org, staff: Any) -> None:
    ticket = org_a.tickets["own"]
    assert staff.post(_url(ticket, "timer")).status_code == 201
    assert staff.post(_url(ticket, "timer")).status_code == 409
    assert staff.delete(_url(ticket, "timer")).status_code == 204
    assert not TimeTimer.objects.exists()
