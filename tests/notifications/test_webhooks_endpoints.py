"""Managing endpoints: validation, turning off and on, delete, send again, replay."""

from datetime import timedelta

import pytest

from notifications.exceptions import WebhookError, WebhookInvalid
from notifications.models import DeliveryStatus, WebhookDelivery, WebhookEvent
from notifications.services.webhooks.delivery import webhook_relay
from notifications.services.webhooks.endpoints import (
    ReplayRange,
    WebhookEndpointChange,
    WebhookEndpointInput,
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_update,
    webhook_replay,
)
from tests.factories import ContractFactory, CustomerFactory, UserFactory
from tests.notifications.webhook_helpers import (
    Receiver,
    customer_endpoint,
    free_port,
    provider_endpoint,
    receiving,
    refreshed,
    ticket_of,
)
from tests.tickets.helpers import ams
from tickets.services import ticket_note_add

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = ams("2026-06-10 10:00")
URL = "http://127.0.0.1:9/hook"


@pytest.fixture(autouse=True)
def _private_targets(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


@pytest.fixture
def contract():
    return ContractFactory(provider_code="onitnow", package_code="ons")


def _create(contract, **fields):
    data = {"url": URL, "events": ["ticket.created"]} | fields
    return webhook_endpoint_create(
        data=WebhookEndpointInput(**data), provider=contract.provider, now=NOW
    )


def test_an_endpoint_needs_at_least_one_event(contract):
    with pytest.raises(WebhookInvalid, match="at least one event") as refused:
        _create(contract, events=[])
    assert refused.value.field == "events"


def test_an_unknown_event_type_is_refused(contract):
    with pytest.raises(WebhookInvalid, match=r"ticket\.deleted"):
        _create(contract, events=["ticket.created", "ticket.deleted"])


def test_an_endpoint_belongs_to_a_provider_or_a_customer(contract):
    with pytest.raises(WebhookInvalid):
        webhook_endpoint_create(
            data=WebhookEndpointInput(url=URL, events=["ticket.created"]),
            provider=contract.provider,
            customer=contract.customer,
            now=NOW,
        )


def test_turning_an_endpoint_off_stops_its_pending_deliveries_and_on_starts_afresh(contract):
    endpoint = provider_endpoint(contract, URL)
    ticket_of(contract)
    webhook_endpoint_update(
        endpoint=endpoint, change=WebhookEndpointChange(is_active=False), now=NOW
    )
    assert refreshed(endpoint).disabled_reason == "owner"
    assert WebhookDelivery.objects.get().status == DeliveryStatus.CANCELLED
    endpoint = webhook_endpoint_update(
        endpoint=endpoint, change=WebhookEndpointChange(is_active=True), now=NOW
    )
    assert (endpoint.is_active, endpoint.disabled_at, endpoint.failing_since) == (True, None, None)


def test_a_deleted_endpoint_cannot_be_changed(contract):
    endpoint = provider_endpoint(contract, URL)
    webhook_endpoint_delete(endpoint=endpoint, now=NOW)
    assert refreshed(endpoint).deleted_at == NOW
    with pytest.raises(WebhookError, match="deleted"):
        webhook_endpoint_update(
            endpoint=endpoint, change=WebhookEndpointChange(description="x"), now=NOW
        )


def test_replay_creates_deliveries_only_for_the_events_not_yet_sent(contract):
    first = ticket_of(contract, "2026-06-08 10:00")
    endpoint = provider_endpoint(contract, URL, events=["ticket.created"])
    ticket_of(contract, "2026-06-08 11:00")  # delivered at once
    ticket_of(contract, "2026-06-08 12:00")
    assert WebhookDelivery.objects.count() == 2
    span = ReplayRange(after_event_id=0)
    assert webhook_replay(endpoint=endpoint, span=span, now=NOW) == 1
    assert webhook_replay(endpoint=endpoint, span=span, now=NOW) == 0
    assert WebhookDelivery.objects.filter(event__ticket=first).exists()
    assert WebhookDelivery.objects.count() == 3


def test_replay_of_a_time_range(contract):
    ticket_of(contract, "2026-06-08 10:00")
    ticket_of(contract, "2026-06-09 10:00")
    endpoint = provider_endpoint(contract, URL)
    span = ReplayRange(since=ams("2026-06-09 00:00"), until=ams("2026-06-10 00:00"))
    assert webhook_replay(endpoint=endpoint, span=span, now=NOW) == 1


def test_replay_to_a_customer_leaves_out_internal_and_other_customers_events(contract):
    ticket = ticket_of(contract)
    ticket_note_add(
        ticket=ticket, author=UserFactory(), body="Intern.", now=ams("2026-06-08 11:00")
    )
    other = ContractFactory(provider_code="onitnow", package_code="ons", customer=CustomerFactory())
    ticket_of(other)
    endpoint = customer_endpoint(contract, URL)
    assert WebhookEvent.objects.count() == 3
    assert webhook_replay(endpoint=endpoint, span=ReplayRange(after_event_id=0), now=NOW) == 1
    assert WebhookDelivery.objects.get().event.type == "ticket.created"


def test_replay_needs_a_range(contract):
    endpoint = provider_endpoint(contract, URL)
    with pytest.raises(WebhookInvalid, match="range"):
        webhook_replay(endpoint=endpoint, span=ReplayRange(), now=NOW)


def test_send_again_posts_a_delivered_event_once_more_with_the_same_id(contract):
    receiver = Receiver(port=free_port())
    provider_endpoint(contract, receiver.url)
    ticket_of(contract)
    with receiving(receiver):
        webhook_relay(now=NOW)
        delivery = WebhookDelivery.objects.get()
        resent = webhook_delivery_resend(delivery=delivery, now=NOW + timedelta(hours=1))
        assert (resent.status, resent.attempts) == (DeliveryStatus.PENDING, 0)
        webhook_relay(now=NOW + timedelta(hours=1))
    assert receiver.ids() == {delivery.event.public_id: 2}
    assert WebhookDelivery.objects.get().status == DeliveryStatus.SUCCEEDED


def test_send_again_to_a_turned_off_endpoint_is_refused(contract):
    endpoint = provider_endpoint(contract, URL)
    ticket_of(contract)
    webhook_endpoint_update(
        endpoint=endpoint, change=WebhookEndpointChange(is_active=False), now=NOW
    )
    with pytest.raises(WebhookError, match="turned off"):
        webhook_delivery_resend(delivery=WebhookDelivery.objects.get(), now=NOW)
