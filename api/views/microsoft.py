"""Microsoft work orders in use (issue 14 §2, D20), through `usage.services.microsoft`:

- services requested against the proactive credits: read and requested by the customer's
  support services manager (who sees the balances in the portal) and by provider staff;
  cancelled or rescheduled by staff; the fee of a late change entered by a coordinator (A-29);
- the credit rates the Microsoft representative set, exchanges between services (with the
  approver), support locations and exchanges between them: provider staff.
Every rule (balance, rounding, deadlines, exception countries) is the services'; a refusal is a
400 with their message. Another tenant's work order or request answers 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from api.caller import Caller
from api.scope import one_or_404
from api.serializers.microsoft import (
    FeeInputSerializer,
    LocationExchangeInputSerializer,
    LocationExchangeOutputSerializer,
    RescheduleInputSerializer,
    ServiceExchangeInputSerializer,
    ServiceExchangeOutputSerializer,
    ServiceRateInputSerializer,
    ServiceRateOutputSerializer,
    ServiceRequestInputSerializer,
    ServiceRequestOutputSerializer,
    SupportLocationInputSerializer,
    SupportLocationOutputSerializer,
)
from api.views.base import ApiView
from api.views.billing import contract_rows_plain
from contracts.models import (
    CatalogueService,
    Contract,
    EntitlementKind,
    LocationExchange,
    ServiceExchange,
    ServiceRate,
    ServiceRequest,
    ServiceRequestChange,
    SupportLocation,
)
from tickets.selectors import contact_is_manager
from usage.selectors_microsoft import ledger_balance
from usage.services.microsoft import (
    credits_exchange_locations,
    credits_redeem,
    service_exchange_record,
    service_rate_record,
    service_request_cancel,
    service_request_fee_set,
    service_request_reschedule,
    support_location_add,
)
from usage.services.months import is_coordinator


def _input(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _refused_field(field: str, message: str) -> serializers.ValidationError:
    return serializers.ValidationError({field: [message]})


def _service(contract: Contract, code: str, field: str = "service") -> CatalogueService:
    """The catalogue service of the work order's release with that code (400 otherwise)."""
    found = CatalogueService.objects.filter(release_id=contract.package.release_id, code=code)
    service = found.first()
    if service is None:
        raise _refused_field(
            field, _("The work order's catalogue has no service %(code)s.") % {"code": code}
        )
    return service


def _location(contract: Contract, location_id: int | None, field: str) -> SupportLocation | None:
    if location_id is None:
        return None
    location = SupportLocation.objects.filter(contract=contract, pk=location_id).first()
    if location is None:
        raise _refused_field(field, _("This work order has no such support location."))
    return location


def _service_ref(service: CatalogueService) -> dict[str, str]:
    return {"code": service.code, "name": service.name}


def _person(user: User) -> dict[str, Any]:
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


class WorkOrderApi(ApiView):
    """The caller's work order (404 otherwise)."""

    def contract(self, contract_id: int) -> Contract:
        return one_or_404(contract_rows_plain(self.caller), pk=contract_id)


# --- service requests --------------------------------------------------------------------------


def request_rows(caller: Caller) -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.filter(
        contract__in=contract_rows_plain(caller).values("pk")
    ).select_related("service", "location")


def request_facts(request: ServiceRequest) -> dict[str, Any]:
    location = request.location
    return {
        "id": request.pk,
        "service": _service_ref(request.service),
        "location": {"id": location.pk, "country": location.country} if location else None,
        "quantity": request.quantity,
        "credits": request.credits,
        "first_delivery_date": request.first_delivery_date,
        "status": request.status,
        "late": request.late,
        "requested_at": request.requested_at,
        "changes": [
            {
                "id": change.pk,
                "kind": change.kind,
                "old_date": change.old_date,
                "new_date": change.new_date,
                "chargeable": change.chargeable,
                "fee_max": change.fee_max,
                "fee": change.fee,
                "changed_at": change.changed_at,
            }
            for change in request.changes.order_by("changed_at", "pk")
        ],
    }


def _request_response(caller: Caller, request_id: int, code: int = status.HTTP_200_OK) -> Response:
    request = request_rows(caller).get(pk=request_id)
    return Response(ServiceRequestOutputSerializer(request_facts(request)).data, status=code)


def manager_or_staff_check(caller: Caller) -> None:
    if caller.contact is not None and not contact_is_manager(caller.contact):
        raise PermissionDenied(
            _("Only the support services manager sees and requests services bought with credits."),
            code="manager_only",
        )


