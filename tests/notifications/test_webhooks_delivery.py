"""Deliveries to a real HTTP receiver on loopback: signed, retried with back-off while it is
down, delivered once when it is up, never twice per event id, and an endpoint failing for a day
is turned off with one mail to its owner."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from contracts.models import ContactRole, ContactRoleKind
from notifications.models import (
    DeliveryStatus,
    OutboxEmail,
    WebhookAttempt,
    WebhookDelivery,
)
from notifications.services.webhooks.delivery import (
    MAX_ATTEMPTS,
    RETRY_DELAYS,
    webhook_delivery_send,
    webhook_relay,
)
from notifications.services.webhooks.signing import SignedRequest, webhook_signature_verify
from tests.escalation.helpers import coordinator
from tests.factories import ContactFactory, ContractFactory
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

T0 = ams("2026-06-08 10:00")


@pytest.fixture(autouse=True)
def _private_targets(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 5


@pytest.fixture
def contract():
    return ContractFactory(provider_code="onitnow", package_code="ons")


@pytest.fixture
def receiver():
    return Receiver(port=free_port())


def _delivery() -> WebhookDelivery:
    return WebhookDelivery.objects.select_related("event", "endpoint").get()


def test_the_back_off_spreads_ten_attempts_over_about_three_days():
    assert MAX_ATTEMPTS == 10
    assert timedelta(days=3) < sum(RETRY_DELAYS, timedelta()) < timedelta(days=3, hours=6)


@pytest.mark.django_db
def test_a_delivery_is_signed_and_verifies_with_the_endpoints_secret(contract, receiver):
    endpoint = provider_endpoint(contract, receiver.url)
    ticket_of(contract)
    with receiving(receiver):
        assert webhook_relay(now=T0) == 1
    request = receiver.requests[0]
    signed = SignedRequest.from_headers(request.headers, request.body)
    assert request.headers["content-type"] == "application/json"
    assert signed.msg_id == _delivery().event.public_id
    assert signed.timestamp == int(T0.timestamp())
    assert webhook_signature_verify(endpoint.secret, signed, now_timestamp=signed.timestamp)
    assert _delivery().status == DeliveryStatus.SUCCEEDED


@pytest.mark.django_db
def test_while_the_receiver_is_down_the_delivery_waits_then_arrives_once(contract, receiver):
    endpoint = provider_endpoint(contract, receiver.url)
    ticket_of(contract)
    assert webhook_relay(now=T0) == 0  # nobody listens: connection refused
    delivery = _delivery()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert delivery.next_attempt_at == T0 + timedelta(seconds=5)
    assert "ConnectionRefusedError" in delivery.last_error
    assert refreshed(endpoint).failing_since == T0
    with receiving(receiver):
        assert webhook_relay(now=T0 + timedelta(seconds=4)) == 0  # not due yet
        assert receiver.requests == []
        assert webhook_relay(now=T0 + timedelta(seconds=5)) == 1
        assert webhook_relay(now=T0 + timedelta(days=4)) == 0
    delivery = _delivery()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SUCCEEDED, 2)
    assert receiver.ids() == {delivery.event.public_id: 1}
    assert refreshed(endpoint).failing_since is None


@pytest.mark.django_db
def test_an_error_answer_is_logged_with_its_status_and_response(contract, receiver):
    provider_endpoint(contract, receiver.url)
    ticket_of(contract)
    receiver.status = 503
    receiver.answer = b"maintenance " * 400
    with receiving(receiver):
        webhook_relay(now=T0)
        receiver.status = 200
        webhook_relay(now=T0 + timedelta(seconds=5))
    log = list(WebhookAttempt.objects.order_by("pk").values_list("status_code", "succeeded"))
    first = WebhookAttempt.objects.order_by("pk").first()
    assert log == [(503, False), (200, True)]
    assert len(first.response) == 2048
    assert first.response.startswith("maintenance")


@pytest.mark.django_db
def test_a_redelivered_task_sends_nothing_more(contract, receiver):
    provider_endpoint(contract, receiver.url)
    ticket_of(contract)
    delivery = _delivery()
    with receiving(receiver):
        assert webhook_delivery_send(delivery_id=delivery.pk, now=T0)
        assert not webhook_delivery_send(delivery_id=delivery.pk, now=T0)
        assert webhook_relay(now=T0 + timedelta(hours=1)) == 0
    assert receiver.ids() == {delivery.event.public_id: 1}


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_post_the_event_once(contract, receiver):
    """The first sender is inside the POST (the receiver holds it); the second finds the
    delivery claimed and sends nothing."""
    provider_endpoint(contract, receiver.url)
    ticket_of(contract)
    delivery = _delivery()
    receiver.hold = threading.Event()
    results: list[bool] = []

    def first_sender() -> None:
        try:
            results.append(webhook_delivery_send(delivery_id=delivery.pk, now=T0))
        finally:
            connection.close()

    with receiving(receiver):
        thread = threading.Thread(target=first_sender)
        thread.start()
        assert receiver.arrived.wait(10)
        assert not webhook_delivery_send(delivery_id=delivery.pk, now=T0)
        assert webhook_relay(now=T0 + timedelta(seconds=1)) == 0
        receiver.hold.set()
        thread.join(10)
    assert results == [True]
    assert receiver.ids() == {delivery.event.public_id: 1}


@pytest.mark.django_db
def test_a_sender_that_died_leaves_the_delivery_to_the_relay_after_its_lease(
    contract, receiver, settings
):
    from notifications.services.webhooks.delivery import _claim

    provider_endpoint(contract, receiver.url)
    ticket_of(contract)
    assert _claim(_delivery().pk, T0) is not None  # claimed, then the worker died
    with receiving(receiver):
        assert webhook_relay(now=T0 + timedelta(seconds=30)) == 0
        lease = settings.WEBHOOK_SEND_LEASE_SECONDS
        assert webhook_relay(now=T0 + timedelta(seconds=lease)) == 1
    assert _delivery().attempts == 2


@pytest.mark.django_db
def test_after_the_last_attempt_the_delivery_failed(contract, settings):
    settings.WEBHOOK_DISABLE_AFTER_SECONDS = 7 * 24 * 3600
    provider_endpoint(contract, f"http://127.0.0.1:{free_port()}/hook")
    ticket_of(contract)
    moment = T0
    for delay in (timedelta(), *RETRY_DELAYS):
        moment += delay
        webhook_relay(now=moment)
    delivery = _delivery()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 10)
    assert delivery.next_attempt_at is None
    assert moment - T0 == timedelta(hours=75, minutes=35, seconds=5)


@pytest.mark.django_db
def test_an_endpoint_failing_for_a_day_is_turned_off_and_its_coordinators_mailed_once(contract):
    coordinator()
    endpoint = provider_endpoint(contract, f"http://127.0.0.1:{free_port()}/hook")
    ticket_of(contract)
    webhook_relay(now=T0)
    ticket_of(contract, "2026-06-09 09:00")
    webhook_relay(now=T0 + timedelta(hours=23, minutes=59))
    assert refreshed(endpoint).is_active
    webhook_relay(now=T0 + timedelta(days=1))
    webhook_relay(now=T0 + timedelta(days=2))
    endpoint = refreshed(endpoint)
    assert not endpoint.is_active
    assert endpoint.disabled_reason == "failing"
    assert set(endpoint.deliveries.values_list("status", flat=True)) == {DeliveryStatus.CANCELLED}
    mails = OutboxEmail.objects.filter(key__startswith="webhook-disabled:")
    assert list(mails.values_list("to_email", flat=True)) == ["coordinator@provider.example"]
    assert endpoint.url in mails.get().subject


@pytest.mark.django_db
def test_a_customer_endpoint_turned_off_is_told_to_its_manager_in_their_language(contract):
    manager = ContactFactory(customer=contract.customer, email="ssm@klant.example", language="en")
    ContactRole.objects.create(
        contact=manager, contract=contract, role=ContactRoleKind.SUPPORT_SERVICES_MANAGER
    )
    customer_endpoint(contract, f"http://127.0.0.1:{free_port()}/hook")
    ticket_of(contract)
    webhook_relay(now=T0)
    webhook_relay(now=T0 + timedelta(days=1))
    mail = OutboxEmail.objects.get(key__startswith="webhook-disabled:")
    assert mail.to_email == "ssm@klant.example"
    assert mail.language == "en"
    assert mail.subject.startswith("Webhook deliveries to http://127.0.0.1:")
    assert "replay" in mail.body_text
