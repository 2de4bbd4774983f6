"""The back-office's webhook pages (issue #12 §4): the endpoint list and page with its delivery
log, in Dutch and English, within a bounded number of queries; the secret never on a page and
never a filter; a CSAM reads only their contracts' endpoints and deliveries; the first line
has no webhook pages (as with the outbox and the API tokens)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contracts.staff_scope import staff_rows
from notifications.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from notifications.services.webhooks.delivery import webhook_relay
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
from tests.factories import named_contact
from tests.notifications.webhook_helpers import Receiver, free_port, receiving
from tests.tickets.helpers import create_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings: Any) -> Iterator[WebhookWorld]:
    with frozen_world(settings) as built:
        yield built


def client_in(user: User, language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nl", ["Selecteer webhook-eindpunt om te bekijken", "actief", "Mislukt sinds"]),
        ("en", ["Select webhook endpoint to view", "active", "Failing since"]),
    ],
)
def test_the_endpoint_list_shows_every_endpoint_to_a_coordinator_in_their_language(
    world: WebhookWorld, language: str, words: list[str], django_assert_max_num_queries: Any
) -> None:
    client = client_in(world.coordinator, language)

    with django_assert_max_num_queries(14):
        response = client.get(ENDPOINTS)

    page = response.content.decode()
    assert (response.status_code, response["Content-Language"]) == (200, language)
    assert all(word in page for word in words), words
    for hook in WebhookEndpoint.objects.all():
        assert hook.url in page
    assert "Klant Alfa B.V." in page
    assert 'value="turn_off"' in page  # the coordinator's actions


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nl", ["Mislukt sinds", "in afwachting"]),
        ("en", ["Failing since", "pending", "Delivery log", "Send the selected deliveries again"]),
    ],
)
def test_the_endpoint_page_shows_its_delivery_log_in_the_readers_language(
    world: WebhookWorld, language: str, words: list[str], django_assert_max_num_queries: Any
) -> None:
    delivery = world.delivery(world.onitnow_hook, world.own_ticket)
    client = client_in(world.coordinator, language)

    with django_assert_max_num_queries(14):
        response = client.get(page_of(world.onitnow_hook))

    page = response.content.decode()
    assert (response.status_code, response["Content-Language"]) == (200, language)
    assert all(word in page for word in words), words
    assert delivery.event.public_id in page
    assert world.delivery(world.onitnow_hook, world.neighbour_ticket).event.public_id in page


def test_the_log_shows_the_receivers_status_code_and_the_start_of_its_answer(
    world: WebhookWorld,
) -> None:
    receiver = Receiver(port=free_port(), status=503, answer=b"Onderhoud " * 600)
    hook = endpoint(receiver.url, customer=world.own.customer)
    create_ticket(named_contact(world.own), NOW, subject="Alfa scanner")
    delivery = WebhookDelivery.objects.get(endpoint=hook)
    with receiving(receiver):
        webhook_relay(now=timezone.now() + timedelta(seconds=1))
    client = english_client(world.coordinator)

    listing = client.get(DELIVERIES, {"endpoint__id__exact": hook.pk}).content.decode()
    detail = client.get(
        reverse("admin:notifications_webhookdelivery_change", args=[delivery.pk])
    ).content.decode()
    endpoint_page = client.get(page_of(hook)).content.decode()

    assert WebhookAttempt.objects.get(delivery=delivery).status_code == 503
    assert "503" in listing
    assert "Onderhoud " * 11 in listing
    assert "Onderhoud " * 20 not in listing  # the list shows the start only
    assert "Onderhoud " * 200 in detail  # the delivery's page all that is kept (2 KB)
    assert "Onderhoud " * 210 not in detail
    assert "503" in endpoint_page
    assert "Onderhoud " * 20 not in endpoint_page


def test_the_delivery_list_takes_a_bounded_number_of_queries(
    world: WebhookWorld, django_assert_max_num_queries: Any
) -> None:
    for n in range(5):
        create_ticket(named_contact(world.own), NOW, subject=f"Alfa {n}")
    client = english_client(world.coordinator)

    with django_assert_max_num_queries(14):
        response = client.get(DELIVERIES)

    assert response.status_code == 200
    assert response.content.decode().count('name="_selected_action"') >= 10


def test_no_page_shows_a_secret(world: WebhookWorld) -> None:
    client = english_client(world.coordinator)
    hook = world.own_hook
    pages = [
        ENDPOINTS,
        page_of(hook),
        reverse("admin:notifications_webhookendpoint_history", args=[hook.pk]),
        DELIVERIES,
        reverse(
            "admin:notifications_webhookdelivery_change",
            args=[world.delivery(hook, world.own_ticket).pk],
        ),
    ]

    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert hook.secret not in response.content.decode(), url
        assert "whsec_" not in response.content.decode(), url


@pytest.mark.parametrize(
    "lookup", ["secret__startswith", "secret", "previous_secret__startswith", "secret__regex"]
)
def test_the_endpoints_cannot_be_filtered_on_their_secret(world: WebhookWorld, lookup: str) -> None:
    client = english_client(world.csam)
    prefix = world.onitnow_hook.secret[:8]

    assert client.get(ENDPOINTS, {lookup: prefix}).status_code == 400
    assert client.get(DELIVERIES, {f"endpoint__{lookup}": prefix}).status_code == 400


def test_a_csam_sees_their_customers_and_providers_endpoints_only(world: WebhookWorld) -> None:
    client = english_client(world.csam)

    listing = client.get(ENDPOINTS).content.decode()
    theirs = client.get(page_of(world.neighbour_hook))

    assert world.own_hook.url in listing
    assert world.onitnow_hook.url in listing
    assert world.neighbour_hook.url not in listing
    assert world.microsoft_hook.url not in listing
    assert "Klant Bravo B.V." not in listing  # not even in a filter
    assert theirs.status_code == 302  # the admin's "does not exist"


def test_a_csam_reads_only_their_contracts_deliveries_even_on_their_providers_endpoint(
    world: WebhookWorld,
) -> None:
    own = world.delivery(world.onitnow_hook, world.own_ticket)
    neighbours = world.delivery(world.onitnow_hook, world.neighbour_ticket)
    client = english_client(world.csam)

    endpoint_page = client.get(page_of(world.onitnow_hook)).content.decode()
    listing = client.get(DELIVERIES).content.decode()
    theirs = client.get(reverse("admin:notifications_webhookdelivery_change", args=[neighbours.pk]))

    assert own.event.public_id in endpoint_page
    assert neighbours.event.public_id not in endpoint_page
    assert own.event.public_id in listing
    assert neighbours.event.public_id not in listing
    assert theirs.status_code == 302


def test_the_staff_scope_of_every_webhook_model_follows_the_csams_contracts(
    world: WebhookWorld,
) -> None:
    csam, coordinator = world.csam, world.coordinator
    own_tickets = {world.own_ticket.pk}

    endpoints = set(staff_rows(csam, WebhookEndpoint.objects.all()))
    events = staff_rows(csam, WebhookEvent.objects.all())
    deliveries = staff_rows(csam, WebhookDelivery.objects.all())
    attempts = staff_rows(csam, WebhookAttempt.objects.all())

    assert endpoints == {world.own_hook, world.onitnow_hook}
    assert {e.ticket_id for e in events} == own_tickets
    assert {d.event.ticket_id for d in deliveries} == own_tickets
    assert not attempts.exists()
    assert staff_rows(coordinator, WebhookEndpoint.objects.all()).count() == 4


def test_a_csam_reads_but_may_not_manage(world: WebhookWorld) -> None:
    client = english_client(world.csam)

    listing = client.get(ENDPOINTS).content.decode()
    endpoint_page = client.get(page_of(world.own_hook)).content.decode()

    assert 'value="turn_off"' not in listing
    assert "Manage this endpoint" not in endpoint_page
    assert 'value="send_again"' not in endpoint_page
    assert client.get(ADD).status_code == 403


def test_the_first_line_has_no_webhook_pages(world: WebhookWorld) -> None:
    client = english_client(world.first_line)

    assert client.get(ENDPOINTS).status_code == 403
    assert client.get(DELIVERIES).status_code == 403
    assert client.get(page_of(world.own_hook)).status_code == 403
    assert client.get(ADD).status_code == 403
