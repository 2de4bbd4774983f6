"""Unused entitlements lapse at the end of the work order (CON-20, CON-53, A-31; D18, D20).

Run by the daily beat. On the first run after the end date every positive balance (per kind and
support location) leaves the ledger in one negative `lapse` row. Exactly once: each balance is
lapsed under the work order's lock after checking for an earlier lapse row, and a unique
constraint on (work order, kind, location) of lapse rows stops a second one whatever happens.
The CSAM was warned 30 days ahead (escalation.services.csam)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Sum

from contracts.models import Contract, EntitlementMovement, MovementCause
from usage.services.microsoft.common import local_today


def entitlements_lapse(*, now: datetime) -> int:
    """Lapse what is left on every ended work order; returns how many rows were written."""
    due = (
        EntitlementMovement.objects.filter(contract__end_date__lt=local_today(now))
        .values("contract_id", "kind", "location_id")
        .annotate(left=Sum("quantity"))
        .filter(left__gt=0)
        .order_by("contract_id", "kind", "location_id")
    )
    written = 0
    for row in list(due):
        written += _lapse(row["contract_id"], row["kind"], row["location_id"], now)
    return written


@transaction.atomic
def _lapse(contract_id: int, kind: str, location_id: int | None, now: datetime) -> int:
    contract = Contract.objects.select_for_update().get(pk=contract_id)
    rows = EntitlementMovement.objects.filter(contract=contract, kind=kind)
    rows = (
        rows.filter(location__isnull=True)
        if location_id is None
        else rows.filter(location_id=location_id)
    )
    if rows.filter(cause=MovementCause.LAPSE).exists():
        return 0
    left = rows.aggregate(left=Sum("quantity"))["left"]
    if left is None or left <= 0:
        return 0
    EntitlementMovement.objects.create(
        contract=contract,
        kind=kind,
        quantity=-left,
        reason=f"{contract.end_date}"[:200],
        occurred_at=now,
        cause=MovementCause.LAPSE,
        location_id=location_id,
    )
    return 1
