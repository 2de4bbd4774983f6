"""Shared makers for the Azure Event Management tests: Microsoft contracts with the extended
services, and events planned through the service."""

from datetime import date, datetime

from contracts.models import AemEvent, Contract
from contracts.services.events import AemEventInput, aem_event_create
from tests.factories import ContractFactory, UserFactory, contract_with_service

CSAM = "csam@microsoft.example"


def microsoft_contract(*services: str, csam: bool = True) -> Contract:
    contract = ContractFactory(
        provider_code="microsoft",
        package_code="performance",
        csam=UserFactory(username=f"csam-{Contract.objects.count()}", email=CSAM) if csam else None,
    )
    for code in services:
        contract_with_service(contract, code)
    return contract


def event_input(contract: Contract, starts: str, ends: str, **kwargs: object) -> AemEventInput:
    fields: dict = {
        "contract": contract,
        "solution": "Webshop checkout",
        "starts_on": date.fromisoformat(starts),
        "ends_on": date.fromisoformat(ends),
    }
    fields.update(kwargs)
    return AemEventInput(**fields)


def planned_event(
    contract: Contract, starts: str, ends: str, *, now: datetime, **kwargs: object
) -> AemEvent:
    return aem_event_create(
        data=event_input(contract, starts, ends, **kwargs),
        document=None,
        requested_by_contact=None,
        requested_by_user=None,
        now=now,
    )
