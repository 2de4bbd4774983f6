"""A world for the back-office's webhook pages: a CSAM's contract (onITnow) beside another
CSAM's contracts, one at onITnow and one at Microsoft; endpoints of customers and providers,
registered through the service, and one delivery per endpoint per ticket created after it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import time_machine
from django.contrib.auth.models import User
from django.urls import reverse

from contracts.models import Contract
from notifications.models import WebhookDelivery, WebhookEndpoint
from notifications.services.webhooks.endpoints import WebhookEndpointInput, webhook_endpoint_create
from tests.backoffice.conftest import staff
from tests.factories import ContractFactory, CustomerFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import Ticket

NOW = ams("2026-06-15 10:00")
EVENTS = ["ticket.created", "ticket.replied"]
ENDPOINTS = reverse("admin:notifications_webhookendpoint_changelist")
DELIVERIES = reverse("admin:notifications_webhookdelivery_changelist")
ADD = reverse("admin:notifications_webhookendpoint_add")


def page_of(hook: WebhookEndpoint) -> str:
    return reverse("admin:notifications_webhookendpoint_change", args=[hook.pk])


@dataclass
class WebhookWorld:
    coordinator: User
    csam: User
    first_line: User
    own: Contract  # the CSAM's contract at onITnow
    neighbour: Contract  # another CSAM's contract at onITnow
    other: Contract  # another CSAM's contract at Microsoft
    own_hook: WebhookEndpoint  # the CSAM's customer's
    onitnow_hook: WebhookEndpoint  # the provider of the CSAM's contract
    neighbour_hook: WebhookEndpoint  # the neighbour customer's
    microsoft_hook: WebhookEndpoint  # another provider's
    own_ticket: Ticket
    neighbour_ticket: Ticket

    def delivery(self, endpoint: WebhookEndpoint, ticket: Ticket) -> WebhookDelivery:
        return WebhookDelivery.objects.get(endpoint=endpoint, event__ticket=ticket)


def endpoint(url: str, now: datetime = NOW, **owner: object) -> WebhookEndpoint:
    return webhook_endpoint_create(
        data=WebhookEndpointInput(url=url, events=EVENTS, description="ITSM"), now=now, **owner
    )


def _contract(name: str, provider: str, package: str, csam: User) -> Contract:
    customer = CustomerFactory(name=f"Klant {name} B.V.", code=f"klant-{name.lower()}")
    return ContractFactory(
        customer=customer, provider_code=provider, package_code=package, csam=csam
    )


def webhook_world_build() -> WebhookWorld:
    csam, other_csam = staff("csam"), staff("csam", "other-csam")
    own = _contract("Alfa", "onitnow", "ons", csam)
    neighbour = _contract("Bravo", "onitnow", "ons", other_csam)
    other = _contract("Charlie", "microsoft", "core", other_csam)
    hooks = {
        "own_hook": endpoint("https://alfa.example/hook", customer=own.customer),
        "onitnow_hook": endpoint("https://onitnow-itsm.example/hook", provider=own.provider),
        "neighbour_hook": endpoint("https://bravo.example/hook", customer=neighbour.customer),
        "microsoft_hook": endpoint("https://ms-itsm.example/hook", provider=other.provider),
    }
    own_ticket = create_ticket(named_contact(own), NOW, subject="Alfa printer")
    neighbour_ticket = create_ticket(named_contact(neighbour), NOW, subject="Bravo printer")
    create_ticket(named_contact(other), NOW, subject="Charlie mail")
    return WebhookWorld(
        coordinator=staff("coordinator"),
        csam=csam,
        first_line=staff("first"),
        own=own,
        neighbour=neighbour,
        other=other,
        own_ticket=own_ticket,
        neighbour_ticket=neighbour_ticket,
        **hooks,
    )


@contextmanager
def frozen_world(settings: Any) -> Iterator[WebhookWorld]:
    """The world at NOW, with the time held there; addresses are not resolved (no DNS)."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    with time_machine.travel(NOW, tick=False):
        yield webhook_world_build()
