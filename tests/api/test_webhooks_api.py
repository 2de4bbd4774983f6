"""Webhooks through the API (issue #12 §4): endpoints per provider or per customer (the support
services manager's), the delivery log, send again, replay, secret rotation, and the events feed
limited to what the caller may see."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from notifications.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from notifications.services.webhooks.delivery import webhook_relay
from tests.api.conftest import api_client, contact_token, provider_token, staff_member
from tests.notifications.webhook_helpers import Receiver, free_port, receiving
from tests.portal.conftest import Org
from tickets.services import ticket_note_add

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hook"
EVENTS = ["ticket.created", "ticket.replied", "ticket.updated"]


@pytest.fixture(autouse=True)
def _private_targets(settings: Any) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


@pytest.fixture
def manager(org_a: Org) -> Any:
    return api_client(contact_token(org_a.manager))


@pytest.fixture
def staff(db: None) -> Any:
    return api_client(provider_token(staff_member()))


def _register(client: Any, url: str = URL, events: list[str] = EVENTS, **extra: Any) -> Any:
    return client.post("/api/v1/webhooks/", {"url": url, "events": events, **extra}, format="json")


def _endpoint(client: Any, url: str = URL) -> dict[str, Any]:
    response = _register(client, url)
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_the_manager_registers_an_endpoint_and_sees_its_secret_once(
    org_a: Org, manager: Any
) -> None:
    response = _register(manager, description="Onze ITSM")
    body = response.json()
    assert response.status_code == 201, body
    assert body["secret"].startswith("whsec_")
    assert (body["customer"], body["provider"]) == (org_a.customer.pk, None)
    assert response["Location"] == f"/api/v1/webhooks/{body['id']}/"
    read = manager.get(response["Location"])
    assert read.status_code == 200
    assert "secret" not in read.json()
    assert [row["id"] for row in manager.get("/api/v1/webhooks/").json()["results"]] == [body["id"]]


def test_a_named_contact_may_not_manage_webhooks(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    for response in (client.get("/api/v1/webhooks/"), _register(client)):
        assert response.status_code == 403
        assert response.json()["code"] == "manager_only"


def test_a_read_only_token_may_not_register(org_a: Org) -> None:
    client = api_client(contact_token(org_a.manager, scope="read"))
    assert _register(client).status_code == 403


def test_another_organisations_endpoint_answers_404(org_a: Org, org_b: Org, manager: Any) -> None:
    theirs = _endpoint(api_client(contact_token(org_b.manager)), "http://127.0.0.1:9/bravo")
    for response in (
        manager.get(f"/api/v1/webhooks/{theirs['id']}/"),
        manager.get(f"/api/v1/webhooks/{theirs['id']}/deliveries/"),
        manager.post(f"/api/v1/webhooks/{theirs['id']}/rotate-secret/", {}, format="json"),
        manager.delete(f"/api/v1/webhooks/{theirs['id']}/"),
    ):
        assert response.status_code == 404
        assert "bravo" not in response.content.decode()
    assert manager.get("/api/v1/webhooks/").json()["results"] == []


def test_a_provider_token_manages_its_providers_endpoints_only(
    org_a: Org, manager: Any, staff: Any
) -> None:
    customers = _endpoint(manager)
    ours = _endpoint(staff, "http://127.0.0.1:9/desk")
    assert ours["provider"] == org_a.contract.provider_id
    listed = [row["id"] for row in staff.get("/api/v1/webhooks/").json()["results"]]
    assert listed == [ours["id"]]
    assert staff.get(f"/api/v1/webhooks/{customers['id']}/").status_code == 404
    other = api_client(provider_token(staff_member("api-other"), "microsoft"))
    assert other.get(f"/api/v1/webhooks/{ours['id']}/").status_code == 404


def test_an_internal_address_is_refused_with_the_reason(manager: Any, settings: Any) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    response = _register(manager, url="http://169.254.169.254/latest/")
    assert response.status_code == 422
    assert response.json()["code"] == "webhook_target_refused"
    assert "link-local" in response.json()["detail"]
    assert not WebhookEndpoint.objects.exists()


def test_an_unknown_event_type_is_a_field_error(manager: Any) -> None:
    response = _register(manager, events=["ticket.deleted"])
    assert response.status_code == 400
    assert "events.0" in response.json()["errors"]


def test_patch_honours_if_match(manager: Any) -> None:
    endpoint = _endpoint(manager)
    path = f"/api/v1/webhooks/{endpoint['id']}/"
    etag = manager.get(path)["ETag"]
    changed = manager.patch(
        path, {"events": ["ticket.resolved"]}, format="json", HTTP_IF_MATCH=etag
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["events"] == ["ticket.resolved"]
    stale = manager.patch(path, {"is_active": False}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert WebhookEndpoint.objects.get().is_active


def test_turning_an_endpoint_off_and_deleting_it(manager: Any) -> None:
    endpoint = _endpoint(manager)
    path = f"/api/v1/webhooks/{endpoint['id']}/"
    off = manager.patch(path, {"is_active": False}, format="json").json()
    assert (off["is_active"], off["disabled_reason"]) == (False, "owner")
    assert manager.delete(path).status_code == 204
    assert manager.get(path).status_code == 404
    assert manager.get("/api/v1/webhooks/").json()["results"] == []


def test_rotating_the_secret_shows_the_new_one_and_keeps_the_old_a_while(manager: Any) -> None:
    endpoint = _endpoint(manager)
    response = manager.post(
        f"/api/v1/webhooks/{endpoint['id']}/rotate-secret/", {"grace_seconds": 3600}, format="json"
    )
    body = response.json()
    assert response.status_code == 200, body
    assert body["secret"].startswith("whsec_")
    assert body["secret"] != endpoint["secret"]
    assert body["previous_secret_expires_at"] is not None
    assert WebhookEndpoint.objects.get().previous_secret == endpoint["secret"]


def test_the_delivery_log_shows_status_code_and_response(org_a: Org, manager: Any) -> None:
    receiver = Receiver(port=free_port(), status=500, answer=b"queue full")
    endpoint = _endpoint(manager, receiver.url)
    manager.post(f"/api/v1/webhooks/{endpoint['id']}/replay/", {"after_event_id": 0}, format="json")
    with receiving(receiver):
        webhook_relay(now=timezone.now() + timedelta(minutes=1))
    log = manager.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries/").json()["results"]
    assert log
    first = log[-1]
    assert (first["status"], first["attempts"], first["last_status_code"]) == ("pending", 1, 500)
    assert first["last_response"] == "queue full"
    assert first["event"]["msg_id"].startswith("msg_")
    assert [a["status_code"] for a in first["log"]] == [500]


def test_send_again_restarts_a_delivery(org_a: Org, manager: Any) -> None:
    endpoint = _endpoint(manager, f"http://127.0.0.1:{free_port()}/hook")
    manager.post(f"/api/v1/webhooks/{endpoint['id']}/replay/", {"after_event_id": 0}, format="json")
    webhook_relay(now=timezone.now() + timedelta(minutes=1))
    delivery = WebhookDelivery.objects.order_by("pk").first()
    assert delivery is not None
    response = manager.post(
        f"/api/v1/webhooks/{endpoint['id']}/deliveries/{delivery.pk}/resend/", format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["attempts"]) == ("pending", 0)


def test_replay_queues_only_the_missing_events_of_the_organisation(
    org_a: Org, org_b: Org, manager: Any
) -> None:
    endpoint = _endpoint(manager)
    path = f"/api/v1/webhooks/{endpoint['id']}/replay/"
    first = manager.post(path, {"after_event_id": 0}, format="json")
    assert first.status_code == 202, first.content
    ours = WebhookEvent.objects.filter(
        customer=org_a.customer, internal=False, type__in=EVENTS
    ).count()
    assert first.json() == {"queued": ours}
    assert manager.post(path, {"after_event_id": 0}, format="json").json() == {"queued": 0}
    assert not WebhookDelivery.objects.exclude(event__customer=org_a.customer).exists()
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}


def test_replay_without_a_range_is_refused(manager: Any) -> None:
    endpoint = _endpoint(manager)
    response = manager.post(f"/api/v1/webhooks/{endpoint['id']}/replay/", {}, format="json")
    assert response.status_code == 422


def _feed(client: Any, query: str = "") -> dict[str, Any]:
    response = client.get(f"/api/v1/events/{query}")
    assert response.status_code == 200, response.content
    return dict(response.json())


def test_the_feed_lists_the_organisations_events_in_order_from_a_cursor(
    org_a: Org, org_b: Org, manager: Any
) -> None:
    everything = _feed(manager)
    ids = [event["id"] for event in everything["results"]]
    assert ids == sorted(ids)
    assert {event["data"]["ticket"]["customer"]["code"] for event in everything["results"]} == {
        "alfa"
    }
    page = _feed(manager, f"?after={ids[0]}&limit=2")
    assert [event["id"] for event in page["results"]] == ids[1:3]
    assert (page["next_after"], page["has_more"]) == (ids[2], len(ids) > 3)
    assert _feed(manager, f"?after={ids[-1]}") == {
        "results": [],
        "next_after": ids[-1],
        "has_more": False,
    }


def test_a_named_contact_sees_the_events_of_the_tickets_it_sees(org_a: Org) -> None:
    feed = _feed(api_client(contact_token(org_a.named)))
    tickets = {event["ticket"] for event in feed["results"]}
    assert tickets == {org_a.tickets["shared"].pk, org_a.tickets["own"].pk}


def test_internal_events_reach_the_provider_feed_only(
    org_a: Org, manager: Any, staff: Any, now: datetime
) -> None:
    ticket = org_a.tickets["shared"]
    ticket_note_add(ticket=ticket, author=staff_member("agent-x"), body="Intern", now=now)
    note = WebhookEvent.objects.get(ticket=ticket, internal=True)
    assert note.pk not in {e["id"] for e in _feed(manager, "?type=ticket.updated")["results"]}
    assert note.pk in {e["id"] for e in _feed(staff, "?type=ticket.updated")["results"]}


def test_another_providers_feed_is_empty(org_a: Org) -> None:
    other = api_client(provider_token(staff_member("api-other"), "microsoft"))
    assert _feed(other)["results"] == []


def test_an_unknown_type_in_the_feed_is_a_field_error(manager: Any) -> None:
    assert manager.get("/api/v1/events/?type=ticket.deleted").status_code == 400


def test_the_same_idempotency_key_registers_one_endpoint(manager: Any) -> None:
    first = manager.post(
        "/api/v1/webhooks/",
        {"url": URL, "events": EVENTS},
        format="json",
        HTTP_IDEMPOTENCY_KEY="hook-1",
    )
    again = manager.post(
        "/api/v1/webhooks/",
        {"url": URL, "events": EVENTS},
        format="json",
        HTTP_IDEMPOTENCY_KEY="hook-1",
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert WebhookEndpoint.objects.count() == 1


def test_the_delivery_log_and_the_feed_take_a_bounded_number_of_queries(
    org_a: Org, manager: Any, django_assert_max_num_queries: Any
) -> None:
    receiver = Receiver(port=free_port(), status=500)
    endpoint = _endpoint(manager, receiver.url)
    manager.post(f"/api/v1/webhooks/{endpoint['id']}/replay/", {"after_event_id": 0}, format="json")
    with receiving(receiver):
        webhook_relay(now=timezone.now() + timedelta(minutes=1))
        webhook_relay(now=timezone.now() + timedelta(minutes=2))
    assert WebhookDelivery.objects.count() > 3
    with django_assert_max_num_queries(12):
        log = manager.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries/")
    with django_assert_max_num_queries(10):
        feed = manager.get("/api/v1/events/")
    assert (log.status_code, feed.status_code) == (200, 200)


def test_a_refused_target_names_its_field(db: None) -> None:
    from api.errors import _domain
    from notifications.exceptions import WebhookTargetRefused

    body = _domain(WebhookTargetRefused("Niet toegestaan adres.", field="url")).data
    assert body["errors"] == {"url": ["Niet toegestaan adres."]}


def test_the_delivery_log_filters_by_an_event_id_a_bigint_holds(manager: Any) -> None:
    deliveries = f"/api/v1/webhooks/{_endpoint(manager)['id']}/deliveries/"

    too_large = manager.get(deliveries, {"event": str(2**63)})
    large = manager.get(deliveries, {"event": str(2**40)})

    assert too_large.status_code == 400
    assert set(too_large.json()["errors"]) == {"event"}
    assert (large.status_code, large.json()["results"]) == (200, [])
