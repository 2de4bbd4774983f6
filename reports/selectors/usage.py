"""Usage and balances of a contract over a period, from the usage ledger (issue #14): billable
minutes and amounts per month, the entitlement ledgers (Microsoft credits, EDE hours: added,
used and the balance at the end, D20) and, for a CBG subscription, fair use per finished month
against twice the others' mean (BIL-02). Grouped queries; fair use costs a fixed few per month,
never per ticket."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import Q, Sum

from contracts.models import BillingMode, Contract, EntitlementKind, EntitlementMovement
from reports.periods import Period, display_zone, month_add
from reports.selectors.pack import Entitlement, FairUseMonth, Usage, UsageMonth
from usage.models import BillingLine, LineUnit
from usage.selectors_pages import CBG, fair_use_month

ZERO = Decimal(0)
CENT = Decimal("0.01")


def _sum(name: str, condition: Q) -> Sum:
    return Sum(name, filter=condition, default=ZERO)


def _months(contract: Contract, period: Period) -> list[UsageMonth]:
    rows = {
        row["month"]: row
        for row in BillingLine.objects.filter(contract=contract, month__in=period.months())
        .values("month")
        .annotate(minutes=_sum("quantity", Q(unit=LineUnit.MINUTES)), amount=_sum("amount", Q()))
        .order_by()
    }
    return [
        UsageMonth(
            month=f"{m:%Y-%m}",
            billable_minutes=rows[m]["minutes"] if m in rows else ZERO,
            # SQLite sums decimals as floats: amounts are kept to the cent, as billed.
            amount=Decimal(rows[m]["amount"]).quantize(CENT) if m in rows else ZERO.quantize(CENT),
        )
        for m in period.months()
    ]


def _entitlements(contract: Contract, start: datetime, end: datetime) -> list[Entitlement]:
    inside = Q(occurred_at__gte=start, occurred_at__lt=end)
    labels = dict(EntitlementKind.choices)
    rows = (
        EntitlementMovement.objects.filter(contract=contract, occurred_at__lt=end)
        .values("kind")
        .annotate(
            added=_sum("quantity", inside & Q(quantity__gt=0)),
            used=_sum("quantity", inside & Q(quantity__lt=0)),
            balance=_sum("quantity", Q()),
        )
        .order_by("kind")
    )
    return [
        Entitlement(
            kind=row["kind"],
            label=str(labels.get(row["kind"], row["kind"])),
            added=row["added"],
            used=-row["used"],
            balance=row["balance"],
        )
        for row in rows
    ]


def _fair_use(contract: Contract, period: Period, as_of: datetime) -> list[FairUseMonth]:
    """Fair use of each month of the period that has ended by `as_of` (local months)."""
    if not (
        contract.provider.code == CBG and contract.package.billing_mode == BillingMode.SUBSCRIPTION
    ):
        return []
    today = as_of.astimezone(display_zone()).date()
    result = []
    for month in period.months():
        if month_add(month, 1) > today:
            continue
        row = fair_use_month(month).get(contract.pk)
        if row is not None:
            result.append(
                FairUseMonth(
                    month=f"{month:%Y-%m}",
                    minutes=row.minutes,
                    licences=row.licences,
                    per_licence=row.per_licence,
                    threshold=row.threshold,
                    flagged=row.flagged,
                )
            )
    return result


def usage(*, contract: Contract, period: Period, as_of: datetime) -> Usage | None:
    """None when the contract has no usage ledger at all in the period (no lines, no
    entitlements, not a subscription measured for fair use)."""
    end = min(period.end_at, as_of)
    months = _months(contract, period)
    entitlements = _entitlements(contract, period.start_at, end)
    fair_use = _fair_use(contract, period, as_of)
    has_lines = any(m.amount or m.billable_minutes for m in months)
    if not (has_lines or entitlements or fair_use):
        return None
    return Usage(
        months=months,
        billable_minutes=sum((m.billable_minutes for m in months), ZERO),
        amount=sum((m.amount for m in months), ZERO.quantize(CENT)),
        entitlements=entitlements,
        fair_use=fair_use,
    )
