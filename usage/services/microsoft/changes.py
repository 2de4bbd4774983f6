"""Cancelling or rescheduling a requested service (CON-22, A-29, BIL-46).

In time (14 calendar days or more before the first delivery day) it is free and a cancellation
gives the credits back. Later it is allowed but chargeable: the change records fee_max, 100% of
the price, and a coordinator enters the actual fee, which becomes a billing line (usage's one
ledger of billable lines)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from contracts.models import (
    EntitlementKind,
    EntitlementMovement,
    MovementCause,
    RequestChangeKind,
    ServiceRequest,
    ServiceRequestChange,
    ServiceRequestStatus,
)
from usage.credits import cancellation_fee_max, change_is_chargeable
from usage.exceptions import RequestChangeRefused
from usage.models import LineCategory, LineUnit
from usage.services.lines import billing_line_add
from usage.services.microsoft.common import contract_lock, day_text, local_today


def _open_request(request: ServiceRequest) -> ServiceRequest:
    """The request, re-read under the work order's lock; refused unless still requested."""
    contract_lock(request.contract)
    request = ServiceRequest.objects.select_related("contract", "service").get(pk=request.pk)
    if request.status != ServiceRequestStatus.REQUESTED:
        raise RequestChangeRefused(
            _("This request was already %(status)s.") % {"status": request.get_status_display()}
        )
    return request


def _change(
    request: ServiceRequest,
    kind: str,
    new_date: date | None,
    by: User | None,
    now: datetime,
) -> ServiceRequestChange:
    chargeable = change_is_chargeable(request.first_delivery_date, local_today(now))
    price = request.price
    return ServiceRequestChange.objects.create(
        request=request,
        kind=kind,
        old_date=request.first_delivery_date,
        new_date=new_date,
        chargeable=chargeable,
        fee_max=cancellation_fee_max(price) if chargeable and price is not None else None,
        changed_by=by,
        changed_at=now,
    )


@transaction.atomic
def service_request_cancel(
    *, request: ServiceRequest, by: User | None, now: datetime
) -> ServiceRequestChange:
    """Cancel a requested service: its credits come back (a positive movement). A cancellation
    less than 14 days before delivery is chargeable (CON-22): Microsoft may charge up to the
    price, as a fee the coordinator enters (a billing line). The credits are not kept as well:
    the customer would pay the same service twice."""
    request = _open_request(request)
    change = _change(request, RequestChangeKind.CANCELLED, None, by, now)
    request.status = ServiceRequestStatus.CANCELLED
    request.save(update_fields=["status"])
    if request.credits:
        EntitlementMovement.objects.create(
            contract=request.contract,
            kind=EntitlementKind.PROACTIVE_CREDITS,
            quantity=request.credits,
            reason=f"{request.service.name} x{request.quantity}"[:200],
            occurred_at=now,
            recorded_by=by,
            cause=MovementCause.RETURN,
            location_id=request.location_id,
            service_request=request,
        )
    return change


@transaction.atomic
def service_request_reschedule(
    *, request: ServiceRequest, first_delivery_date: date, by: User | None, now: datetime
) -> ServiceRequestChange:
    """Move a requested service to another first delivery day within the work order."""
    request = _open_request(request)
    today = local_today(now)
    end = request.contract.end_date
    if first_delivery_date == request.first_delivery_date:
        raise RequestChangeRefused(_("The new first delivery day is the same as the old one."))
    if first_delivery_date < today:
        raise RequestChangeRefused(_("The first delivery day lies in the past."))
    if end is not None and first_delivery_date > end:
        raise RequestChangeRefused(
            _("The first delivery day lies after the end of the work order (%(date)s).")
            % {"date": day_text(end)}
        )
    change = _change(request, RequestChangeKind.RESCHEDULED, first_delivery_date, by, now)
    request.first_delivery_date = first_delivery_date
    request.save(update_fields=["first_delivery_date"])
    return change


@transaction.atomic
def service_request_fee_set(
    *, change: ServiceRequestChange, fee: Decimal, by: User, now: datetime
) -> ServiceRequestChange:
    """A coordinator enters the fee Microsoft charges for a late change (A-29), once."""
    change = ServiceRequestChange.objects.select_for_update().get(pk=change.pk)
    if not change.chargeable:
        raise RequestChangeRefused(_("This change was in time: it is free of charge."))
    if change.fee is not None:
        raise RequestChangeRefused(_("The fee of this change was already entered."))
    if fee < 0:
        raise RequestChangeRefused(_("A fee cannot be negative."))
    if change.fee_max is not None and fee > change.fee_max:
        raise RequestChangeRefused(
            _("The fee can be at most %(max)s (the full price).")
            % {"max": formats.number_format(change.fee_max, decimal_pos=2)}
        )
    change.fee, change.fee_set_by, change.fee_set_at = fee, by, now
    change.save(update_fields=["fee", "fee_set_by", "fee_set_at"])
    if fee > 0:
        _fee_billing_line(change, by=by, now=now)
    return change


def _fee_billing_line(change: ServiceRequestChange, *, by: User, now: datetime) -> None:
    """The one place a late change's fee becomes a billing line (BIL-46), in the month of now."""
    request = change.request
    billing_line_add(
        contract=request.contract,
        category=LineCategory.CANCELLATION_FEE,
        quantity=Decimal(1),
        unit=LineUnit.ITEMS,
        rate=change.fee if change.fee is not None else Decimal(0),
        # Stored data, read in any language: the category says what the fee is for.
        description=f"{request.service.name}, {change.old_date.isoformat()}",
        source=f"ms-request-change:{change.pk}",
        now=now,
        by=by,
    )
