"""A Microsoft Advanced work order as the back-office's usage pages see it: its CSAM, credits
at a host and a downstream location, a rate, a requested service, and a late cancellation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from contracts.models import Contract, ServiceRequest, ServiceRequestChange, SupportLocation
from tests.backoffice.conftest import staff
from tests.tickets.helpers import ams
from tests.usage.microsoft_helpers import WORKSHOP, buy, ms_contract, ms_service, rate
from usage.services.microsoft import (
    credits_redeem,
    service_request_cancel,
    support_location_add,
)

NOW = ams("2026-06-01 10:00")
CREDITS = "proactive_credits"


@dataclass
class MsWorld:
    contract: Contract
    csam: User
    host: SupportLocation
    downstream: SupportLocation
    request: ServiceRequest  # requested, first delivery 1 Jul 2026: a change now is free
    late_change: ServiceRequestChange  # cancelled 5 days before delivery: chargeable, no fee


def ms_world_build() -> MsWorld:
    csam = staff("csam", "csam-ms")
    contract = ms_contract(csam=csam, reference="MS-ADV-0001")
    host = support_location_add(
        contract=contract, country="NL", role="host", credit_rate=Decimal("100"), now=NOW
    )
    downstream = support_location_add(
        contract=contract, country="DE", role="downstream", credit_rate=Decimal("90"), now=NOW
    )
    buy(contract, CREDITS, "50", location=host)
    buy(contract, CREDITS, "20", location=downstream)
    buy(contract, "ede_hours", "40")
    rate(WORKSHOP, "10", "1500.00")
    request = _redeem(contract, host, date(2026, 7, 1))
    soon = _redeem(contract, host, date(2026, 6, 6))
    late_change = service_request_cancel(request=soon, by=None, now=NOW)
    return MsWorld(contract, csam, host, downstream, request, late_change)


def _redeem(contract: Contract, location: SupportLocation, day: date) -> ServiceRequest:
    return credits_redeem(
        contract=contract,
        service=ms_service(WORKSHOP),
        location=location,
        requested_by=None,
        first_delivery_date=day,
        now=NOW,
    )


def client_in(user: User, language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


def page_urls(world: MsWorld) -> dict[str, str]:
    """Every usage page of the world's work order, by URL name."""
    pk = world.contract.pk
    return {
        "ms-usage": reverse("backoffice:ms-usage", args=[pk]),
        "ms-purchase": reverse("backoffice:ms-purchase", args=[pk]),
        "ms-rate": reverse("backoffice:ms-rate", args=[pk]),
        "ms-redeem": reverse("backoffice:ms-redeem", args=[pk]),
        "ms-cancel": reverse("backoffice:ms-cancel", args=[pk, world.request.pk]),
        "ms-reschedule": reverse("backoffice:ms-reschedule", args=[pk, world.request.pk]),
        "ms-fee": reverse("backoffice:ms-fee", args=[pk, world.late_change.pk]),
        "ms-exchange": reverse("backoffice:ms-exchange", args=[pk]),
        "ms-location": reverse("backoffice:ms-location", args=[pk]),
        "ms-location-exchange": reverse("backoffice:ms-location-exchange", args=[pk]),
    }
