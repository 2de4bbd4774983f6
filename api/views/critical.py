"""A ticket's critical situation through the API (SPEC §3.10, ESC-12, ESC-13, D8): read it,
assign the critical situation resource, write a typed update, notify senior executives, ask
for 24x7 effort. One view per operation, each one service call: the work page's and the
portal's rules and refusals. Another tenant's ticket is 404 (`TicketActionApi`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.caller import Caller
from api.scope import one_or_404
from api.serializers.critical import (
    CriticalResourceInputSerializer,
    CriticalSituationOutputSerializer,
    ExecutiveNotificationSerializer,
    ExecutivesInputSerializer,
    StatusUpdateInputSerializer,
)
from api.serializers.ticket_actions import MessageOutputSerializer
from api.views.ticket_actions import CONFLICT, REFUSED, TicketActionApi, _input
from api.views.ticket_records import message_output, person
from api.views.tickets import ticket_rows
from contracts.critical_situations import effort_24x7_on_request
from escalation.services.executives import (
    EVENT_KIND,
    executives_offered,
    ticket_executives_notify,
)
from tickets.models import OPEN_STATUSES, Ticket, TicketEvent
from tickets.selectors import assignable_staff
from tickets.services import (
    ticket_critical_resource_assign,
    ticket_request_24x7_effort,
    ticket_status_update,
)
from tickets.services.critical import ticket_critical_situation


def _notification(caller: Caller, event: TicketEvent) -> dict[str, Any]:
    return {
        "side": event.data.get("side"),
        "notified_at": event.created_at,
        "notified_by": person(caller, user=event.actor_user, contact=None),
        "recipients": list(event.data.get("recipients", [])),
    }


def critical_output(caller: Caller, ticket: Ticket) -> dict[str, Any]:
    """The critical situation as the caller may read it: the resource by name (the portal
    shows it too); the executive notifications to staff only."""
    resource = ticket.critical_resource
    staff = not caller.is_customer
    events = ticket.events.filter(kind=EVENT_KIND).select_related("actor_user")
    return {
        "resource_offered": ticket_critical_situation(ticket).resource,
        "resource": {
            "kind": "staff",
            "id": resource.pk if staff else None,
            "name": resource.get_full_name() or resource.get_username(),
        }
        if resource is not None
        else None,
        "resource_assigned_at": ticket.critical_resource_assigned_at,
        "effort_24x7_offered": ticket.status in OPEN_STATUSES
        and effort_24x7_on_request(getattr(ticket.sla_policy, "code", ""), ticket.sla_target),
        "effort_24x7_requested": ticket.effort_24x7_requested,
        "executives_offered": executives_offered(ticket) if staff else [],
        "executives_notified": [_notification(caller, e) for e in events] if staff else [],
    }


class _CriticalApi(TicketActionApi):
    def critical_answer(self, ticket: Ticket) -> Response:
        fresh = one_or_404(
            ticket_rows(self.caller).select_related("critical_resource"), pk=ticket.pk
        )
        return Response(CriticalSituationOutputSerializer(critical_output(self.caller, fresh)).data)


class TicketCriticalSituationApi(_CriticalApi):
    @extend_schema(
        operation_id="tickets_critical_situation",
        responses=CriticalSituationOutputSerializer,
        description=_(
            "The ticket's critical situation: its critical situation resource, the 24x7 effort "
            "flag and, for staff, the senior executive notifications offered and made."
        ),
    )
    def get(self, request: Request, ticket_id: int) -> Response:
        return self.critical_answer(one_or_404(ticket_rows(self.caller), pk=ticket_id))


class TicketCriticalResourceApi(_CriticalApi):
    staff_only = True

    @extend_schema(
        operation_id="tickets_critical_resource_assign",
        request=CriticalResourceInputSerializer,
        responses={200: CriticalSituationOutputSerializer, 422: REFUSED},
        description=_(
            "Assign the critical situation resource (again, to name another one); the "
            "escalation for a missing resource no longer fires."
        ),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self.ticket_to_change(ticket_id)
        data = _input(CriticalResourceInputSerializer, request.data)
        user = assignable_staff().filter(pk=data["user"]).first()
        if user is None:
            raise serializers.ValidationError(
                {"user": [_("No staff member who may be assigned tickets has this id.")]}
            )
        ticket_critical_resource_assign(
            ticket=ticket, user=user, actor=self.staff(), now=timezone.now()
        )
        return self.critical_answer(ticket)


class TicketStatusUpdateApi(TicketActionApi):
    staff_only = True

    @extend_schema(
        operation_id="tickets_status_updates_create",
        request=StatusUpdateInputSerializer,
        responses={201: MessageOutputSerializer, 409: CONFLICT, 422: REFUSED},
        description=_(
            "A typed update for the customer (status update, action plan or escalation "
            "update): a public reply of its kind, mailed to the ticket's contact and the "
            "support services manager. Outside business hours it may use extra RSM hours."
        ),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self.ticket_to_change(ticket_id)
        data = _input(StatusUpdateInputSerializer, request.data)
        message = ticket_status_update(
            ticket=ticket,
            author=self.staff(),
            kind=data["kind"],
            body=data["body"],
            now=timezone.now(),
        )
        body = MessageOutputSerializer(message_output(self.caller, message)).data
        return Response(body, status=status.HTTP_201_CREATED)


class TicketExecutiveNotificationApi(TicketActionApi):
    staff_only = True

    @extend_schema(
        operation_id="tickets_executive_notifications_create",
        request=ExecutivesInputSerializer,
        responses={201: ExecutiveNotificationSerializer, 422: REFUSED},
        description=_(
            "Notify our senior executives or ask the customer's, where the service offers it; "
            "once per side and ticket."
        ),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self.ticket_to_change(ticket_id)
        data = _input(ExecutivesInputSerializer, request.data)
        event = ticket_executives_notify(
            ticket=ticket,
            side=data["side"],
            actor=self.staff(),
            note=data["note"],
            now=timezone.now(),
        )
        body = ExecutiveNotificationSerializer(_notification(self.caller, event)).data
        return Response(body, status=status.HTTP_201_CREATED)


class TicketEffort24x7Api(_CriticalApi):
    @extend_schema(
        operation_id="tickets_effort_24x7_request",
        request=None,
        responses={200: CriticalSituationOutputSerializer, 422: REFUSED},
        description=_(
            "Ask for 24x7 effort on a case of normal priority: an effort flag only; the "
            "response time is unchanged."
        ),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self.ticket_to_change(ticket_id)
        caller = self.caller
        ticket_request_24x7_effort(
            ticket=ticket,
            contact=caller.contact,
            actor=None if caller.contact is not None else self.staff(),
            now=timezone.now(),
        )
        return self.critical_answer(ticket)
