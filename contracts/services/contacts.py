"""Granting contact roles under a contract (D14)."""

from __future__ import annotations

from django.db import transaction

from contracts.exceptions import ContactRoleRefused
from contracts.models import Contact, ContactRole, Contract
from contracts.selectors import contact_role_problem


@transaction.atomic
def contact_role_grant(*, contact: Contact, contract: Contract, role: str) -> ContactRole:
    """Grant a role, refusing one above the named-contact cap or a second SSM."""
    # Lock the contract so two grants cannot both pass the count.
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    problem = contact_role_problem(contact=contact, contract=contract, role=role)
    if problem is not None:
        raise ContactRoleRefused(problem)
    grant, _ = ContactRole.objects.get_or_create(contact=contact, contract=contract, role=role)
    return grant
