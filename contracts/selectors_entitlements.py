"""Reads of the entitlement ledgers (D20): the balance is derived from the movements."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from contracts.models import Contract, EntitlementMovement, ServiceInclusion

# The catalogue's service of extra RSM hours (SPEC ESC-13).
RSM_ADD_ON_SERVICE = "rsm-add-on"


def entitlement_balance(*, contract: Contract, kind: str) -> Decimal:
    """What is left of `kind` on the contract: purchases minus uses and lapses."""
    total = EntitlementMovement.objects.filter(contract=contract, kind=kind).aggregate(
        total=Sum("quantity")
    )["total"]
    return total if isinstance(total, Decimal) else Decimal(0)


def rsm_add_on_offered(contract: Contract) -> bool:
    """Whether the contract's package can buy extra RSM hours: then the Reactive Support
    Management rules apply to its tickets (updates outside business hours use those hours)."""
    return ServiceInclusion.objects.filter(
        package_id=contract.package_id, service__code=RSM_ADD_ON_SERVICE
    ).exists()
