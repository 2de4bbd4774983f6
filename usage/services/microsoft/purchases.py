"""Purchases on a Microsoft work order (D20, CON-40, CON-51, CON-62): a positive ledger row.
Proactive credits of a multinational work order are bought for one support location (the
balances, redemptions, exchanges and the lapse are per location); EDE and the other hours are
the work order's own. A correction is not a purchase: nothing here takes anything away."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from contracts.models import (
    Contract,
    EntitlementKind,
    EntitlementMovement,
    MovementCause,
    SupportLocation,
)
from usage.exceptions import PurchaseRefused
from usage.services.microsoft.common import (
    contract_lock,
    ended_text,
    local_today,
    microsoft_required,
    work_order_ended,
)


def _refusal(
    contract: Contract, kind: str, quantity: Decimal, location: SupportLocation | None
) -> str | None:
    if kind not in EntitlementKind.values:
        return _("Choose what was purchased.")
    if quantity <= 0:
        return _("A purchase adds a positive quantity.")
    if location is not None and location.contract_id != contract.pk:
        return _("That support location belongs to another work order.")
    is_credits = kind == EntitlementKind.PROACTIVE_CREDITS
    if location is not None and not is_credits:
        return _("Only proactive credits are held per support location.")
    if location is None and is_credits and contract.support_locations.exists():
        return _(
            "This work order has several support locations: choose the location the "
            "credits are bought for."
        )
    return None


@transaction.atomic
def entitlement_purchase_record(
    *,
    contract: Contract,
    kind: str,
    quantity: Decimal,
    location: SupportLocation | None = None,
    reason: str,
    recorded_by: User | None,
    now: datetime,
) -> EntitlementMovement:
    """Enter a purchase of `quantity` of `kind` (at `location`) in the work order's ledger."""
    contract = contract_lock(contract)
    microsoft_required(contract, PurchaseRefused)
    if work_order_ended(contract, local_today(now)):
        raise PurchaseRefused(ended_text(contract) + " " + _("Nothing can be added to it."))
    refusal = _refusal(contract, kind, quantity, location)
    if refusal is not None:
        raise PurchaseRefused(refusal)
    if not reason.strip():
        raise PurchaseRefused(_("Give the reason of the purchase, e.g. the order number."))
    return EntitlementMovement.objects.create(
        contract=contract,
        kind=kind,
        quantity=quantity,
        reason=reason.strip()[:200],
        occurred_at=now,
        recorded_by=recorded_by,
        cause=MovementCause.RECORDED,
        location=location,
    )
