"""Reads of the Microsoft entitlements (D20): balances per kind and support location, the current
credit rate of a service, and the figures the dashboard and the portal show per work order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum

from contracts.models import (
    CatalogueService,
    Contract,
    ContractStatus,
    EntitlementKind,
    EntitlementMovement,
    MovementCause,
    ServiceRate,
    ServiceRequest,
    ServiceRequestStatus,
    SupportLocation,
)
from usage.credits import days_to_request_deadline, request_deadline

MICROSOFT = "microsoft"
ZERO = Decimal(0)


def ledger_balance(
    *, contract: Contract, kind: str, location: SupportLocation | None = None
) -> Decimal:
    """What is left of `kind` at `location` (None: the work order's own, location-less rows)."""
    rows = EntitlementMovement.objects.filter(contract=contract, kind=kind)
    rows = (
        rows.filter(location__isnull=True) if location is None else rows.filter(location=location)
    )
    total = rows.aggregate(total=Sum("quantity"))["total"]
    return total if isinstance(total, Decimal) else ZERO


def service_rate_current(
    *, contract: Contract, service: CatalogueService, now: datetime
) -> ServiceRate | None:
    """The rate valid at `now`: the contract's own latest, else the provider's latest (CON-40).
    Rates follow the service's code, so a new catalogue release keeps them."""
    rates = ServiceRate.objects.filter(
        provider_id=contract.provider_id, service__code=service.code, valid_from__lte=now
    ).order_by("-valid_from", "-pk")
    return rates.filter(contract=contract).first() or rates.filter(contract__isnull=True).first()


@dataclass(frozen=True)
class MicrosoftFigures:
    """One Microsoft work order's balances for the dashboard and the portal."""

    contract: Contract
    credits_left: Decimal
    ede_purchased: Decimal
    ede_used: Decimal
    ede_left: Decimal
    unused_requests: int
    request_deadline: date | None
    # End - 60 days - today: negative once the deadline has passed; None without an end date.
    days_to_deadline: int | None


def _sum(kind: str, *extra: Q) -> Sum:
    return Sum("quantity", filter=Q(*extra, kind=kind), default=ZERO)


def microsoft_figures(*, today: date, customer_id: int | None = None) -> list[MicrosoftFigures]:
    """Every active Microsoft work order (of one customer, if given): three queries in all."""
    contracts = Contract.objects.filter(
        provider__code=MICROSOFT, status=ContractStatus.ACTIVE
    ).select_related("customer", "package")
    if customer_id is not None:
        contracts = contracts.filter(customer_id=customer_id)
    rows = list(contracts.order_by("customer__name", "reference"))
    ede = EntitlementKind.EDE_HOURS
    sums: dict[int, dict[str, Decimal]] = {
        row["contract_id"]: {
            "credits": row["credits"],
            "ede_left": row["ede_left"],
            "ede_purchased": row["ede_purchased"],
            "ede_used": row["ede_used"],
        }
        for row in EntitlementMovement.objects.filter(contract__in=rows)
        .values("contract_id")
        .annotate(
            credits=_sum(EntitlementKind.PROACTIVE_CREDITS),
            ede_left=_sum(ede),
            ede_purchased=_sum(ede, Q(quantity__gt=0)),
            ede_used=_sum(ede, Q(cause=MovementCause.EDE)),
        )
        .order_by()
    }
    open_requests = dict(
        ServiceRequest.objects.filter(contract__in=rows, status=ServiceRequestStatus.REQUESTED)
        .values("contract_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("contract_id", "n")
    )
    return [
        _figures(contract, sums.get(contract.pk, {}), open_requests, today) for contract in rows
    ]


def _figures(
    contract: Contract, sums: dict[str, Decimal], open_requests: dict[int, int], today: date
) -> MicrosoftFigures:
    end = contract.end_date
    return MicrosoftFigures(
        contract=contract,
        credits_left=sums.get("credits", ZERO),
        ede_purchased=sums.get("ede_purchased", ZERO),
        ede_used=-sums.get("ede_used", ZERO),
        ede_left=sums.get("ede_left", ZERO),
        unused_requests=open_requests.get(contract.pk, 0),
        request_deadline=request_deadline(end) if end is not None else None,
        days_to_deadline=days_to_request_deadline(end, today) if end is not None else None,
    )
