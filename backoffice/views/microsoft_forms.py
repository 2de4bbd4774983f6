"""The form pages of a Microsoft work order's usage (issue #14 §2, D20): each calls exactly one
usage service; who may act, the scope and the refusals are in backoffice.views.microsoft."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from backoffice.forms_microsoft import (
    ConfirmForm,
    FeeForm,
    LocationExchangeForm,
    LocationForm,
    PurchaseForm,
    RateForm,
    RedeemForm,
    RescheduleForm,
    ServiceExchangeForm,
)
from backoffice.views.microsoft import PERMS, Outcome, form_page, work_order
from contracts.models import ServiceRequest, ServiceRequestChange, ServiceRequestStatus
from usage.credits import (
    cancellation_fee_max,
    change_is_chargeable,
    request_deadline,
    request_is_late,
)
from usage.services.microsoft import (
    credits_exchange_locations,
    credits_redeem,
    entitlement_purchase_record,
    service_exchange_record,
    service_rate_record,
    service_request_cancel,
    service_request_fee_set,
    service_request_reschedule,
    support_location_add,
)
from usage.services.microsoft.common import day_text, local_today, number_text
from usage.services.months import display_zone


def _money(value: Decimal) -> str:
    return formats.number_format(value, decimal_pos=2)


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data, also when a form has no fields (a cancellation)."""
    return request.POST if request.method == "POST" else None


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=display_zone())


def ms_rate(request: HttpRequest, pk: int) -> HttpResponse:
    user, contract = work_order(request, pk, PERMS["rate"])
    now = timezone.now()
    form = RateForm(_posted(request), contract=contract, initial={"valid_from": now.date()})

    def act(data: dict[str, Any]) -> Outcome:
        rate = service_rate_record(
            contract=contract,
            service=data["service"],
            credits_per_unit=data["credits_per_unit"],
            price=data["price"],
            valid_from=_day_start(data["valid_from"]),
            recorded_by=user,
            now=now,
        )
        text = _("Rate recorded: %(service)s costs %(credits)s credits a unit from %(date)s.")
        return [
            (
                messages.SUCCESS,
                text
                % {
                    "service": rate.service.name,
                    "credits": number_text(rate.credits),
                    "date": day_text(data["valid_from"]),
                },
            )
        ]

    title = _("Record a credit rate for %(contract)s") % {"contract": contract.reference}
    notes = [_("The rate applies to this work order and goes before the provider's rate.")]
    return form_page(request, contract, form, title=title, notes=notes, act=act)


def _deadline_notes(end: date | None, today: date) -> list[str]:
    if end is None:
        return []
    deadline = request_deadline(end)
    if request_is_late(end, today):
        return [
            _(
                "The request deadline (%(date)s) has passed: a request is still accepted, but "
                "it is flagged late and the CSAM is told."
            )
            % {"date": day_text(deadline)}
        ]
    return [_("Request deadline: %(date)s.") % {"date": day_text(deadline)}]


def ms_redeem(request: HttpRequest, pk: int) -> HttpResponse:
    user, contract = work_order(request, pk, PERMS["redeem"])
    now = timezone.now()
    form = RedeemForm(_posted(request), contract=contract)

    def act(data: dict[str, Any]) -> Outcome:
        made = credits_redeem(
            contract=contract,
            service=data["service"],
            location=data["location"],
            quantity=data["quantity"],
            requested_by=user,
            first_delivery_date=data["first_delivery_date"],
            now=now,
        )
        done = _("%(service)s x%(quantity)s requested for %(credits)s credits.") % {
            "service": made.service.name,
            "quantity": made.quantity,
            "credits": number_text(made.credits),
        }
        outcome: Outcome = [(messages.SUCCESS, done)]
        if made.late:
            late = _(
                "This request came after the request deadline: it is accepted and flagged "
                "late, and the CSAM is told."
            )
            outcome.append((messages.WARNING, late))
        return outcome

    title = _("Redeem credits for %(contract)s") % {"contract": contract.reference}
    notes = _deadline_notes(contract.end_date, local_today(now))
    return form_page(request, contract, form, title=title, notes=notes, act=act)


def _open_request(contract_pk: int, request_pk: int) -> ServiceRequest:
    return get_object_or_404(
        ServiceRequest.objects.select_related("service"),
        contract_id=contract_pk,
        pk=request_pk,
        status=ServiceRequestStatus.REQUESTED,
    )


def _charge_note(service_request: ServiceRequest, today: date) -> str:
    """Whether changing the request today is chargeable, and up to how much (CON-22)."""
    if not change_is_chargeable(service_request.first_delivery_date, today):
        return _("A change now is free of charge: the first delivery day is 14 days or more away.")
    if service_request.price is None:
        return _(
            "A change now is chargeable: less than 14 days before the first delivery day. "
            "No contracted price is known for this request."
        )
    return _(
        "A change now is chargeable: less than 14 days before the first delivery day, "
        "Microsoft may charge up to %(max)s."
    ) % {"max": _money(cancellation_fee_max(service_request.price))}


def _change_outcome(change: ServiceRequestChange, free_text: str) -> Outcome:
    if not change.chargeable:
        return [(messages.SUCCESS, free_text)]
    text = _(
        "Chargeable: the change came less than 14 days before the first delivery day. "
        "Enter the fee once Microsoft has set it."
    )
    if change.fee_max is not None:
        text += " " + _("The fee is at most %(max)s.") % {"max": _money(change.fee_max)}
    return [(messages.WARNING, text)]


