"""A small world for availability tests: onITnow contracts with monitored services."""

from datetime import UTC, datetime, timedelta

from availability.models import Outage
from availability.services.monitored import monitored_service_create
from tests.factories import ContractFactory, named_contact
from tests.tickets.helpers import create_ticket

CREATED = datetime(2026, 1, 5, 9, tzinfo=UTC)


def cloud_service(**contract_fields):
    contract = ContractFactory(hosting="cloud", **contract_fields)
    return monitored_service_create(
        contract=contract, name="Integratiedienst", kind="integration_service", now=CREATED
    )


def record_outage(service, start, seconds, tickets=(), **fields):
    row = Outage.objects.create(
        service=service,
        start=start,
        end=start + timedelta(seconds=seconds) if seconds is not None else None,
        recorded_at=start,
        **fields,
    )
    row.tickets.set(tickets)
    return row


def incident(contract, now):
    return create_ticket(named_contact(contract), now, impact_scope="multiple_users")
