"""Availability in the API (issue #15 §1): monitored services, outages, planned maintenance and
a contract's figures; customers read their own organisation's, staff write by role, domain
refusals answer 422 in the caller's language."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from availability.models import MaintenanceStatus, MonitoredService, Outage, PlannedMaintenance
from notifications.models import OutboxEmail
from tests.api.conftest import api_client, contact_token, provider_token, staff_member
from tests.portal.conftest import Org
from tests.tickets.helpers import create_ticket

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")


def service_of(org: Org, name: str = "Integratiedienst") -> MonitoredService:
    return MonitoredService.objects.create(
        contract=org.contract,
        name=name,
        kind="integration_service",
        office_target_percent="99.50",
        outside_target_percent="95.00",
        max_interruptions=3,
        target_basis="contract",
        created_at=timezone.now(),
    )


def coordinator_client() -> object:
    return api_client(provider_token(staff_member()))


def local_noon(days_ahead: int) -> datetime:
    day = (timezone.now() + timedelta(days=days_ahead)).astimezone(AMS).date()
    return datetime(day.year, day.month, day.day, 12, tzinfo=AMS)


def test_a_coordinator_adds_a_service_with_the_providers_default_targets(org_a: Org) -> None:
    org_a.contract.hosting = "cloud"
    org_a.contract.save()
    response = coordinator_client().post(
        reverse("api:monitored-service-list"),
        {"contract": org_a.contract.pk, "name": "Integratiedienst", "kind": "integration_service"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["office_target_percent"], body["max_interruptions"]) == ("99.50", 3)


def test_a_second_service_of_the_same_name_answers_422_in_english(org_a: Org) -> None:
    service_of(org_a)
    response = coordinator_client().post(
        reverse("api:monitored-service-list"),
        {"contract": org_a.contract.pk, "name": "Integratiedienst", "kind": "other"},
        format="json",
    )
    assert response.status_code == 422
    assert "already has a service called Integratiedienst" in response.json()["detail"]


def test_a_customer_reads_its_services_but_cannot_change_them(org_a: Org) -> None:
    service = service_of(org_a)
    client = api_client(contact_token(org_a.manager))
    listed = client.get(reverse("api:monitored-service-list"))
    changed = client.patch(
        reverse("api:monitored-service-detail", args=[service.pk]),
        {"office_target_percent": "90.00"},
        format="json",
    )
    assert [row["id"] for row in listed.json()["results"]] == [service.pk]
    assert changed.status_code == 403


def test_a_coordinator_changes_a_services_target(org_a: Org) -> None:
    service = service_of(org_a)
    response = coordinator_client().patch(
        reverse("api:monitored-service-detail", args=[service.pk]),
        {"office_target_percent": "98.00", "max_interruptions": None},
        format="json",
    )
    assert response.status_code == 200, response.content
    service.refresh_from_db()
    assert (str(service.office_target_percent), service.max_interruptions) == ("98.00", None)


def test_an_outage_is_recorded_and_ended_through_the_api(org_a: Org) -> None:
    service = service_of(org_a)
    client = api_client(provider_token(staff_member("api-first", "First line")))
    start = timezone.now() - timedelta(hours=1)
    recorded = client.post(
        reverse("api:outage-list"),
        {"service": service.pk, "start": start.isoformat(), "tickets": [org_a.tickets["own"].pk]},
        format="json",
    )
    assert recorded.status_code == 201, recorded.content
    outage_id = recorded.json()["id"]
    ended = client.post(reverse("api:outage-end", args=[outage_id]), {}, format="json")
    again = client.post(reverse("api:outage-end", args=[outage_id]), {}, format="json")
    assert ended.status_code == 200
    assert ended.json()["end"] is not None
    assert recorded.json()["tickets"] == [
        {"id": org_a.tickets["own"].pk, "number": org_a.tickets["own"].number}
    ]
    assert (again.status_code, again.json()["detail"]) == (422, "This outage has already ended.")


def test_an_outage_in_the_future_answers_422_and_nothing_is_written(org_a: Org) -> None:
    service = service_of(org_a)
    client = coordinator_client()
    start = timezone.now() + timedelta(hours=1)
    response = client.post(
        reverse("api:outage-list"),
        {"service": service.pk, "start": start.isoformat()},
        format="json",
    )
    assert response.status_code == 422
    assert Outage.objects.count() == 0


@pytest.mark.usefixtures("english")
def test_an_outage_in_the_year_139_answers_400_and_nothing_is_written(org_a: Org) -> None:
    """Every moment the API takes lies between 1970 and 2100: before 1937 Amsterdam's offset
    had seconds, and such an outage could not be read back as ISO 8601 (the schema fuzz)."""
    service = service_of(org_a)
    response = coordinator_client().post(
        reverse("api:outage-list"),
        {"service": service.pk, "start": "0139-04-02T19:46:24Z"},
        format="json",
    )
    assert response.status_code == 400
    assert "between 1970 and 2100" in str(response.json())
    assert Outage.objects.count() == 0


def test_the_outage_list_filters_by_service_and_ongoing(org_a: Org) -> None:
    first, second = service_of(org_a), service_of(org_a, "Software")
    now = timezone.now()
    Outage.objects.create(service=first, start=now - timedelta(hours=3), recorded_at=now)
    ended = Outage.objects.create(
        service=second,
        start=now - timedelta(hours=3),
        end=now - timedelta(hours=2),
        recorded_at=now,
    )
    client = coordinator_client()
    by_service = client.get(reverse("api:outage-list"), {"service": second.pk})
    ongoing = client.get(reverse("api:outage-list"), {"ongoing": "false"})
    assert [row["id"] for row in by_service.json()["results"]] == [ended.pk]
    assert [row["id"] for row in ongoing.json()["results"]] == [ended.pk]


def test_a_customer_sees_its_outages_without_the_incident_tickets(org_a: Org, org_b: Org) -> None:
    now = timezone.now()
    own = Outage.objects.create(service=service_of(org_a), start=now, recorded_at=now)
    own.tickets.add(org_a.tickets["private"])
    Outage.objects.create(service=service_of(org_b), start=now, recorded_at=now)
    response = api_client(contact_token(org_a.named)).get(reverse("api:outage-list"))
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [own.pk]
    assert "tickets" not in rows[0]


def test_tickets_are_linked_to_an_outage_and_the_linked_ones_stay(org_a: Org) -> None:
    now = timezone.now()
    outage = Outage.objects.create(service=service_of(org_a), start=now, recorded_at=now)
    outage.tickets.add(org_a.tickets["private"])
    response = coordinator_client().post(
        reverse("api:outage-tickets", args=[outage.pk]),
        {"tickets": [org_a.tickets["own"].pk]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert set(outage.tickets.all()) == {org_a.tickets["private"], org_a.tickets["own"]}


def test_a_disruption_ticket_opens_an_outage_and_a_second_joins_it(org_a: Org) -> None:
    service = service_of(org_a)
    now = timezone.now()
    first = create_ticket(org_a.named, now - timedelta(minutes=30), impact_scope="multiple_users")
    second = create_ticket(org_a.named, now - timedelta(minutes=20), impact_scope="multiple_users")
    client = coordinator_client()
    opened = client.post(reverse("api:ticket-outage", args=[first.pk]), {}, format="json")
    joined = client.post(reverse("api:ticket-outage", args=[second.pk]), {}, format="json")
    assert (opened.status_code, joined.status_code) == (201, 200)
    assert opened.json()["id"] == joined.json()["id"]
    assert opened.json()["service"]["id"] == service.pk
    opened_at = datetime.fromisoformat(opened.json()["start"].replace("Z", "+00:00"))
    assert opened_at == first.created_at


def test_a_ticket_of_one_user_opens_no_outage(org_a: Org) -> None:
    service_of(org_a)
    ticket = create_ticket(org_a.named, timezone.now() - timedelta(minutes=5))
    response = coordinator_client().post(
        reverse("api:ticket-outage", args=[ticket.pk]), {}, format="json"
    )
    assert response.status_code == 422
    assert "several users" in response.json()["detail"]


def test_maintenance_at_short_notice_is_refused_with_the_last_day(org_a: Org) -> None:
    service = service_of(org_a)
    start = local_noon(2)
    response = coordinator_client().post(
        reverse("api:maintenance-list"),
        {
            "services": [service.pk],
            "title": "Patches",
            "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 422
    assert "5 working days ahead" in response.json()["detail"]
    assert PlannedMaintenance.objects.count() == 0


def test_maintenance_with_a_reason_is_planned_flagged_and_announced(org_a: Org) -> None:
    service = service_of(org_a)
    start = local_noon(2)
    response = coordinator_client().post(
        reverse("api:maintenance-list"),
        {
            "services": [service.pk],
            "title": "Beveiligingspatch",
            "start": start.isoformat(),
            "end": (start + timedelta(hours=1)).isoformat(),
            "override_reason": "Kritiek lek",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["notice_ok"], body["override_reason"]) == (False, "Kritiek lek")
    assert OutboxEmail.objects.filter(to_email=org_a.manager.email).exists()


def test_a_customer_sees_only_announced_maintenance_and_only_its_own_services(
    org_a: Org, org_b: Org
) -> None:
    now = timezone.now()
    ours, theirs = service_of(org_a), service_of(org_b, "Bravo kluis")
    shared = PlannedMaintenance.objects.create(
        provider=org_a.contract.provider,
        title="Netwerk",
        start=now + timedelta(days=9),
        end=now + timedelta(days=9, hours=1),
        announced_at=now,
        created_at=now,
    )
    shared.services.set([ours, theirs])
    unannounced = PlannedMaintenance.objects.create(
        provider=org_a.contract.provider,
        title="Concept",
        start=now + timedelta(days=9),
        end=now + timedelta(days=9, hours=1),
        created_at=now,
    )
    unannounced.services.set([ours])
    response = api_client(contact_token(org_a.manager)).get(reverse("api:maintenance-list"))
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [shared.pk]
    assert [s["name"] for s in rows[0]["services"]] == ["Integratiedienst"]
    assert b"Bravo kluis" not in response.content


def test_a_coordinator_cancels_maintenance_once(org_a: Org) -> None:
    now = timezone.now()
    maintenance = PlannedMaintenance.objects.create(
        provider=org_a.contract.provider,
        title="Netwerk",
        start=now + timedelta(days=9),
        end=now + timedelta(days=9, hours=1),
        announced_at=now,
        created_at=now,
    )
    maintenance.services.set([service_of(org_a)])
    client = coordinator_client()
    cancelled = client.post(reverse("api:maintenance-cancel", args=[maintenance.pk]))
    again = client.post(reverse("api:maintenance-cancel", args=[maintenance.pk]))
    assert cancelled.json()["status"] == MaintenanceStatus.CANCELLED
    assert again.status_code == 422


def test_a_contracts_month_shows_figures_and_the_breach(org_a: Org) -> None:
    service = service_of(org_a)
    start = datetime(2025, 11, 12, 10, tzinfo=AMS)  # a Wednesday, in office hours
    Outage.objects.create(
        service=service, start=start, end=start + timedelta(hours=8), recorded_at=start
    )
    response = api_client(contact_token(org_a.manager)).get(
        reverse("api:contract-availability", args=[org_a.contract.pk]), {"month": "2025-11"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    (row,) = body["services"]
    assert (row["month"], row["interruptions"], row["office"]["met"]) == ("2025-11", 1, False)
    assert [(b["kind"], b["promised"]) for b in body["breaches"]] == [("office", "99.50 %")]


def test_a_period_of_months_answers_each_month(org_a: Org) -> None:
    service_of(org_a)
    response = api_client(contact_token(org_a.named)).get(
        reverse("api:contract-availability", args=[org_a.contract.pk]),
        {"start": "2025-10", "end": "2025-12"},
    )
    months = [row["month"] for row in response.json()["services"]]
    assert months == ["2025-10", "2025-11", "2025-12"]


def test_a_period_ending_before_it_starts_answers_400(org_a: Org) -> None:
    response = api_client(contact_token(org_a.manager)).get(
        reverse("api:contract-availability", args=[org_a.contract.pk]),
        {"start": "2025-10", "end": "2025-09"},
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"end"}


def test_an_outage_filter_moment_with_an_offset_postgresql_refuses_still_answers():
    # Python takes offsets up to 23:59, PostgreSQL only up to 15:59: the filter hands UTC on.
    from api.filters import UtcIsoDateTimeField

    moment = UtcIsoDateTimeField().clean("2026-05-12T01:30:32+17:43")
    assert moment.utcoffset().total_seconds() == 0
    assert moment.isoformat() == "2026-05-11T07:47:32+00:00"