def ms_cancel(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    user, contract = work_order(request, pk, PERMS["change"])
    target = _open_request(contract.pk, request_pk)
    now = timezone.now()

    def act(data: dict[str, Any]) -> Outcome:
        change = service_request_cancel(request=target, by=user, now=now)
        returned = {"credits": number_text(target.credits)}
        free = _("Cancelled in time, free of charge: the %(credits)s credits are back.")
        outcome = _change_outcome(change, free % returned)
        if change.chargeable and target.credits:
            outcome.append((messages.INFO, _("The %(credits)s credits are back.") % returned))
        return outcome

    title = _("Cancel %(request)s") % {"request": target}
    notes = [_charge_note(target, local_today(now))]
    form = ConfirmForm(_posted(request))
    return form_page(request, contract, form, title=title, notes=notes, act=act)


def ms_reschedule(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    user, contract = work_order(request, pk, PERMS["change"])
    target = _open_request(contract.pk, request_pk)
    now = timezone.now()

    def act(data: dict[str, Any]) -> Outcome:
        new_day = data["first_delivery_date"]
        change = service_request_reschedule(
            request=target, first_delivery_date=new_day, by=user, now=now
        )
        free = _("Rescheduled to %(date)s in time, free of charge.")
        return _change_outcome(change, free % {"date": day_text(new_day)})

    title = _("Reschedule %(request)s") % {"request": target}
    notes = [_charge_note(target, local_today(now))]
    form = RescheduleForm(_posted(request))
    return form_page(request, contract, form, title=title, notes=notes, act=act)


def ms_fee(request: HttpRequest, pk: int, change_pk: int) -> HttpResponse:
    user, contract = work_order(request, pk, PERMS["fee"])
    change = get_object_or_404(
        ServiceRequestChange.objects.select_related("request__service"),
        request__contract_id=contract.pk,
        pk=change_pk,
    )

    def act(data: dict[str, Any]) -> Outcome:
        done = service_request_fee_set(change=change, fee=data["fee"], by=user, now=timezone.now())
        text = _("Fee of %(fee)s entered; it is billed in this month's lines.")
        return [(messages.SUCCESS, text % {"fee": _money(done.fee or Decimal(0))})]

    title = _("Enter the fee of %(change)s") % {"change": change}
    notes = (
        [_("The fee is at most %(max)s.") % {"max": _money(change.fee_max)}]
        if change.fee_max is not None
        else []
    )
    form = FeeForm(_posted(request))
    return form_page(request, contract, form, title=title, notes=notes, act=act)


def ms_service_exchange(request: HttpRequest, pk: int) -> HttpResponse:
    user, contract = work_order(request, pk, PERMS["exchange"])
    form = ServiceExchangeForm(_posted(request), contract=contract)

    def act(data: dict[str, Any]) -> Outcome:
        done = service_exchange_record(
            contract=contract,
            recorded_by=user,
            now=timezone.now(),
            **data,
        )
        text = _("Exchange recorded: %(value)s credits from %(from)s to %(to)s.")
        values = {"value": number_text(done.value), "from": done.from_service.name}
        return [(messages.SUCCESS, text % {**values, "to": done.to_service.name})]

    title = _("Record an exchange between services for %(contract)s") % {
        "contract": contract.reference
    }
    notes = [_("An exchange needs the consent of the Service Delivery resource.")]
    return form_page(request, contract, form, title=title, notes=notes, act=act)


def ms_location_add(request: HttpRequest, pk: int) -> HttpResponse:
    _user, contract = work_order(request, pk, PERMS["location"])
    form = LocationForm(_posted(request))

    def act(data: dict[str, Any]) -> Outcome:
        location = support_location_add(contract=contract, now=timezone.now(), **data)
        text = _("Support location %(location)s added.") % {"location": location}
        return [(messages.SUCCESS, text)]

    title = _("Add a support location to %(contract)s") % {"contract": contract.reference}
    notes = [_("A multinational work order has exactly one host; add it first.")]
    return form_page(request, contract, form, title=title, notes=notes, act=act)


def ms_location_exchange(request: HttpRequest, pk: int) -> HttpResponse:
    user, contract = work_order(request, pk, PERMS["location_exchange"])
    form = LocationExchangeForm(_posted(request), contract=contract)

    def act(data: dict[str, Any]) -> Outcome:
        done = credits_exchange_locations(recorded_by=user, now=timezone.now(), **data)
        text = _("%(given)s credits of %(from)s became %(received)s credits of %(to)s.")
        values = {"given": number_text(done.credits_from), "from": done.from_location}
        values |= {"received": number_text(done.credits_to), "to": done.to_location}
        return [(messages.SUCCESS, text % values)]

    title = _("Exchange credits between locations of %(contract)s") % {
        "contract": contract.reference
    }
    notes = [_("At the locations' current rates; the credits received are rounded up.")]
    return form_page(request, contract, form, title=title, notes=notes, act=act)


def ms_purchase(request: HttpRequest, pk: int) -> HttpResponse:
    user, contract = work_order(request, pk, PERMS["purchase"])
    form = PurchaseForm(_posted(request), contract=contract)

    def act(data: dict[str, Any]) -> Outcome:
        row = entitlement_purchase_record(
            contract=contract, recorded_by=user, now=timezone.now(), **data
        )
        text = _("Purchase recorded: %(quantity)s %(kind)s.")
        values = {"quantity": number_text(row.quantity), "kind": row.get_kind_display()}
        return [(messages.SUCCESS, text % values)]

    title = _("Record a purchase for %(contract)s") % {"contract": contract.reference}
    notes = [_("A purchase adds to the balance; what is used or lapses is written by the desk.")]
    return form_page(request, contract, form, title=title, notes=notes, act=act)
