"""Demo: Azure Event Management events (SPEC §2.7), so `make run` shows them in the portal and
the back-office: Noordzee Energie's AEM event running now (confirmed ten weeks ago; an Azure
incident or one saying "AEM" gets the event's targets) with a ticket under them, and Hollands
Retail's Cloud for Retail event in nine weeks."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from contracts.models import AemEvent, Contract
from contracts.selectors_events import local_day
from contracts.services.events import AemEventInput, aem_event_create
from tickets.services.create import TicketCreateInput, ticket_create

AEM_CONTRACT = "MS-WO-2026-0032"  # Noordzee Energie: Performance + Rapid Response + AEM
RETAIL_CONTRACT = "MS-WO-2025-0187"  # Hollands Retail: Advanced + Retail event management


def _plan(
    contract: Contract,
    solution: str,
    first: timedelta,
    days: int,
    confirmed: datetime,
    *,
    notes: str,
    is_retail: bool = False,
) -> AemEvent:
    """An event starting `first` after its written confirmation, planned at that moment."""
    start = local_day(confirmed + first)
    return aem_event_create(
        data=AemEventInput(
            contract=contract,
            solution=solution,
            starts_on=start,
            ends_on=start + timedelta(days=days - 1),
            confirmed_at=confirmed,
            notes=notes,
            is_retail=is_retail,
        ),
        document=None,
        requested_by_contact=None,
        requested_by_user=None,
        now=confirmed,
    )


def aem_demo(*, now: datetime, counts: Counter[str]) -> None:
    """Both events once (skipped when the contracts are missing or already have events)."""
    aem = Contract.objects.filter(reference=AEM_CONTRACT).first()
    retail = Contract.objects.filter(reference=RETAIL_CONTRACT).first()
    if (
        aem is None
        or retail is None
        or AemEvent.objects.filter(contract__in=[aem, retail]).exists()
    ):
        return
    # Confirmed 70 days ago for the days from yesterday to three days ahead.
    ten_weeks_ago = now - timedelta(days=70)
    event = _plan(
        aem,
        "Slimme-meter platform (Azure)",
        timedelta(days=69),
        5,
        ten_weeks_ago,
        notes="Piekbelasting bij de jaarlijkse tariefwijziging.",
    )
    _plan(
        retail,
        "D365 Commerce kassa's",
        timedelta(days=63),
        4,
        now,
        is_retail=True,
        notes="Koopzondag en de kerstuitverkoop.",
    )
    counts["AEM events"] += 2
    contact = aem.contact_roles.select_related("contact").first()
    if contact is not None and event.starts_on <= local_day(now) <= event.ends_on:
        ticket_create(
            data=TicketCreateInput(
                contact=contact.contact,
                contract_id=aem.pk,
                request_type="incident",
                channel="portal",
                subject="Meteruitlezing loopt achter",
                description="AEM: de verwerking van meterstanden loopt uren achter.",
                service_area="azure",
                priority_level="a",
            ),
            now=now - timedelta(minutes=30),
        )
        counts["tickets"] += 1
