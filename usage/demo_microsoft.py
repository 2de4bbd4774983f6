"""The demo's Microsoft work orders in use: the credits and EDE hours bought with them, the
representative's credit rates, a workshop bought with credits last month and an assessment
requested this month and cancelled less than 14 days before its delivery (chargeable: the
coordinator enters half its price as the fee, a billing line). The EDE time is part of the demo
work (`usage.demo_data.WORK`)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from functools import partial

from django.contrib.auth.models import User

from contracts.models import CatalogueService, Contract
from contracts.selectors_events import local_day
from usage.demo_data import (
    ASSESSMENT,
    COORDINATOR,
    HOLLANDS,
    LATE_FEE_SHARE,
    NOORDZEE,
    PREVIOUS,
    PURCHASES,
    SERVICE_RATES,
    WORKSHOP,
    Purchase,
)
from usage.demo_work import Months, Step, at, demo_calendars, local_midnight, working_days
from usage.services.microsoft import (
    credits_redeem,
    service_rate_record,
    service_request_cancel,
    service_request_fee_set,
)
from usage.services.microsoft.purchases import entitlement_purchase_record

WORKSHOP_REQUESTED_ON = 6  # working day of the previous month
WORKSHOP_DELIVERY_AFTER = timedelta(days=30)
ASSESSMENT_REQUESTED_BEFORE = timedelta(days=12)  # before now
ASSESSMENT_DELIVERY_AFTER = timedelta(days=20)  # after the request: cancelled 9 days before
ASSESSMENT_CANCELLED_BEFORE = timedelta(days=1)  # before now
FEE_SET_AFTER = timedelta(hours=1)


def microsoft_steps(
    *,
    contracts: dict[str, Contract],
    people: dict[str, User],
    months: Months,
    now: datetime,
    counts: Counter[str],
) -> list[Step]:
    coordinator = people[COORDINATOR]
    steps: list[Step] = []
    for order, purchase in enumerate(PURCHASES):
        contract = contracts.get(purchase.customer)
        if contract is not None:
            moment = at(contract.start_date, 9)
            buy = partial(_purchase, contract, purchase, coordinator, moment, counts)
            steps.append((moment, order, buy))
    hollands, noordzee = contracts.get(HOLLANDS), contracts.get(NOORDZEE)
    if hollands is None or noordzee is None:
        return steps
    rated = local_midnight(months[PREVIOUS])
    steps.append((rated, 0, partial(_rates, hollands, coordinator, rated, counts)))
    days = working_days(months[PREVIOUS], demo_calendars(contracts))
    requested = at(days[WORKSHOP_REQUESTED_ON - 1], 11)
    workshop = partial(_workshop, hollands, coordinator, requested, counts)
    steps.append((requested, 0, workshop))
    requested = at(local_day(now - ASSESSMENT_REQUESTED_BEFORE), 10)
    assessment = partial(_late_cancellation, noordzee, coordinator, requested, now, counts)
    steps.append((requested, 0, assessment))
    return steps


def _purchase(
    contract: Contract, purchase: Purchase, by: User, moment: datetime, counts: Counter[str]
) -> None:
    entitlement_purchase_record(
        contract=contract,
        kind=purchase.kind,
        quantity=purchase.quantity,
        reason=purchase.reason,
        recorded_by=by,
        now=moment,
    )
    counts["entitlement purchases"] += 1


def _service(contract: Contract, code: str) -> CatalogueService:
    return CatalogueService.objects.get(release=contract.package.release, code=code)


def _rates(contract: Contract, by: User, moment: datetime, counts: Counter[str]) -> None:
    """The representative's rates for every Microsoft work order, valid from `moment`."""
    for code, (per_unit, price) in SERVICE_RATES.items():
        service_rate_record(
            service=_service(contract, code),
            credits_per_unit=per_unit,
            price=price,
            valid_from=moment,
            recorded_by=by,
            now=moment,
        )
        counts["credit rates"] += 1


def _workshop(contract: Contract, by: User, moment: datetime, counts: Counter[str]) -> None:
    credits_redeem(
        contract=contract,
        service=_service(contract, WORKSHOP),
        requested_by=by,
        first_delivery_date=local_day(moment + WORKSHOP_DELIVERY_AFTER),
        now=moment,
    )
    counts["service requests"] += 1


def _late_cancellation(
    contract: Contract, by: User, moment: datetime, now: datetime, counts: Counter[str]
) -> None:
    """Requested, then cancelled 9 days before delivery: chargeable, the fee entered. The
    steps after the request run here, in their order; each lies before `now`."""
    request = credits_redeem(
        contract=contract,
        service=_service(contract, ASSESSMENT),
        requested_by=by,
        first_delivery_date=local_day(moment) + ASSESSMENT_DELIVERY_AFTER,
        now=moment,
    )
    counts["service requests"] += 1
    cancelled = at(local_day(now - ASSESSMENT_CANCELLED_BEFORE), 11)
    change = service_request_cancel(request=request, by=by, now=cancelled)
    counts["late changes"] += change.chargeable
    fee = (request.price or 0) * LATE_FEE_SHARE
    service_request_fee_set(change=change, fee=fee, by=by, now=cancelled + FEE_SET_AFTER)
