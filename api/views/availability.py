"""Monitored services and their outages (SPEC §6, issue #15 §1) through `api.scope`.

A customer's caller reads its own organisation's services and their outages (without the
incident tickets, which it may not all see); provider staff read their provider's (a CSAM their
own contracts'), and write when their back-office role does: the coordinators keep the services,
the coordinators and the first and second line record, end and correct outages
(backoffice.0011). Every write is availability's service; a refusal answers 422. A disruption
ticket opens an outage in one step: `POST tickets/{id}/outage/`."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from api.caller import Caller
from api.filters import IdFilter, MomentFilter, filter_parameters
from api.scope import one_or_404, rows_for, tickets_for
from api.serializers.availability import (
    MonitoredServiceCreateInputSerializer,
    MonitoredServiceOutputSerializer,
    MonitoredServiceUpdateInputSerializer,
    OutageCreateInputSerializer,
    OutageEndInputSerializer,
    OutageOutputSerializer,
    OutageTicketsInputSerializer,
    OutageUpdateInputSerializer,
    TicketOutageInputSerializer,
)
from api.views.base import ApiView
from api.views.billing import contract_rows_plain
from api.views.listing import list_response
from availability.models import MonitoredService, Outage
from availability.services.monitored import monitored_service_create, monitored_service_update
from availability.services.outages import (
    OutageInput,
    outage_end,
    outage_open_from_ticket,
    outage_record,
    outage_update,
)
from tickets.models import Ticket


def tagged_response(view: ApiView, kind: str, data: Any, code: int = 200) -> Response:
    """The answer with an ETag of what it shows (these rows keep no change time); a read whose
    If-None-Match names it answers 304."""
    etag = ApiView.etag_of(kind, json.dumps(data, sort_keys=True, default=str))
    asked = view.request.headers.get("If-None-Match", "")
    if view.request.method == "GET" and etag in [t.strip() for t in asked.split(",")]:
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
    return Response(data, status=code, headers={"ETag": etag})


def tag_check(view: ApiView, kind: str, data: Any) -> None:
    """412 when the caller's If-Match names another version than the one shown now."""
    view.if_match_check(ApiView.etag_of(kind, json.dumps(data, sort_keys=True, default=str)))


def availability_role_check(caller: Caller, permission: str) -> None:
    """A staff caller whose back-office role lacks the permission is refused (403); a
    customer's caller only reads, and is refused a write the same way."""
    user = caller.user
    if caller.is_customer or user is None or not user.has_perm(permission):
        raise PermissionDenied(
            _("Your role does not work with availability like this in the back-office."),
            code="availability_role",
        )


def service_rows(caller: Caller) -> QuerySet[MonitoredService]:
    rows = MonitoredService.objects.select_related("contract")
    return rows_for(
        caller, rows, customer="contract__customer_id", provider="contract__provider_id"
    )


def service_facts(service: MonitoredService) -> dict[str, Any]:
    facts = {f.name: getattr(service, f.name) for f in MonitoredService._meta.fields}
    facts["contract"] = {"id": service.contract_id, "reference": service.contract.reference}
    return facts


class MonitoredServiceFilter(filters.FilterSet):
    contract = IdFilter(field_name="contract_id")
    active = filters.BooleanFilter(field_name="is_active")

    class Meta:
        model = MonitoredService
        fields: list[str] = []


class MonitoredServiceCollectionApi(ApiView):
    @extend_schema(
        operation_id="monitored_services_list",
        parameters=filter_parameters(MonitoredServiceFilter),
        responses=MonitoredServiceOutputSerializer(many=True),
        description=gettext_lazy(
            "The services whose availability is promised and measured, with their targets: a "
            "customer's caller those of its own organisation."
        ),
    )
    def get(self, request: Request) -> Response:
        rows = service_rows(self.caller).order_by("-id")
        return list_response(
            self,
            rows,
            MonitoredServiceOutputSerializer,
            filterset=MonitoredServiceFilter,
            prepare=service_facts,
        )

    @extend_schema(
        operation_id="monitored_services_create",
        request=MonitoredServiceCreateInputSerializer,
        responses={201: MonitoredServiceOutputSerializer},
        description=gettext_lazy(
            "A support coordinator adds a service to a contract; its targets are the "
            "provider's default promise for its kind and hosting, editable afterwards."
        ),
    )
    def post(self, request: Request) -> Response:
        data = MonitoredServiceCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        contract = one_or_404(contract_rows_plain(self.caller), pk=fields.pop("contract"))
        availability_role_check(self.caller, "availability.add_monitoredservice")
        service = monitored_service_create(contract=contract, now=timezone.now(), **fields)
        body = MonitoredServiceOutputSerializer(service_facts(service)).data
        return Response(body, status=status.HTTP_201_CREATED)


