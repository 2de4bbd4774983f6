"""Planned maintenance and a contract's availability figures (SPEC §6, D22, issue #15 §1).

- `maintenance/`: a customer's caller reads the announced maintenance on its own services (and
  sees only those of its services); provider staff read their provider's, and a coordinator
  plans it (the window and the 5 working days' notice on the provider's calendar: refused with
  the last day it could have been announced, 422, or planned and flagged with the reason it
  cannot wait) and cancels it. The contacts are told by mail through the outbox.
- `contracts/{id}/availability/`: per month and service the office-hours and outside-hours
  availability against the targets, interruptions against the maximum, the breaches and the
  maintenance performed; to whoever sees the contract."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.caller import Caller
from api.filters import IdFilter, filter_parameters
from api.scope import one_or_404, rows_for
from api.serializers.availability import (
    ContractAvailabilitySerializer,
    MaintenanceCreateInputSerializer,
    MaintenanceOutputSerializer,
)
from api.views.availability import availability_role_check, service_rows
from api.views.base import ApiView
from api.views.billing import contract_rows_plain
from api.views.listing import list_response
from availability.models import MaintenanceStatus, MonitoredService, PlannedMaintenance
from availability.selectors import OutageLine, ServiceMonth
from availability.selectors_pages import Period, availability_report, period_from_text
from availability.services.maintenance import (
    MaintenanceInput,
    maintenance_cancel,
    maintenance_plan,
)
from contracts.models import Contract
from contracts.selectors_events import local_day


def maintenance_rows(caller: Caller) -> QuerySet[PlannedMaintenance]:
    services = MonitoredService.objects.select_related("contract").order_by("name", "pk")
    contact = caller.contact
    if contact is not None:
        services = services.filter(contract__customer_id=contact.customer_id)
    rows = PlannedMaintenance.objects.select_related("provider").prefetch_related(
        Prefetch("services", queryset=services)
    )
    if contact is not None:
        own = PlannedMaintenance.objects.filter(
            services__contract__customer_id=contact.customer_id, announced_at__isnull=False
        )
        return rows.filter(pk__in=own.values("pk"))
    return rows_for(caller, rows, customer="", provider="provider_id")


def maintenance_facts_for(caller: Caller) -> Any:
    def facts(row: PlannedMaintenance) -> dict[str, Any]:
        shown: dict[str, Any] = {
            field: getattr(row, field)
            for field in (
                "id", "title", "description", "start", "end", "status", "inside_window",
                "notice_ok", "announced_at", "cancelled_at",
            )
        }  # fmt: skip
        shown["provider"] = row.provider.name
        shown["services"] = [
            {
                "id": s.pk,
                "name": s.name,
                "contract": {"id": s.contract_id, "reference": s.contract.reference},
            }
            for s in row.services.all()
        ]
        if caller.is_staff:
            shown["override_reason"] = row.override_reason
            shown["created_at"] = row.created_at
        return shown

    return facts


def _maintenance_answer(caller: Caller, pk: int, code: int = 200) -> Response:
    row = one_or_404(maintenance_rows(caller), pk=pk)
    return Response(
        MaintenanceOutputSerializer(maintenance_facts_for(caller)(row)).data, status=code
    )


class MaintenanceFilter(filters.FilterSet):
    contract = IdFilter(method="filter_contract")
    status = filters.MultipleChoiceFilter(choices=MaintenanceStatus.choices)
    upcoming = filters.BooleanFilter(
        method="filter_upcoming", help_text=gettext_lazy("True: only maintenance not over yet.")
    )

    class Meta:
        model = PlannedMaintenance
        fields: list[str] = []

    def filter_contract(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset.filter(
            pk__in=PlannedMaintenance.objects.filter(services__contract_id=value).values("pk")
        )

    def filter_upcoming(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        over = Q(end__lte=timezone.now())
        return queryset.exclude(over) if value else queryset.filter(over)


class MaintenanceCollectionApi(ApiView):
    @extend_schema(
        operation_id="maintenance_list",
        parameters=filter_parameters(MaintenanceFilter),
        responses=MaintenanceOutputSerializer(many=True),
        description=gettext_lazy(
            "Planned maintenance, newest first: a customer's caller the announced maintenance "
            "on its own services."
        ),
    )
    def get(self, request: Request) -> Response:
        caller = self.caller
        return list_response(
            self,
            maintenance_rows(caller).order_by("-id"),
            MaintenanceOutputSerializer,
            filterset=MaintenanceFilter,
            prepare=maintenance_facts_for(caller),
        )

    @extend_schema(
        operation_id="maintenance_plan",
        request=MaintenanceCreateInputSerializer,
        responses={201: MaintenanceOutputSerializer},
        description=gettext_lazy(
            "A support coordinator plans maintenance on services of one provider's contracts; "
            "it is announced to the customers' contacts at once. Outside the maintenance "
            "window it needs 5 working days' notice: at shorter notice it is refused (422, "
            "with the last day it could have been announced) unless an override reason is "
            "given, when it is planned and flagged (notice_ok false)."
        ),
    )
    def post(self, request: Request) -> Response:
        caller = self.caller
        data = MaintenanceCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        ids = set(fields.pop("services"))
        services = list(
            service_rows(caller).filter(pk__in=ids).select_related("contract__provider")
        )
        if len(services) != len(ids):
            raise serializers.ValidationError(
                {"services": [_("One of these services does not exist.")]}
            )
        availability_role_check(caller, "availability.add_plannedmaintenance")
        maintenance = maintenance_plan(
            data=MaintenanceInput(
                provider=services[0].contract.provider, services=services, **fields
            ),
            by=caller.user,
            now=timezone.now(),
        )
        return _maintenance_answer(caller, maintenance.pk, status.HTTP_201_CREATED)


class MaintenanceDetailApi(ApiView):
    @extend_schema(operation_id="maintenance_read", responses=MaintenanceOutputSerializer)
    def get(self, request: Request, maintenance_id: int) -> Response:
        return _maintenance_answer(self.caller, maintenance_id)


class MaintenanceCancelApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="maintenance_cancel",
        request=None,
        responses=MaintenanceOutputSerializer,
        description=gettext_lazy(
            "A support coordinator cancels planned maintenance that is not over; whoever was "
            "told it was coming is told it is off. Cancelled or over already: 422."
        ),
    )
    def post(self, request: Request, maintenance_id: int) -> Response:
        caller = self.caller
        maintenance = one_or_404(maintenance_rows(caller), pk=maintenance_id)
        availability_role_check(caller, "availability.change_plannedmaintenance")
        maintenance_cancel(maintenance=maintenance, now=timezone.now())
        return _maintenance_answer(caller, maintenance.pk)


# --- a contract's availability ------------------------------------------------------------------


def _period(request: Request) -> Period:
    params = request.query_params
    period = period_from_text(
        month=params.get("month"),
        start=params.get("start"),
        end=params.get("end"),
        today=local_day(timezone.now()),
    )
    if period.error:
        raise serializers.ValidationError({period.error_field: [period.error]})
    return period


def _line(line: OutageLine) -> dict[str, Any]:
    return {
        "id": line.id,
        "start": line.start,
        "end": line.end,
        "planned": line.planned,
        "reason": line.reason,
        "reason_label": line.reason_label,
    }


def _window(window: Any) -> dict[str, Any]:
    return {
        "length_seconds": window.length_seconds,
        "down_seconds": window.down_seconds,
        "percent": window.percent,
        "target": window.target,
        "met": window.met,
    }


def service_month_facts(row: ServiceMonth) -> dict[str, Any]:
    return {
        "month": row.month,
        "service": {"id": row.service.pk, "name": row.service.name},
        "office": _window(row.office),
        "outside": _window(row.outside),
        "interruptions": row.interruptions,
        "max_interruptions": row.max_interruptions,
        "interruptions_met": row.interruptions_met,
        "met": row.met,
        "counted": [_line(line) for line in row.counted],
        "excluded": [_line(line) for line in row.excluded],
    }


class ContractAvailabilityApi(ApiView):
    pagination_class = None

    @extend_schema(
        operation_id="contracts_availability",
        parameters=[
            OpenApiParameter(
                "month", OpenApiTypes.STR, description=gettext_lazy("One month, as YYYY-MM.")
            ),
            OpenApiParameter(
                "start", OpenApiTypes.STR, description=gettext_lazy("The first month, as YYYY-MM.")
            ),
            OpenApiParameter(
                "end",
                OpenApiTypes.STR,
                description=gettext_lazy("The last month, as YYYY-MM (included)."),
            ),
        ],
        responses=ContractAvailabilitySerializer,
        description=gettext_lazy(
            "The contract's availability per month and service: office hours and outside "
            "office hours against the targets, interruptions against the maximum, the outages "
            "counted and those left out with the reason, the broken promises and the "
            "maintenance performed. This month counts until now."
        ),
    )
    def get(self, request: Request, contract_id: int) -> Response:
        contract: Contract = one_or_404(contract_rows_plain(self.caller), pk=contract_id)
        period = _period(request)
        report = availability_report(contract=contract, period=period, now=timezone.now())
        body = {
            "contract": {"id": contract.pk, "reference": contract.reference},
            "start": period.first,
            "end": period.last,
            "services": [service_month_facts(row) for row in report.rows],
            "breaches": [
                {
                    "month": b.month,
                    "service": {"id": b.service.pk, "name": b.service.name},
                    "kind": b.kind,
                    "kind_label": b.kind_label,
                    "achieved": b.achieved,
                    "promised": b.promised,
                    "down_seconds": b.down_seconds,
                    "outages": [line.id for line in b.outages],
                }
                for b in report.breaches
            ],
            "maintenance": [
                {
                    "id": m.id,
                    "title": m.title,
                    "start": m.start,
                    "end": m.end,
                    "status": m.status,
                    "inside_window": m.inside_window,
                    "services": list(m.service_names),
                }
                for m in report.maintenance
            ],
        }
        return Response(ContractAvailabilitySerializer(body).data)
