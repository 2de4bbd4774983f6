"""A Microsoft Advanced work order with credits, EDE hours and a rate, for the usage tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from contracts.models import CatalogueService, Contract, EntitlementMovement
from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import Ticket, TimeEntry
from usage.services.microsoft import service_rate_record

# Work order 1 Jan - 30 Nov 2026: the request deadline is 1 Oct 2026.
END = date(2026, 11, 30)
WORKSHOP = "workshops"  # additional (+) for Advanced: bought with credits
INCLUDED = "on-demand-assessment"  # included (✓): no credits


def ms_service(code: str) -> CatalogueService:
    return CatalogueService.objects.get(
        release__provider__code="microsoft", release__is_current=True, code=code
    )


def ms_contract(package: str = "advanced", **kwargs: object) -> Contract:
    fields: dict = {
        "provider_code": "microsoft",
        "package_code": package,
        "start_date": date(2026, 1, 1),
        "end_date": END,
        "csam": UserFactory(username="csam-ms", email="csam@microsoft.example"),
    }
    fields.update(kwargs)
    return ContractFactory(**fields)


def buy(contract: Contract, kind: str, quantity: str, location: object = None) -> None:
    EntitlementMovement.objects.create(
        contract=contract,
        kind=kind,
        quantity=Decimal(quantity),
        reason="werkopdracht",
        occurred_at=ams("2026-01-02 10:00"),
        location=location,
    )


def rate(
    service_code: str, credits_per_unit: str, price: str | None = None, **kwargs: object
) -> None:
    service_rate_record(
        service=ms_service(service_code),
        credits_per_unit=Decimal(credits_per_unit),
        price=Decimal(price) if price is not None else None,
        valid_from=ams("2026-01-01 00:00"),
        recorded_by=None,
        now=ams("2026-01-01 00:00"),
        **kwargs,
    )


def ms_ticket(contract: Contract) -> Ticket:
    return create_ticket(named_contact(contract), ams("2026-06-01 08:00"), priority_level="normal")


def ede_entry(ticket: Ticket, started: str, minutes: int) -> TimeEntry:
    return TimeEntry.objects.create(
        ticket=ticket,
        user=UserFactory(),
        started_at=ams(started),
        minutes=minutes,
        category="ede",
        created_at=ams(started),
    )
