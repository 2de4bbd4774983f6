"""The back-office's webhook actions (issue #12 §4) go through the services: send again (each
delivery re-queued once), turn off and on, replay a range, rotate the secret (the new one shown
once, the old one valid beside it), and a new endpoint registered with the API's address check
and its refusal in the reader's language. A CSAM may run none of them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client

from notifications.models import DeliveryStatus, DisabledReason, WebhookDelivery, WebhookEndpoint
from tests.backoffice.conftest import english_client
from tests.backoffice.webhook_world import (
    ADD,
    DELIVERIES,
    ENDPOINTS,
    NOW,
    WebhookWorld,
    endpoint,
    frozen_world,
    page_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings: Any) -> Iterator[WebhookWorld]:
    with frozen_world(settings) as built:
        yield built


@pytest.fixture
def dispatched(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The deliveries a worker was asked to send (on commit)."""
    calls: list[int] = []
    monkeypatch.setattr("notifications.services.webhooks.endpoints.webhook_dispatch", calls.append)
    return calls


def act(client: Client, url: str, action: str, rows: list[Any], **extra: Any) -> Any:
    """An admin action on `rows`, as the list's action bar (or an endpoint's page) posts it."""
    data = {"action": action, "index": "0", ACTION_CHECKBOX_NAME: [r.pk for r in rows]}
    return client.post(url, {**data, **extra}, follow=True)


def confirm(client: Client, action: str, rows: list[Any], **fields: Any) -> Any:
    """The confirmation of an action's intermediate page."""
    data = {"action": action, "confirm": "yes", ACTION_CHECKBOX_NAME: [r.pk for r in rows]}
    return client.post(ENDPOINTS, {**data, **fields}, follow=True)


def test_send_again_requeues_each_selected_delivery_once(
    world: WebhookWorld, dispatched: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    delivery = world.delivery(world.own_hook, world.own_ticket)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, attempts=10, next_attempt_at=None
    )
    client = english_client(world.coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, DELIVERIES, "send_again", [delivery, delivery])

    delivery.refresh_from_db()
    assert dispatched == [delivery.pk]
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        DeliveryStatus.PENDING,
        0,
        NOW,
    )
    assert "Deliveries queued to be sent again: 1." in response.content.decode()


