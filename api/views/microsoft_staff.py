"""Microsoft work orders' rates, exchanges and support locations (issue 14 §2, D20), provider
staff only, through `usage.services.microsoft`: the credit rates the Microsoft representative
set, exchanges between services (with the approver, CON-23) and support locations with the
exchanges between them. Every rule is the services'; a refusal is a 400 with their message.
Another tenant's work order answers 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers.microsoft import (
    LocationExchangeInputSerializer,
    LocationExchangeOutputSerializer,
    ServiceExchangeInputSerializer,
    ServiceExchangeOutputSerializer,
    ServiceRateInputSerializer,
    ServiceRateOutputSerializer,
    SupportLocationInputSerializer,
    SupportLocationOutputSerializer,
)
from api.views.microsoft import (
    WorkOrderApi,
    field_refusal,
    parsed,
    person_ref,
    service_ref,
    staff_may,
    work_order_location,
    work_order_service,
)
from contracts.models import (
    Contract,
    EntitlementKind,
    LocationExchange,
    ServiceExchange,
    ServiceRate,
    SupportLocation,
)
from usage.selectors_microsoft import ledger_balance
from usage.services.microsoft import (
    credits_exchange_locations,
    service_exchange_record,
    service_rate_record,
    support_location_add,
)

# --- credit rates ------------------------------------------------------------------------------


def rate_facts(rate: ServiceRate) -> dict[str, Any]:
    return {
        "id": rate.pk,
        "service": service_ref(rate.service),
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
        staff_may(self.caller, "rate")
        contract = self.contract(contract_id)
        data = parsed(ServiceRateInputSerializer, request.data)
        rate = service_rate_record(
            contract=contract,
            service=work_order_service(contract, data["service"]),
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
        staff_may(self.caller, "exchange")
        contract = self.contract(contract_id)
        data = parsed(ServiceExchangeInputSerializer, request.data)
        approver = None
        if data["approver"] is not None:
            staff = User.objects.filter(is_staff=True, is_active=True)
            approver = staff.filter(pk=data["approver"]).first()
            if approver is None:
                raise field_refusal("approver", _("No such staff member."))
        exchange: ServiceExchange = service_exchange_record(
            contract=contract,
            from_service=work_order_service(contract, data["from_service"], "from_service"),
            to_service=work_order_service(contract, data["to_service"], "to_service"),
            value=data["value"],
            approver=approver,
            approved_on=data["approved_on"],
            recorded_by=self.caller.user,
            now=timezone.now(),
        )
        body = {
            "id": exchange.pk,
            "from_service": service_ref(exchange.from_service),
            "to_service": service_ref(exchange.to_service),
            "value": exchange.value,
            "approver": person_ref(exchange.approver),
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
        staff_may(self.caller, "location")
        contract = self.contract(contract_id)
        data = parsed(SupportLocationInputSerializer, request.data)
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
        staff_may(self.caller, "location_exchange")
        contract = self.contract(contract_id)
        data = parsed(LocationExchangeInputSerializer, request.data)
        giving = work_order_location(contract, data["from_location"], "from_location")
        receiving = work_order_location(contract, data["to_location"], "to_location")
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