class ServiceRequestCollectionApi(WorkOrderApi):
    pagination_class = None

    @extend_schema(
        operation_id="contracts_service_requests_list",
        responses=ServiceRequestOutputSerializer(many=True),
        description=gettext_lazy(
            "The services requested against the work order's proactive credits, with their "
            "cancellations and reschedulings."
        ),
    )
    def get(self, request: Request, contract_id: int) -> Response:
        contract = self.contract(contract_id)
        manager_or_staff_check(self.caller)
        rows = request_rows(self.caller).filter(contract=contract).order_by("-requested_at", "-pk")
        return Response(
            ServiceRequestOutputSerializer([request_facts(r) for r in rows], many=True).data
        )

    @extend_schema(
        operation_id="contracts_service_requests_create",
        request=ServiceRequestInputSerializer,
        responses={201: ServiceRequestOutputSerializer},
        description=gettext_lazy(
            "Request a catalogue service with proactive credits: its value at the current "
            "rate, rounded half up to whole credits, leaves the balance. Refused with the "
            "reason (not enough credits, an ended work order, a service not for credits)."
        ),
    )
    def post(self, request: Request, contract_id: int) -> Response:
        caller = self.caller
        contract = self.contract(contract_id)
        manager_or_staff_check(caller)
        data = _input(ServiceRequestInputSerializer, request.data)
        made = credits_redeem(
            contract=contract,
            service=_service(contract, data["service"]),
            location=_location(contract, data["location"], "location"),
            quantity=data["quantity"],
            requested_by=caller.user,
            first_delivery_date=data["first_delivery_date"],
            now=timezone.now(),
        )
        return _request_response(caller, made.pk, status.HTTP_201_CREATED)


class ServiceRequestCancelApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="service_requests_cancel",
        request=None,
        responses=ServiceRequestOutputSerializer,
        description=gettext_lazy(
            "Cancel a requested service: 14 days or more before its first delivery day the "
            "credits come back; later it may be charged (the change says so)."
        ),
    )
    def post(self, request: Request, service_request_id: int) -> Response:
        row = one_or_404(request_rows(self.caller), pk=service_request_id)
        service_request_cancel(request=row, by=self.caller.user, now=timezone.now())
        return _request_response(self.caller, row.pk)


class ServiceRequestRescheduleApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="service_requests_reschedule",
        request=RescheduleInputSerializer,
        responses=ServiceRequestOutputSerializer,
        description=gettext_lazy(
            "Move a requested service to another first delivery day within the work order."
        ),
    )
    def post(self, request: Request, service_request_id: int) -> Response:
        row = one_or_404(request_rows(self.caller), pk=service_request_id)
        data = _input(RescheduleInputSerializer, request.data)
        service_request_reschedule(
            request=row,
            first_delivery_date=data["first_delivery_date"],
            by=self.caller.user,
            now=timezone.now(),
        )
        return _request_response(self.caller, row.pk)


class ServiceRequestFeeApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="service_requests_changes_fee",
        request=FeeInputSerializer,
        responses=ServiceRequestOutputSerializer,
        description=gettext_lazy(
            "A support coordinator enters the fee Microsoft charges for a late change, once, "
            "at most the full price; a fee above zero becomes a billable line."
        ),
    )
    def post(self, request: Request, service_request_id: int, change_id: int) -> Response:
        row = one_or_404(request_rows(self.caller), pk=service_request_id)
        change = one_or_404(ServiceRequestChange.objects.filter(request=row), pk=change_id)
        user = self.caller.user
        if user is None or not is_coordinator(user):
            raise PermissionDenied(
                _("Only a support coordinator enters the fee of a late change."),
                code="coordinator_only",
            )
        data = _input(FeeInputSerializer, request.data)
        service_request_fee_set(change=change, fee=data["fee"], by=user, now=timezone.now())
        return _request_response(self.caller, row.pk)


# --- credit rates ------------------------------------------------------------------------------


def rate_facts(rate: ServiceRate) -> dict[str, Any]:
    return {
        "id": rate.pk,
        "service": _service_ref(rate.service),
        "contract_only": rate.contract_id is not None,
        "credits_per_unit": rate.credits,
        "price": rate.price,
        "valid_from": rate.valid_from,
        "recorded_at": rate.recorded_at,
    }


class ServiceRateCollectionApi(WorkOrderApi):
    staff_only = True
    pagination_class = None

    @extend_schema(
        operation_id="contracts_service_rates_list",
        responses=ServiceRateOutputSerializer(many=True),
        description=gettext_lazy(
            "The credit rates that apply to the work order, newest first: its own and its "
            "provider's (its own goes first when both are valid)."
        ),
    )
    def get(self, request: Request, contract_id: int) -> Response:
        contract = self.contract(contract_id)
        rows = (
            ServiceRate.objects.filter(provider_id=contract.provider_id)
            .filter(Q(contract=contract) | Q(contract__isnull=True))
            .select_related("service")
            .order_by("-valid_from", "-pk")
        )
        return Response(ServiceRateOutputSerializer([rate_facts(r) for r in rows], many=True).data)

    @extend_schema(
        operation_id="contracts_service_rates_record",
        request=ServiceRateInputSerializer,
        responses={201: ServiceRateOutputSerializer},
        description=gettext_lazy(
            "Record the credit rate the Microsoft representative set for a service of this "
            "work order, from a moment on."
        ),
    )
    def post(self, request: Request, contract_id: int) -> Response:
        contract = self.contract(contract_id)
        data = _input(ServiceRateInputSerializer, request.data)
        rate = service_rate_record(
            contract=contract,
            service=_service(contract, data["service"]),
            credits_per_unit=data["credits_per_unit"],
            price=data["price"],
            valid_from=data["valid_from"],
            recorded_by=self.caller.user,
            now=timezone.now(),
        )
        return Response(ServiceRateOutputSerializer(rate_facts(rate)).data, status=201)


