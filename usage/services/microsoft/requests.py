"""Proactive credits redeemed for catalogue services (CON-40, 41; D20) and the credit rates the
Microsoft representative sets. A request after the 60-day deadline is accepted, flagged late,
and its work order's CSAM is told once (CON-21, A-30, D11)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from contracts.models import (
    CatalogueService,
    Contract,
    EntitlementKind,
    EntitlementMovement,
    Inclusion,
    MovementCause,
    ServiceInclusion,
    ServiceRate,
    ServiceRequest,
    SupportLocation,
)
from escalation.services.emails import csam_contract_email
from notifications.services.outbox import outbox_enqueue
from notifications.services.recipients import staff_recipient
from usage.credits import credits_for, request_deadline, request_is_late
from usage.exceptions import RateRefused, RedemptionRefused
from usage.selectors_microsoft import ledger_balance, service_rate_current
from usage.services.microsoft.common import (
    BASE_PACKAGES,
    CSAM_ROLE,
    contract_lock,
    day_text,
    ended_text,
    is_microsoft,
    local_today,
    number_text,
    work_order_ended,
)

# CON-40: credits buy the additional services; included ones need none.
REDEEMABLE = (Inclusion.ADDITIONAL, Inclusion.LIMITED)


def _redeemable_check(contract: Contract, service: CatalogueService, today: date) -> None:
    if not is_microsoft(contract) or contract.package.code not in BASE_PACKAGES:
        raise RedemptionRefused(
            _(
                "Proactive credits can only be redeemed on a Microsoft Advanced or "
                "Performance work order."
            )
        )
    if work_order_ended(contract, today):
        raise RedemptionRefused(
            ended_text(contract) + " " + _("Its credits can no longer be redeemed.")
        )
    if not ServiceInclusion.objects.filter(
        package_id=contract.package_id, service__code=service.code, inclusion__in=REDEEMABLE
    ).exists():
        raise RedemptionRefused(
            _("%(service)s cannot be bought with proactive credits on this work order.")
            % {"service": service.name}
        )


def _location_check(contract: Contract, location: SupportLocation | None) -> None:
    multinational = contract.support_locations.exists()
    if location is None and multinational:
        raise RedemptionRefused(
            _(
                "This work order has several support locations: choose the location whose "
                "credits are used."
            )
        )
    if location is not None and location.contract_id != contract.pk:
        raise RedemptionRefused(_("That support location belongs to another work order."))


def _delivery_check(contract: Contract, first_delivery_date: date, today: date) -> None:
    if first_delivery_date < today:
        raise RedemptionRefused(_("The first delivery day lies in the past."))
    end = contract.end_date
    if end is not None and first_delivery_date > end:
        raise RedemptionRefused(
            _("The first delivery day lies after the end of the work order (%(date)s).")
            % {"date": day_text(end)}
        )


@transaction.atomic
def credits_redeem(
    *,
    contract: Contract,
    service: CatalogueService,
    location: SupportLocation | None = None,
    quantity: int = 1,
    requested_by: User | None,
    first_delivery_date: date,
    now: datetime,
) -> ServiceRequest:
    """Request `quantity` of `service`; its value at the current rate, rounded half up to whole
    credits, leaves the balance (of `location` on a multinational work order) in the same
    transaction. Refused, with nothing written, when it cannot be."""
    contract = contract_lock(contract)
    today = local_today(now)
    if quantity < 1:
        raise RedemptionRefused(_("The quantity must be at least 1."))
    _redeemable_check(contract, service, today)
    _location_check(contract, location)
    _delivery_check(contract, first_delivery_date, today)
    rate = service_rate_current(contract=contract, service=service, now=now)
    if rate is None:
        raise RedemptionRefused(
            _(
                "%(service)s has no current credit rate yet; ask the Microsoft "
                "representative for it."
            )
            % {"service": service.name}
        )
    cost = credits_for(rate.credits, quantity)
    kind = EntitlementKind.PROACTIVE_CREDITS
    left = ledger_balance(contract=contract, kind=kind, location=location)
    if left < cost:
        raise RedemptionRefused(
            _("%(service)s costs %(cost)s credits; only %(left)s are left.")
            % {"service": service.name, "cost": number_text(cost), "left": number_text(left)}
        )
    end = contract.end_date
    request = ServiceRequest.objects.create(
        contract=contract,
        service=service,
        location=location,
        quantity=quantity,
        credits=cost,
        price=rate.price * quantity if rate.price is not None else None,
        first_delivery_date=first_delivery_date,
        late=end is not None and request_is_late(end, today),
        requested_by=requested_by,
        requested_at=now,
    )
    EntitlementMovement.objects.create(
        contract=contract,
        kind=kind,
        quantity=-cost,
        reason=f"{service.name} x{quantity}"[:200],
        occurred_at=now,
        recorded_by=requested_by,
        cause=MovementCause.REDEMPTION,
        location=location,
        service_request=request,
    )
    if request.late:
        _late_request_mail(contract, request, now)
    return request


def _late_request_mail(contract: Contract, request: ServiceRequest, now: datetime) -> None:
    """A-30, D11: the CSAM hears of a request after the 60-day deadline, once per request."""
    csam = contract.csam
    if csam is None or not csam.email or contract.end_date is None:
        return
    recipient = staff_recipient(csam, CSAM_ROLE)
    with override(recipient.language):
        email = csam_contract_email(
            contract.reference,
            contract.customer.name,
            recipient,
            _("Service requested after the request deadline: %(service)s")
            % {"service": request.service.name},
            _(
                "The customer requested this service less than 60 days before the work order "
                "ends. It was accepted; check that it can still be delivered in time."
            ),
            [
                (_("Contract"), contract.reference),
                (_("Service"), f"{request.service.name} x{request.quantity}"),
                (_("Credits"), number_text(request.credits)),
                (_("First delivery day"), day_text(request.first_delivery_date)),
                (_("Request deadline"), day_text(request_deadline(contract.end_date))),
                (_("End"), day_text(contract.end_date)),
            ],
        )
    outbox_enqueue(key=f"csam-late-request:{request.pk}", email=email, now=now)


@transaction.atomic
def service_rate_record(
    *,
    contract: Contract | None = None,
    service: CatalogueService,
    credits_per_unit: Decimal,
    price: Decimal | None = None,
    valid_from: datetime,
    recorded_by: User | None,
    now: datetime,
) -> ServiceRate:
    """Record the credit rate the Microsoft representative set for `service`: for one work
    order, or (without one) for every work order of the service's provider."""
    if credits_per_unit < 0 or (price is not None and price < 0):
        raise RateRefused(_("A rate cannot be negative."))
    provider = service.release.provider
    if contract is not None and contract.provider_id != provider.pk:
        raise RateRefused(_("The service is not in the catalogue of the work order's provider."))
    return ServiceRate.objects.create(
        provider=provider,
        contract=contract,
        service=service,
        credits=credits_per_unit,
        price=price,
        valid_from=valid_from,
        recorded_by=recorded_by,
        recorded_at=now,
    )
