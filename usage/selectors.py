"""Reads of the billing ledger: a contract's lines and totals per month, the month's minutes,
and the CSV an invoicing system imports (one row per line)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet, Sum

from contracts.models import Contract
from contracts.selectors import entitlement_balances
from tickets.models import TimeEntry
from usage.models import BillingLine
from usage.services.months import display_zone, month_start, next_month


def contract_lines(*, contract: Contract, month: date) -> QuerySet[BillingLine]:
    return (
        BillingLine.objects.filter(contract=contract, month=month_start(month))
        .select_related("ticket")
        .order_by("created_at", "pk")
    )


def contract_month_totals(*, contract: Contract, month: date) -> dict[str, Decimal]:
    """The month's billed amount per category (corrections included)."""
    rows = (
        BillingLine.objects.filter(contract=contract, month=month_start(month))
        .values("category")
        .annotate(amount=Sum("amount"))
        .order_by("category")
    )
    return {row["category"]: row["amount"] for row in rows}


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month from midnight to midnight in Amsterdam, as aware datetimes."""
    zone = display_zone()
    start, end = month_start(month), next_month(month_start(month))
    return (
        datetime(start.year, start.month, 1, tzinfo=zone),
        datetime(end.year, end.month, 1, tzinfo=zone),
    )


def month_minutes_by_contract(*, contracts: Iterable[Contract], month: date) -> dict[int, int]:
    """Minutes of work on each contract's tickets in the month, travel apart (REP-10). One query."""
    start, end = month_bounds(month)
    rows = (
        TimeEntry.objects.filter(
            ticket__contract__in=list(contracts), started_at__gte=start, started_at__lt=end
        )
        .exclude(category="travel")
        .values("ticket__contract")
        .annotate(total=Sum("minutes"))
        .order_by("ticket__contract")
    )
    return {row["ticket__contract"]: int(row["total"]) for row in rows}


def contract_month_minutes(*, contract: Contract, month: date) -> int:
    return month_minutes_by_contract(contracts=[contract], month=month).get(contract.pk, 0)


@dataclass(frozen=True)
class Balances:
    month: date
    minutes: int
    billed: Decimal
    entitlements: dict[str, Decimal]


def contract_balances(*, contract: Contract, month: date) -> Balances:
    totals = contract_month_totals(contract=contract, month=month)
    return Balances(
        month=month_start(month),
        minutes=contract_month_minutes(contract=contract, month=month),
        billed=sum(totals.values(), Decimal(0)),
        entitlements=entitlement_balances(contract),
    )
