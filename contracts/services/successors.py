"""The contract that follows an ended subscription (SPEC CON-123, DECISIONS D18): a CBG
customer whose Basis or Extra subscription ended is handled and billed as Standaard from the
next day, so tickets pick the Standaard contract (contracts_current) without anyone acting."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from contracts.models import ContactRole, Contract, ContractStatus, Package
from contracts.selectors import contact_role_problem, contracts_current


def _fallback_package(contract: Contract) -> Package | None:
    """The package named as the one after cancellation, in the provider's current catalogue
    (else in the contract's own release)."""
    code = contract.package.fallback_package_code
    if not code:
        return None
    candidates = Package.objects.filter(
        release__provider_id=contract.provider_id, code=code
    ).select_related("release")
    current = candidates.filter(release__is_current=True).first()
    return current or candidates.filter(release_id=contract.package.release_id).first()


def _successor_reference(contract: Contract, package: Package) -> str:
    suffix = f"-{package.code.upper()}"
    base = contract.reference[: 60 - len(suffix) - 3] + suffix
    reference, n = base, 1
    while Contract.objects.filter(reference=reference).exists():
        n += 1
        reference = f"{base}-{n}"
    return reference


@transaction.atomic
def contract_successor_create(*, contract: Contract) -> Contract | None:
    """Start the fallback-package contract the day after `contract` ends, with its contact
    roles as far as the new package allows; None when the package has no fallback, the
    contract has no end, or the customer already has another contract from that day."""
    package = _fallback_package(contract)
    if package is None or contract.end_date is None:
        return None
    start = contract.end_date + timedelta(days=1)
    others = contracts_current(customer_id=contract.customer_id, on=start).exclude(pk=contract.pk)
    if others.exists():
        return None
    successor = Contract.objects.create(
        reference=_successor_reference(contract, package),
        customer_id=contract.customer_id,
        provider_id=contract.provider_id,
        package=package,
        status=ContractStatus.ACTIVE,
        start_date=start,
        hosting=contract.hosting,
        tickets_shared_by_default=contract.tickets_shared_by_default,
        named_contact_cap=contract.named_contact_cap,
        csam_id=contract.csam_id,
    )
    roles = ContactRole.objects.filter(contract=contract).select_related("contact").order_by("pk")
    for role in roles:
        if contact_role_problem(contact=role.contact, contract=successor, role=role.role) is None:
            ContactRole.objects.create(contact=role.contact, contract=successor, role=role.role)
    return successor