class MonitoredServiceDetailApi(ApiView):
    @extend_schema(
        operation_id="monitored_services_read", responses=MonitoredServiceOutputSerializer
    )
    def get(self, request: Request, service_id: int) -> Response:
        service = one_or_404(service_rows(self.caller), pk=service_id)
        body = MonitoredServiceOutputSerializer(service_facts(service)).data
        return tagged_response(self, "service", body)

    @extend_schema(
        operation_id="monitored_services_update",
        request=MonitoredServiceUpdateInputSerializer,
        responses=MonitoredServiceOutputSerializer,
        description=gettext_lazy(
            "A support coordinator changes the service's name, targets, their basis or "
            "whether it is still measured."
        ),
    )
    def patch(self, request: Request, service_id: int) -> Response:
        with transaction.atomic():
            service = one_or_404(service_rows(self.caller).select_for_update(), pk=service_id)
            availability_role_check(self.caller, "availability.change_monitoredservice")
            shown = MonitoredServiceOutputSerializer(service_facts(service)).data
            tag_check(self, "service", shown)
            data = MonitoredServiceUpdateInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            service = monitored_service_update(
                service=service, changes=dict(data.validated_data), now=timezone.now()
            )
        body = MonitoredServiceOutputSerializer(service_facts(service)).data
        return tagged_response(self, "service", body)


# --- outages -----------------------------------------------------------------------------------


def outage_rows(caller: Caller) -> QuerySet[Outage]:
    rows = Outage.objects.select_related("service__contract")
    if caller.is_staff:
        rows = rows.prefetch_related(
            Prefetch("tickets", queryset=Ticket.objects.only("id", "number").order_by("number"))
        )
    return rows_for(
        caller,
        rows,
        customer="service__contract__customer_id",
        provider="service__contract__provider_id",
    )


def outage_facts_for(caller: Caller) -> Any:
    def facts(outage: Outage) -> dict[str, Any]:
        service = outage.service
        shown: dict[str, Any] = {
            "id": outage.pk,
            "service": {"id": service.pk, "name": service.name},
            "contract": {"id": service.contract_id, "reference": service.contract.reference},
            "start": outage.start,
            "end": outage.end,
            "planned": outage.planned,
            "affects_all_users": outage.affects_all_users,
            "exclusion_reason": outage.exclusion_reason,
            "description": outage.description,
            "maintenance": outage.maintenance_id,
        }
        if caller.is_staff:
            shown["tickets"] = [{"id": t.pk, "number": t.number} for t in outage.tickets.all()]
            shown["recorded_at"] = outage.recorded_at
        return shown

    return facts


def _outage_body(caller: Caller, outage_id: int) -> Any:
    outage = one_or_404(outage_rows(caller), pk=outage_id)
    return OutageOutputSerializer(outage_facts_for(caller)(outage)).data


def _outage_answer(view: ApiView, outage_id: int, code: int = 200) -> Response:
    return tagged_response(view, "outage", _outage_body(view.caller, outage_id), code)


