"""What the back-office page of one Microsoft work order reads (issue #14 §4, D20): its figures,
the balances per kind and support location, every ledger movement, the requested services with
their changes, the exchanges, the locations and the credit rates. A fixed number of queries,
whatever the number of rows; the balances are derived from the movements, never stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q

from contracts.models import (
    Contract,
    EntitlementKind,
    EntitlementMovement,
    LocationExchange,
    ServiceExchange,
    ServiceRate,
    ServiceRequest,
    ServiceRequestChange,
    SupportLocation,
)
from usage.credits import request_deadline
from usage.selectors_microsoft import MicrosoftFigures, microsoft_figures

KIND_ORDER = list(EntitlementKind.values)


@dataclass(frozen=True)
class Balance:
    """What is left of one kind at one location (None: the work order's own rows)."""

    kind: str
    kind_label: str
    location: SupportLocation | None
    left: Decimal


@dataclass(frozen=True)
class MicrosoftUsage:
    contract: Contract
    figures: MicrosoftFigures | None  # None once the work order no longer runs
    request_deadline: date | None
    balances: list[Balance]
    movements: list[EntitlementMovement]
    requests: list[ServiceRequest]
    exchanges: list[ServiceExchange]
    location_exchanges: list[LocationExchange]
    locations: list[SupportLocation]
    rates: list[ServiceRate]


def balances_of(movements: list[EntitlementMovement]) -> list[Balance]:
    """The sum per (kind, location) of `movements`, in the kinds' order, then by location."""
    sums: dict[tuple[str, int | None], Decimal] = {}
    places: dict[int | None, SupportLocation | None] = {None: None}
    for row in movements:
        key = (row.kind, row.location_id)
        sums[key] = sums.get(key, Decimal(0)) + row.quantity
        places[row.location_id] = row.location
    labels = dict(EntitlementKind.choices)
    ordered = sorted(
        sums.items(),
        key=lambda item: (
            KIND_ORDER.index(item[0][0]) if item[0][0] in KIND_ORDER else len(KIND_ORDER),
            "" if item[0][1] is None else str(places[item[0][1]]),
        ),
    )
    return [
        Balance(kind, str(labels.get(kind, kind)), places[location_id], left)
        for (kind, location_id), left in ordered
    ]


def microsoft_usage(*, contract: Contract, today: date) -> MicrosoftUsage:
    figures = next(
        (
            row
            for row in microsoft_figures(today=today, customer_id=contract.customer_id)
            if row.contract.pk == contract.pk
        ),
        None,
    )
    movements = list(
        EntitlementMovement.objects.filter(contract=contract)
        .select_related("location", "recorded_by", "service_request__service", "time_entry")
        .order_by("occurred_at", "pk")
    )
    changes = ServiceRequestChange.objects.select_related("changed_by", "fee_set_by")
    requests = (
        ServiceRequest.objects.filter(contract=contract)
        .select_related("service", "location", "requested_by")
        .prefetch_related(Prefetch("changes", queryset=changes))
        .order_by("first_delivery_date", "pk")
    )
    rates = ServiceRate.objects.filter(
        Q(contract=contract) | Q(contract__isnull=True, provider_id=contract.provider_id)
    ).select_related("service", "contract", "recorded_by")
    return MicrosoftUsage(
        contract=contract,
        figures=figures,
        request_deadline=request_deadline(contract.end_date) if contract.end_date else None,
        balances=balances_of(movements),
        movements=movements,
        requests=list(requests),
        exchanges=list(
            ServiceExchange.objects.filter(contract=contract).select_related(
                "from_service", "to_service", "approver", "recorded_by"
            )
        ),
        location_exchanges=list(
            LocationExchange.objects.filter(contract=contract).select_related(
                "from_location", "to_location", "recorded_by"
            )
        ),
        locations=list(SupportLocation.objects.filter(contract=contract)),
        rates=list(rates.order_by("service__name", "-valid_from", "-pk")),
    )
