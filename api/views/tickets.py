"""Tickets: list, create, read and change (issue #12 §2). One operation per method; every
write through `tickets.services`, every read through `api.scope`."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.caller import Caller
from api.filters import TicketFilter, filter_parameters, page_parameters
from api.pagination import TicketCursorPagination
from api.scope import one_or_404, rows_for, tickets_for
from api.serializers.tickets import (
    StaffTicketCreateInputSerializer,
    StaffTicketOutputSerializer,
    StaffTicketPatchInputSerializer,
    TicketCreateInputSerializer,
    TicketOutputSerializer,
    TicketPatchInputSerializer,
)
from api.views.base import ApiView
from contracts.models import Contact, Contract
from escalation.services.out_of_hours import ticket_create_reaching_on_call
from tickets.models import Channel, Ticket
from tickets.services import ticket_set_line
from tickets.services.create import TicketCreateInput
from tickets.services.sharing import ticket_sharing_set

TICKET_RELATED = (
    "provider",
    "customer",
    "contract",
    "contact",
    "assignee",
)


def ticket_rows(caller: Caller) -> QuerySet[Ticket]:
    return tickets_for(caller).select_related(*TICKET_RELATED)


def ticket_output(caller: Caller, ticket: Ticket) -> dict[str, Any]:
    serializer = StaffTicketOutputSerializer if caller.is_staff else TicketOutputSerializer
    return dict(serializer(ticket).data)


def ticket_etag(ticket: Ticket) -> str:
    return ApiView.etag_of(
        "ticket",
        ticket.pk,
        ticket.updated_at.isoformat(),
        ticket.status,
        ticket.clock_version,
        ticket.shared_with_organisation,
        ticket.line,
        ticket.assignee_id,
        ticket.priority_level,
    )


def ticket_response(caller: Caller, ticket: Ticket, *, created: bool = False) -> Response:
    response = Response(
        ticket_output(caller, ticket),
        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
    )
    response["ETag"] = ticket_etag(ticket)
    if created:
        response["Location"] = reverse("api:ticket-detail", args=[ticket.pk])
    return response


class TicketCollectionApi(ApiView):
    pagination_class = TicketCursorPagination

    @extend_schema(
        operation_id="tickets_list",
        parameters=[*filter_parameters(TicketFilter), *page_parameters()],
        responses=StaffTicketOutputSerializer(many=True),
        description=_(
            "The tickets the caller may see, most recently changed first (cursor pagination)."
        ),
    )
    def get(self, request: Request) -> Response:
        rows = ticket_rows(self.caller)
        filtered = TicketFilter(request.query_params, queryset=rows, request=request)
        if not filtered.is_valid():
            raise serializers.ValidationError(filtered.errors)
        paginator = self.pagination_class()
        page: list[Ticket] | None = paginator.paginate_queryset(filtered.qs, request, view=self)
        serializer = StaffTicketOutputSerializer if self.caller.is_staff else TicketOutputSerializer
        return paginator.get_paginated_response(serializer(page, many=True).data)

    @extend_schema(
        operation_id="tickets_create",
        request=StaffTicketCreateInputSerializer,
        responses={201: StaffTicketOutputSerializer},
        description=_(
            "Register a ticket. A customer's token files it as its contact; a provider's token "
            "names the contact and the contract."
        ),
    )
    def post(self, request: Request) -> Response:
        caller = self.caller
        data, phone_code = self._create_input(caller, request.data)
        # The out-of-hours rules, as in the portal and the phone registration: a call with the
        # customer's valid code goes on the 24x7 line, and it or an emergency while the office
        # is closed pages the person on call.
        ticket = ticket_create_reaching_on_call(
            data=data, now=timezone.now(), phone_code=phone_code
        )
        # The service returns the ticket as it committed it, with its customer, contract and
        # contact: answered as it is, not read back (a third of the API's own cost of a create,
        # bench/bench_api_create.py). The caller sees it: its contact filed it, or it named a
        # contact and contract of its own. A test holds the answer to what a read then shows.
        return ticket_response(caller, ticket, created=True)

    def _create_input(self, caller: Caller, payload: Any) -> tuple[TicketCreateInput, str]:
        serializer_class = (
            StaffTicketCreateInputSerializer if caller.is_staff else TicketCreateInputSerializer
        )
        serializer = serializer_class(data=payload)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        contract_id = fields.pop("contract", None)
        phone_code = fields.pop("phone_code", "")
        if caller.contact is not None:
            data = TicketCreateInput(
                **fields,
                contact=caller.contact,
                contract_id=contract_id,
                channel=Channel.API,
                created_by=caller.contact.user,
            )
            return data, phone_code
        contact = one_or_404(
            rows_for(
                caller,
                Contact.objects.all(),
                customer="customer_id",
                provider="customer__contracts__provider_id",
            ),
            pk=fields.pop("contact"),
        )
        if caller.provider_id is not None:
            if contract_id is None:
                raise serializers.ValidationError(
                    {"contract": [_("A provider's token names the contract of the ticket.")]}
                )
            contracts = rows_for(
                caller, Contract.objects.all(), customer="customer_id", provider="provider_id"
            )
            one_or_404(contracts, pk=contract_id)
        channel = fields.pop("channel", Channel.API)
        data = TicketCreateInput(
            **fields,
            contact=contact,
            contract_id=contract_id,
            channel=channel,
            received_how="phone" if channel == Channel.PHONE else "",
            created_by=caller.user,
        )
        return data, phone_code


class TicketDetailApi(ApiView):
    @extend_schema(operation_id="tickets_read", responses=StaffTicketOutputSerializer)
    def get(self, request: Request, ticket_id: int) -> Response:
        ticket = one_or_404(ticket_rows(self.caller), pk=ticket_id)
        etag = ticket_etag(ticket)
        if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return ticket_response(self.caller, ticket)

    @extend_schema(
        operation_id="tickets_update",
        request=StaffTicketPatchInputSerializer,
        responses=StaffTicketOutputSerializer,
        description=_(
            "Change who sees the ticket (customer) or its line (staff). Send If-Match with the "
            "ETag you read: a stale write answers 412."
        ),
    )
    def patch(self, request: Request, ticket_id: int) -> Response:
        caller = self.caller
        with transaction.atomic():
            ticket = one_or_404(ticket_rows(caller).select_for_update(of=("self",)), pk=ticket_id)
            self.if_match_check(ticket_etag(ticket))
            now = timezone.now()
            if caller.contact is not None:
                changes = TicketPatchInputSerializer(data=request.data)
                changes.is_valid(raise_exception=True)
                if "shared_with_organisation" in changes.validated_data:
                    ticket = ticket_sharing_set(
                        ticket=ticket,
                        shared=changes.validated_data["shared_with_organisation"],
                        contact=caller.contact,
                        now=now,
                    )
            else:
                line_changes = StaffTicketPatchInputSerializer(data=request.data)
                line_changes.is_valid(raise_exception=True)
                if "line" in line_changes.validated_data and caller.user is not None:
                    ticket = ticket_set_line(
                        ticket=ticket,
                        line=line_changes.validated_data["line"],
                        now=now,
                        actor=caller.user,
                    )
        return ticket_response(caller, one_or_404(ticket_rows(caller), pk=ticket.pk))
