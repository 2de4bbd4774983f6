"""Webhook events: written with the change that caused them, to the endpoints that may see them,
once per occurrence."""

import json

import pytest
from django.db import transaction

from escalation.models import Escalation
from escalation.services.actions import escalation_acknowledge
from notifications.models import WebhookDelivery, WebhookEvent
from notifications.services.webhooks import events as webhook_events
from notifications.services.webhooks.endpoints import (
    WebhookEndpointChange,
    webhook_endpoint_update,
)
from notifications.services.webhooks.events import webhook_body
from tests.escalation.helpers import coordinator, sweep
from tests.factories import ContractFactory, CustomerFactory, UserFactory
from tests.notifications.webhook_helpers import customer_endpoint, provider_endpoint, ticket_of
from tests.tickets.helpers import ams
from tickets.services import ticket_assign, ticket_note_add, ticket_reply_public, ticket_resolve

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hook"


@pytest.fixture(autouse=True)
def _private_targets(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


@pytest.fixture
def contract():
    return ContractFactory(provider_code="onitnow", package_code="ons")


def _types(endpoint) -> list[str]:
    return list(
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .order_by("event_id")
        .values_list("event__type", flat=True)
    )


def test_a_new_ticket_is_an_event_with_one_delivery_per_endpoint(contract):
    ours = provider_endpoint(contract, URL)
    theirs = customer_endpoint(contract, URL)
    ticket = ticket_of(contract)
    event = WebhookEvent.objects.get(ticket=ticket)
    assert event.type == "ticket.created"
    assert event.public_id.startswith("msg_")
    assert _types(ours) == ["ticket.created"]
    assert _types(theirs) == ["ticket.created"]


def test_a_rolled_back_change_leaves_no_event_and_no_delivery(contract):
    provider_endpoint(contract, URL)

    def change_that_fails() -> None:
        with transaction.atomic():
            ticket_of(contract)
            raise RuntimeError("the causing transaction fails")

    with pytest.raises(RuntimeError):
        change_that_fails()
    assert not WebhookEvent.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_the_send_is_asked_for_on_commit_only(
    contract, monkeypatch, django_capture_on_commit_callbacks
):
    asked: list[int] = []
    monkeypatch.setattr(webhook_events, "webhook_dispatch", asked.append)
    provider_endpoint(contract, URL)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ticket_of(contract)
    assert asked == []
    for callback in callbacks:
        callback()
    assert asked == list(WebhookDelivery.objects.values_list("pk", flat=True))


def test_the_body_follows_standard_webhooks(contract, settings):
    settings.SITE_URL = "https://desk.example.com"
    provider_endpoint(contract, URL)
    ticket = ticket_of(contract, priority_level="top")
    body = json.loads(webhook_body(WebhookEvent.objects.get(ticket=ticket)))
    assert set(body) == {"type", "timestamp", "data"}
    assert body["type"] == "ticket.created"
    assert body["timestamp"] == "2026-06-08T08:00:00Z"
    assert body["data"]["ticket"] | {"response_due_at": None} == {
        "id": ticket.pk,
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": "top",
        "priority_rank": ticket.priority_rank,
        "customer": {"code": contract.customer.code, "name": contract.customer.name},
        "contract": contract.reference,
        "response_due_at": None,
        "resolution_due_at": None,
        "url": f"https://desk.example.com/api/v1/tickets/{ticket.pk}/",
    }
    assert body["data"]["ticket"]["response_due_at"].endswith("Z")
    assert body["data"]["change"] == "created"


def test_a_customer_endpoint_never_hears_of_another_customers_tickets(contract):
    mine = customer_endpoint(contract, URL)
    other = ContractFactory(provider_code="onitnow", package_code="ons", customer=CustomerFactory())
    provider = provider_endpoint(contract, URL)
    ticket_of(other)
    ticket_of(contract)
    assert _types(mine) == ["ticket.created"]
    assert WebhookDelivery.objects.get(endpoint=mine).event.customer == contract.customer
    assert _types(provider) == ["ticket.created", "ticket.created"]


def test_an_internal_note_reaches_provider_endpoints_only(contract):
    customer = customer_endpoint(contract, URL)
    provider = provider_endpoint(contract, URL)
    ticket = ticket_of(contract)
    agent = UserFactory()
    ticket_note_add(
        ticket=ticket, author=agent, body="Klant belt morgen.", now=ams("2026-06-08 11:00")
    )
    ticket_assign(ticket=ticket, assignee=agent, now=ams("2026-06-08 11:05"), actor=agent)
    assert _types(customer) == ["ticket.created"]
    assert _types(provider) == ["ticket.created", "ticket.updated", "ticket.updated"]
    note = WebhookEvent.objects.filter(ticket=ticket, internal=True).first()
    assert note.payload["change"] == "note_added"
    assert "Klant belt morgen" not in json.dumps(note.payload)


def test_replies_and_resolution_have_their_own_types(contract):
    endpoint = customer_endpoint(contract, URL)
    ticket = ticket_of(contract)
    agent = UserFactory()
    ticket_reply_public(
        ticket=ticket, author=agent, body="We kijken ernaar.", now=ams("2026-06-08 11:00")
    )
    ticket_resolve(
        ticket=ticket, kind="fix", text="Herstart.", now=ams("2026-06-08 12:00"), actor=agent
    )
    assert _types(endpoint) == ["ticket.created", "ticket.replied", "ticket.resolved"]
    replied = WebhookEvent.objects.get(ticket=ticket, type="ticket.replied")
    assert replied.payload["by"] == "provider"
    assert replied.payload["message"]["kind"] == "public"


def test_an_endpoint_gets_only_the_types_it_asked_for(contract):
    endpoint = provider_endpoint(contract, URL, events=["ticket.resolved"])
    ticket_of(contract)
    assert _types(endpoint) == []


def test_a_turned_off_endpoint_gets_nothing(contract):
    endpoint = provider_endpoint(contract, URL)
    webhook_endpoint_update(
        endpoint=endpoint,
        change=WebhookEndpointChange(is_active=False),
        now=ams("2026-06-08 09:00"),
    )
    ticket_of(contract)
    assert _types(endpoint) == []
    assert WebhookEvent.objects.count() == 1  # the feed still has it


def test_another_providers_endpoint_gets_nothing(contract):
    elsewhere = provider_endpoint(
        ContractFactory(provider_code="microsoft", package_code="advanced"), URL
    )
    ticket_of(contract)
    assert _types(elsewhere) == []


def test_clock_and_escalation_events_are_recorded_once_each(contract):
    """Top incident registered Fri 17:00: at risk Mon 08:45, breached Mon 09:00."""
    coordinator()
    endpoint = customer_endpoint(contract, URL)
    ticket = ticket_of(contract, "2026-06-05 17:00", priority_level="top", send_receipt=False)
    for moment in ("2026-06-05 17:01", "2026-06-08 08:45", "2026-06-08 09:00", "2026-06-08 09:00"):
        sweep(moment)
    level1 = Escalation.objects.get(ticket=ticket, level=1)
    escalation_acknowledge(
        escalation=level1, by="ssm@provider.example", now=ams("2026-06-08 09:10")
    )
    escalation_acknowledge(
        escalation=level1, by="ssm@provider.example", now=ams("2026-06-08 09:11")
    )
    assert _types(endpoint) == [
        "ticket.created",
        "clock.at_risk",
        "clock.breached",
        "escalation.raised",
        "escalation.acknowledged",
    ]
    breached = WebhookEvent.objects.get(ticket=ticket, type="clock.breached")
    assert breached.payload["clock"]["metric"] == "response"
    raised = WebhookEvent.objects.get(ticket=ticket, type="escalation.raised")
    assert raised.payload["escalation"]["level"] == 1
    assert "recipients" not in raised.payload["escalation"]


def test_a_sweep_firing_two_customers_tickets_together_tells_each_customer_only_its_own(
    contract,
):
    """One sweep writes the events of many tickets at once: each still goes only to the
    endpoints that may see it."""
    coordinator()
    other = ContractFactory(provider_code="onitnow", package_code="ons")
    ours, theirs, others = (
        provider_endpoint(contract, URL),
        customer_endpoint(contract, URL),
        customer_endpoint(other, URL),
    )
    mine = [ticket_of(contract, "2026-06-05 17:00", priority_level="top") for _ in range(2)]
    foreign = ticket_of(other, "2026-06-05 17:00", priority_level="top")
    for moment in ("2026-06-05 17:01", "2026-06-08 08:45", "2026-06-08 09:00"):
        sweep(moment)
    fired = ["clock.at_risk", "clock.breached", "escalation.raised"]

    def tickets_told(endpoint, kind: str) -> list[int]:
        rows = WebhookDelivery.objects.filter(endpoint=endpoint, event__type=kind)
        return sorted(rows.values_list("event__ticket_id", flat=True))

    for kind in fired:
        assert tickets_told(ours, kind) == sorted(t.pk for t in [*mine, foreign])
        assert tickets_told(theirs, kind) == sorted(t.pk for t in mine)
        assert tickets_told(others, kind) == [foreign.pk]
    events = WebhookEvent.objects.filter(type__in=fired)
    assert all(e.customer_id == e.ticket.customer_id for e in events)
    assert all(e.payload["ticket"]["id"] == e.ticket_id for e in events)


@pytest.mark.django_db
def test_status_priority_and_sharing_changes_are_ticket_updated_events() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from notifications.models import WebhookEvent
    from tests.factories import ContractFactory, UserFactory, named_contact
    from tests.tickets.helpers import create_ticket
    from tickets.services import ticket_transition
    from tickets.services.sharing import ticket_sharing_set

    now = timezone.now() - timedelta(hours=1)
    contract = ContractFactory()
    contact = named_contact(contract)
    ticket = create_ticket(contact, now)
    ticket_sharing_set(ticket=ticket, shared=False, contact=contact, now=now)
    ticket_transition(ticket=ticket, to_status="cancelled", now=now, actor=UserFactory())
    changes = [
        e.payload.get("change")
        for e in WebhookEvent.objects.filter(ticket=ticket, type="ticket.updated").order_by("pk")
    ]
    assert changes == ["sharing_changed", "status_changed"]
