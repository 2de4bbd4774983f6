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
from django.db.models import QuerySet
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
    RescheduleInputSerializer,
    ServiceRequestInputSerializer,
    ServiceRequestOutputSerializer,
)
from api.views.base import ApiView
from api.views.billing import contract_rows_plain
from contracts.models import (
    CatalogueService,
    Contract,
    ServiceRequest,
    ServiceRequestChange,
    SupportLocation,
)
from tickets.selectors import contact_is_manager
from usage.permissions import MICROSOFT_PERMS
from usage.services.microsoft import (
    credits_redeem,
    service_request_cancel,
    service_request_fee_set,
    service_request_reschedule,
)


def parsed(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def field_refusal(field: str, message: str) -> serializers.ValidationError:
    return serializers.ValidationError({field: [message]})


def work_order_service(contract: Contract, code: str, field: str = "service") -> CatalogueService:
    """The catalogue service of the work order's release with that code (400 otherwise)."""
    found = CatalogueService.objects.filter(release_id=contract.package.release_id, code=code)
    service = found.first()
    if service is None:
        raise field_refusal(
            field, _("The work order's catalogue has no service %(code)s.") % {"code": code}
        )
    return service


def work_order_location(
    contract: Contract, location_id: int | None, field: str
) -> SupportLocation | None:
    if location_id is None:
        return None
    location = SupportLocation.objects.filter(contract=contract, pk=location_id).first()
    if location is None:
        raise field_refusal(field, _("This work order has no such support location."))
    return location


def service_ref(service: CatalogueService) -> dict[str, str]:
    return {"code": service.code, "name": service.name}


def person_ref(user: User) -> dict[str, Any]:
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


class WorkOrderApi(ApiView):
    """The caller's work order (404 otherwise)."""

    def contract(self, contract_id: int) -> Contract:
        return one_or_404(contract_rows_plain(self.caller), pk=contract_id)


def staff_may(caller: Caller, action: str) -> None:
    """A staff caller acts only where the back-office lets their role act (403 otherwise);
    a customer's caller is checked by its own rule."""
    user = caller.user
    if caller.is_staff and (user is None or not user.has_perm(MICROSOFT_PERMS[action])):
        raise PermissionDenied(
            _("Your role may not do this on a Microsoft work order."), code="role_refused"
        )


# --- service requests --------------------------------------------------------------------------


def request_rows(caller: Caller) -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.filter(
        contract__in=contract_rows_plain(caller).values("pk")
    ).select_related("service", "location")


def request_facts(request: ServiceRequest) -> dict[str, Any]:
    location = request.location
    return {
        "id": request.pk,
        "service": service_ref(request.service),
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
        staff_may(caller, "redeem")
        data = parsed(ServiceRequestInputSerializer, request.data)
        made = credits_redeem(
            contract=contract,
            service=work_order_service(contract, data["service"]),
            location=work_order_location(contract, data["location"], "location"),
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
        staff_may(self.caller, "change")
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
        staff_may(self.caller, "change")
        data = parsed(RescheduleInputSerializer, request.data)
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
        staff_may(self.caller, "fee")
        user = self.caller.user
        assert user is not None  # staff_only: a staff caller acts as its staff member
        data = parsed(FeeInputSerializer, request.data)
        service_request_fee_set(change=change, fee=data["fee"], by=user, now=timezone.now())
        return _request_response(self.caller, row.pk)