def test_send_again_from_the_endpoint_page_returns_to_it(
    world: WebhookWorld, dispatched: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    delivery = world.delivery(world.onitnow_hook, world.own_ticket)
    client = english_client(world.coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = act(
            client, DELIVERIES, "send_again", [delivery], _endpoint=world.onitnow_hook.pk
        )

    assert response.redirect_chain[-1][0] == page_of(world.onitnow_hook)
    assert dispatched == [delivery.pk]


def test_send_again_to_a_turned_off_endpoint_says_why_and_sends_nothing(
    world: WebhookWorld, dispatched: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    delivery = world.delivery(world.own_hook, world.own_ticket)
    WebhookEndpoint.objects.filter(pk=world.own_hook.pk).update(is_active=False)
    client = english_client(world.coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, DELIVERIES, "send_again", [delivery])

    assert dispatched == []
    assert "turn it on before sending to it" in response.content.decode()


def test_turning_an_endpoint_off_stops_its_deliveries_and_on_again(world: WebhookWorld) -> None:
    hook = world.own_hook
    client = english_client(world.coordinator)

    off = act(client, ENDPOINTS, "turn_off", [hook], _endpoint=hook.pk)
    hook.refresh_from_db()
    pending = WebhookDelivery.objects.filter(endpoint=hook, status=DeliveryStatus.PENDING)

    assert off.redirect_chain[-1][0] == page_of(hook)
    assert "Endpoints turned off: 1." in off.content.decode()
    assert (hook.is_active, hook.disabled_reason) == (False, DisabledReason.BY_OWNER)
    assert not pending.exists()

    on = act(client, ENDPOINTS, "turn_on", [hook])
    hook.refresh_from_db()

    assert "Endpoints turned on: 1." in on.content.decode()
    assert (hook.is_active, hook.disabled_at) == (True, None)


def test_replay_asks_for_the_range_then_queues_the_events_never_sent(world: WebhookWorld) -> None:
    late = endpoint("https://alfa-late.example/hook", customer=world.own.customer)
    client = english_client(world.coordinator)

    asked = act(client, ENDPOINTS, "replay_events", [late])
    done = confirm(client, "replay_events", [late], since="2026-06-15 09:00")

    assert 'name="since"' in asked.content.decode()
    assert (
        not WebhookDelivery.objects.filter(endpoint=late)
        .exclude(event__ticket=world.own_ticket)
        .exists()
    )
    assert WebhookDelivery.objects.get(endpoint=late).event.ticket == world.own_ticket
    assert "Events queued for https://alfa-late.example/hook: 1." in done.content.decode()


def test_replay_without_a_range_shows_the_services_words(world: WebhookWorld) -> None:
    client = english_client(world.coordinator)

    response = confirm(client, "replay_events", [world.own_hook])

    assert "Give the range of events to replay." in response.content.decode()


def test_rotating_shows_the_new_secret_once_and_the_old_one_keeps_signing(
    world: WebhookWorld,
) -> None:
    hook = world.own_hook
    old = hook.secret
    client = english_client(world.coordinator)

    asked = act(client, ENDPOINTS, "rotate_secret", [hook], _endpoint=hook.pk)
    shown = confirm(client, "rotate_secret", [hook], grace_hours="2", _endpoint=hook.pk)
    hook.refresh_from_db()
    later = client.get(page_of(hook)).content.decode() + client.get(ENDPOINTS).content.decode()

    assert 'name="grace_hours"' in asked.content.decode()
    assert hook.secret != old
    assert (hook.previous_secret, hook.previous_secret_expires_at) == (
        old,
        NOW + timedelta(hours=2),
    )
    assert hook.secret in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    assert "Copy the secret now: it will not be shown again." in shown.content.decode()
    assert hook.secret not in later
    assert old not in shown.content.decode()


def test_a_new_endpoint_is_registered_by_the_service_and_its_secret_shown_once(
    world: WebhookWorld,
) -> None:
    client = english_client(world.coordinator)
    data = {
        "provider": world.own.provider_id,
        "url": "https://monitoring.example/desk",
        "events": ["ticket.created", "clock.breached"],
        "description": "Monitoring",
    }

    response = client.post(ADD, data)
    made = WebhookEndpoint.objects.get(url="https://monitoring.example/desk")
    later = client.get(page_of(made)).content.decode()

    assert response.status_code == 200
    assert made.secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert (made.provider, made.created_by) == (world.own.provider, world.coordinator)
    assert made.events == ["ticket.created", "clock.breached"]
    assert made.secret not in later


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        (
            "nl",
            "127.0.0.1 is een adres van het soort loopback; webhooks gaan alleen naar "
            "openbare adressen.",
        ),
        ("en", "127.0.0.1 is a loopback address; webhooks are only sent to public addresses."),
    ],
)
def test_an_internal_address_is_refused_on_its_field_in_the_readers_language(
    world: WebhookWorld, settings: Any, language: str, refusal: str
) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(world.coordinator)
    data = {"customer": world.own.customer_id, "url": "http://127.0.0.1/hook"}

    response = client.post(ADD, {**data, "events": ["ticket.created"]})

    assert response.status_code == 200
    assert response.context["form"].errors == {"url": [refusal]}
    assert not WebhookEndpoint.objects.filter(url="http://127.0.0.1/hook").exists()


def test_an_endpoint_needs_exactly_one_owner(world: WebhookWorld) -> None:
    client = english_client(world.coordinator)
    data = {"url": "https://x.example/hook", "events": ["ticket.created"]}

    response = client.post(ADD, data)

    assert "A webhook endpoint belongs to a provider or to a customer." in (
        response.content.decode()
    )
    assert not WebhookEndpoint.objects.filter(url="https://x.example/hook").exists()


def test_a_csam_may_run_no_webhook_action(
    world: WebhookWorld, dispatched: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    client = english_client(world.csam)
    hook = world.own_hook
    delivery = world.delivery(hook, world.own_ticket)

    with django_capture_on_commit_callbacks(execute=True):
        act(client, ENDPOINTS, "turn_off", [hook])
        act(client, DELIVERIES, "send_again", [delivery])
        confirm(client, "rotate_secret", [hook], grace_hours="1")
    hook.refresh_from_db()

    assert (hook.is_active, hook.previous_secret) == (True, "")
    assert dispatched == []
    assert client.post(ADD, {"customer": world.own.customer_id}).status_code == 403