# --- exchanges between services ----------------------------------------------------------------


class ServiceExchangeCollectionApi(WorkOrderApi):
    staff_only = True

    @extend_schema(
        operation_id="contracts_service_exchanges_record",
        request=ServiceExchangeInputSerializer,
        responses={201: ServiceExchangeOutputSerializer},
        description=gettext_lazy(
            "Record that an ordered service's value goes to another service of the base "
            "package, with the Service Delivery resource who approved it (required)."
        ),
    )
    def post(self, request: Request, contract_id: int) -> Response:
        contract = self.contract(contract_id)
        data = _input(ServiceExchangeInputSerializer, request.data)
        approver = None
        if data["approver"] is not None:
            staff = User.objects.filter(is_staff=True, is_active=True)
            approver = staff.filter(pk=data["approver"]).first()
            if approver is None:
                raise _refused_field("approver", _("No such staff member."))
        exchange: ServiceExchange = service_exchange_record(
            contract=contract,
            from_service=_service(contract, data["from_service"], "from_service"),
            to_service=_service(contract, data["to_service"], "to_service"),
            value=data["value"],
            approver=approver,
            approved_on=data["approved_on"],
            recorded_by=self.caller.user,
            now=timezone.now(),
        )
        body = {
            "id": exchange.pk,
            "from_service": _service_ref(exchange.from_service),
            "to_service": _service_ref(exchange.to_service),
            "value": exchange.value,
            "approver": _person(exchange.approver),
            "approved_on": exchange.approved_on,
            "recorded_at": exchange.recorded_at,
        }
        return Response(ServiceExchangeOutputSerializer(body).data, status=201)


# --- support locations and exchanges between them ---------------------------------------------


def location_facts(contract: Contract, location: SupportLocation) -> dict[str, Any]:
    kind = EntitlementKind.PROACTIVE_CREDITS
    return {
        "id": location.pk,
        "country": location.country,
        "role": location.role,
        "currency": location.currency,
        "credit_rate": location.credit_rate,
        "credits_left": ledger_balance(contract=contract, kind=kind, location=location),
    }


class SupportLocationCollectionApi(WorkOrderApi):
    staff_only = True
    pagination_class = None

    @extend_schema(
        operation_id="contracts_support_locations_list",
        responses=SupportLocationOutputSerializer(many=True),
        description=gettext_lazy(
            "A multinational work order's support locations with the credits left at each."
        ),
    )
    def get(self, request: Request, contract_id: int) -> Response:
        contract = self.contract(contract_id)
        rows = SupportLocation.objects.filter(contract=contract).order_by("role", "country")
        facts = [location_facts(contract, row) for row in rows]
        return Response(SupportLocationOutputSerializer(facts, many=True).data)

    @extend_schema(
        operation_id="contracts_support_locations_add",
        request=SupportLocationInputSerializer,
        responses={201: SupportLocationOutputSerializer},
        description=gettext_lazy(
            "Add the host or a downstream location; an exception country is refused beside "
            "others, with the reason."
        ),
    )
    def post(self, request: Request, contract_id: int) -> Response:
        contract = self.contract(contract_id)
        data = _input(SupportLocationInputSerializer, request.data)
        location = support_location_add(contract=contract, now=timezone.now(), **data)
        body = location_facts(contract, location)
        return Response(SupportLocationOutputSerializer(body).data, status=201)


class LocationExchangeCollectionApi(WorkOrderApi):
    staff_only = True

    @extend_schema(
        operation_id="contracts_location_exchanges_record",
        request=LocationExchangeInputSerializer,
        responses={201: LocationExchangeOutputSerializer},
        description=gettext_lazy(
            "Move whole credits between the host and a downstream location at their rates, "
            "rounded up for the receiving location."
        ),
    )
    def post(self, request: Request, contract_id: int) -> Response:
        contract = self.contract(contract_id)
        data = _input(LocationExchangeInputSerializer, request.data)
        giving = _location(contract, data["from_location"], "from_location")
        receiving = _location(contract, data["to_location"], "to_location")
        assert giving is not None
        assert receiving is not None
        exchange: LocationExchange = credits_exchange_locations(
            from_location=giving,
            to_location=receiving,
            credits_given=data["credits"],
            recorded_by=self.caller.user,
            now=timezone.now(),
        )
        body = {
            "id": exchange.pk,
            "from_location": {"id": giving.pk, "country": giving.country},
            "to_location": {"id": receiving.pk, "country": receiving.country},
            "credits_given": exchange.credits_from,
            "credits_received": exchange.credits_to,
            "recorded_at": exchange.recorded_at,
        }
        return Response(LocationExchangeOutputSerializer(body).data, status=201)