def tickets_chosen(caller: Caller, ids: list[int]) -> list[Ticket]:
    """The tickets the caller named, each one it may see; another one is a field error."""
    found = list(tickets_for(caller).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise serializers.ValidationError({"tickets": [_("One of these tickets does not exist.")]})
    return found


class OutageFilter(filters.FilterSet):
    contract = IdFilter(field_name="service__contract_id")
    service = IdFilter(field_name="service_id")
    since = MomentFilter(
        method="filter_since", help_text=gettext_lazy("Outages going on at or after this moment.")
    )
    until = MomentFilter(
        field_name="start",
        lookup_expr="lt",
        help_text=gettext_lazy("Outages that started before this moment."),
    )
    ongoing = filters.BooleanFilter(field_name="end", lookup_expr="isnull")

    class Meta:
        model = Outage
        fields: list[str] = []

    def filter_since(self, queryset: QuerySet[Outage], name: str, value: Any) -> QuerySet[Outage]:
        return queryset.exclude(end__lt=value)


class OutageCollectionApi(ApiView):
    @extend_schema(
        operation_id="outages_list",
        parameters=filter_parameters(OutageFilter),
        responses=OutageOutputSerializer(many=True),
        description=gettext_lazy(
            "Outages of monitored services, newest first: a customer's caller those of its "
            "own services. An outage without an end is still going on."
        ),
    )
    def get(self, request: Request) -> Response:
        caller = self.caller
        rows = outage_rows(caller).order_by("-id")
        return list_response(
            self,
            rows,
            OutageOutputSerializer,
            filterset=OutageFilter,
            prepare=outage_facts_for(caller),
        )

    @extend_schema(
        operation_id="outages_record",
        request=OutageCreateInputSerializer,
        responses={201: OutageOutputSerializer},
        description=gettext_lazy(
            "Record an outage of a service, ongoing when it has no end yet. It cannot start or "
            "end in the future, and only tickets of the service's contract can be linked (422)."
        ),
    )
    def post(self, request: Request) -> Response:
        caller = self.caller
        data = OutageCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        service = one_or_404(service_rows(caller), pk=fields.pop("service"))
        availability_role_check(caller, "availability.add_outage")
        tickets = tuple(tickets_chosen(caller, fields.pop("tickets")))
        outage = outage_record(
            data=OutageInput(service=service, tickets=tickets, **fields),
            by=caller.user,
            now=timezone.now(),
        )
        return _outage_answer(self, outage.pk, status.HTTP_201_CREATED)


class OutageDetailApi(ApiView):
    @extend_schema(operation_id="outages_read", responses=OutageOutputSerializer)
    def get(self, request: Request, outage_id: int) -> Response:
        return _outage_answer(self, outage_id)

    @extend_schema(
        operation_id="outages_update",
        request=OutageUpdateInputSerializer,
        responses=OutageOutputSerializer,
        description=gettext_lazy(
            "Correct an outage: its times, planned, all users, the reason it does not count, "
            "the description or its incident tickets (as a whole)."
        ),
    )
    def patch(self, request: Request, outage_id: int) -> Response:
        caller = self.caller
        with transaction.atomic():
            outage = one_or_404(outage_rows(caller).select_for_update(of=("self",)), pk=outage_id)
            availability_role_check(caller, "availability.change_outage")
            tag_check(self, "outage", _outage_body(caller, outage_id))
            data = OutageUpdateInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            changes = dict(data.validated_data)
            ids = changes.pop("tickets", None)
            tickets = tickets_chosen(caller, ids) if ids is not None else None
            outage_update(outage=outage, changes=changes, tickets=tickets, now=timezone.now())
        return _outage_answer(self, outage.pk)


class OutageEndApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="outages_end",
        request=OutageEndInputSerializer,
        responses=OutageOutputSerializer,
        description=gettext_lazy(
            "End an ongoing outage (now, or at the moment given); one that has ended already "
            "is refused (422) and keeps its end."
        ),
    )
    def post(self, request: Request, outage_id: int) -> Response:
        caller = self.caller
        outage = one_or_404(outage_rows(caller), pk=outage_id)
        availability_role_check(caller, "availability.change_outage")
        data = OutageEndInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        now = timezone.now()
        outage_end(outage=outage, end=data.validated_data["end"] or now, now=now)
        return _outage_answer(self, outage.pk)


class OutageTicketsApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="outages_link_tickets",
        request=OutageTicketsInputSerializer,
        responses=OutageOutputSerializer,
        description=gettext_lazy(
            "Link more incident tickets to the outage (the ones linked stay); only tickets "
            "of the service's contract (422)."
        ),
    )
    def post(self, request: Request, outage_id: int) -> Response:
        caller = self.caller
        outage = one_or_404(outage_rows(caller), pk=outage_id)
        availability_role_check(caller, "availability.change_outage")
        data = OutageTicketsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tickets = [*outage.tickets.all(), *tickets_chosen(caller, data.validated_data["tickets"])]
        outage_update(outage=outage, changes={}, tickets=tickets, now=timezone.now())
        return _outage_answer(self, outage.pk)


class TicketOutageApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="tickets_outage_open",
        request=TicketOutageInputSerializer,
        responses={200: OutageOutputSerializer, 201: OutageOutputSerializer},
        description=gettext_lazy(
            "A disruption (an incident affecting several users) opens an outage of its "
            "contract's service from the ticket's registration, linked to it: 201. When the "
            "service already has an ongoing outage the ticket joins it: 200. Another ticket, "
            "or one linked already: 422."
        ),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        caller = self.caller
        ticket = one_or_404(tickets_for(caller), pk=ticket_id)
        availability_role_check(caller, "availability.add_outage")
        data = TicketOutageInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        chosen = data.validated_data["service"]
        service = one_or_404(service_rows(caller), pk=chosen) if chosen is not None else None
        now = timezone.now()
        outage = outage_open_from_ticket(
            ticket=ticket,
            by=caller.user,
            now=now,
            service=service,
            start=data.validated_data["start"],
        )
        opened = outage.recorded_at == now and outage.tickets.count() == 1
        return _outage_answer(self, outage.pk, 201 if opened else 200)
