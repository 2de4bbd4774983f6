"""Entitlement ledgers (D20): every movement is a row, the balance is their sum."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction

from contracts.exceptions import EntitlementExhausted
from contracts.models import Contract, EntitlementMovement
from contracts.selectors_entitlements import entitlement_balance


@transaction.atomic
def entitlement_use(
    *,
    contract: Contract,
    kind: str,
    quantity: Decimal,
    reason: str,
    now: datetime,
    actor: User | None,
    refusal: str,
) -> EntitlementMovement:
    """Take `quantity` from the balance, or refuse with `refusal` when too little is left. The
    contract row is locked first, so two uses at once cannot both spend the last hours."""
    Contract.objects.select_for_update().filter(pk=contract.pk).first()
    if entitlement_balance(contract=contract, kind=kind) < quantity:
        raise EntitlementExhausted(refusal)
    return EntitlementMovement.objects.create(
        contract=contract,
        kind=kind,
        quantity=-quantity,
        reason=reason[:200],
        occurred_at=now,
        recorded_by=actor,
    )
