"""Ticket actions (issue #12 §2): one view per action, each one service call, the same service,
rule and refusal as the portal (customers) and the back-office (staff).

A customer's caller acts as its contact; a staff caller as its user, and only on the tickets
the back-office lets them work (`tickets.selectors.ticket_workable`). Another tenant's ticket is
404. Actions that change a ticket honour If-Match with the ticket's ETag (412 when stale)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from api.caller import Caller
from api.pagination import ApiCursorPagination
from api.scope import one_or_404
from api.serializers.ticket_actions import (
    AssignInputSerializer,
    CsatInputSerializer,
    CsatOutputSerializer,
    EscalateInputSerializer,
    EscalationRaisedOutputSerializer,
    PriorityDecisionInputSerializer,
    PriorityInputSerializer,
    PriorityRequestInputSerializer,
    PriorityRequestOutputSerializer,
    ReplyInputSerializer,
    ReplyOutputSerializer,
    ResolveInputSerializer,
    TransitionInputSerializer,
)
from api.serializers.tickets import StaffTicketOutputSerializer
from api.views.base import ApiView
from api.views.listing import list_response
from api.views.ticket_records import message_output, person, uploads_check, workable_check
from api.views.tickets import ticket_etag, ticket_output, ticket_response, ticket_rows
from contracts.models import Contact
from escalation.models import Escalation
from escalation.services.actions import escalation_raise_by_customer
from escalation.services.emails import escalation_promise
from tickets.models import (
    Channel,
    PriorityChangeRequest,
    SatisfactionSurvey,
    Status,
    Ticket,
)
from tickets.selectors import assignable_staff
from tickets.services import (
    ticket_assign,
    ticket_change_priority,
    ticket_customer_confirm,
    ticket_note_add,
    ticket_priority_decide,
    ticket_priority_request,
    ticket_reply_customer,
    ticket_reply_public,
    ticket_resolve,
    ticket_survey_answer,
    ticket_transition,
)

TICKET_OK = {200: StaffTicketOutputSerializer}
CONFLICT = OpenApiResponse(description=_("Not possible in the ticket's status."))
REFUSED = OpenApiResponse(description=_("A rule refused the change; `detail` says which."))


class TicketActionApi(ApiView):
    """The ticket a caller acts on, and who it acts as."""

    def ticket_to_change(self, ticket_id: int) -> Ticket:
        """The caller's ticket (404 otherwise), workable by a staff caller (403), at the
        version the caller read when it sends If-Match (412)."""
        caller = self.caller
        ticket = one_or_404(ticket_rows(caller), pk=ticket_id)
        workable_check(caller, ticket)
        self.if_match_check(ticket_etag(ticket))
        return ticket

    def contact(self) -> Contact:
        contact = self.caller.contact
        if contact is None:
            raise PermissionDenied(
                _("Only the customer's contacts may do this."), code="customer_only"
            )
        return contact

    def staff(self) -> Any:
        caller = self.caller
        if caller.is_customer or caller.user is None:
            raise PermissionDenied(_("Only provider staff may do this."), code="staff_only")
        return caller.user

    def ticket_answer(self, ticket: Ticket, *, created: bool = False) -> Response:
        return ticket_response(
            self.caller, one_or_404(ticket_rows(self.caller), pk=ticket.pk), created=created
        )


def _input(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class TicketReplyApi(TicketActionApi):
    @extend_schema(
        operation_id="tickets_reply",
        request=ReplyInputSerializer,
        responses={
            201: ReplyOutputSerializer,
            409: CONFLICT,
            413: OpenApiResponse(description=_("Too many files, or a file too large.")),
        },
        description=_(
            "A customer's reply (it may reopen a resolved ticket, or open a follow-up ticket "
            "when the ticket is closed: see `outcome`), or a staff member's public reply or "
            "internal note (`internal`)."
        ),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        caller = self.caller
        ticket = self.ticket_to_change(ticket_id)
        data = _input(ReplyInputSerializer, request.data)
        if caller.contact is not None and data["internal"]:
            raise serializers.ValidationError(
                {"internal": [_("Customers cannot write internal notes.")]}
            )
        now = timezone.now()
        files = list(data["files"])
        uploads_check(ticket, files, now)
        if caller.contact is not None:
            result = ticket_reply_customer(
                ticket=ticket,
                contact=caller.contact,
                body=data["body"],
                now=now,
                channel=Channel.API,
                files=files,
            )
            outcome, ticket, message = result.outcome, result.ticket, result.message
        else:
            write = ticket_note_add if data["internal"] else ticket_reply_public
            message = write(
                ticket=ticket, author=self.staff(), body=data["body"], now=now, files=files
            )
            outcome = "added"
        answered = one_or_404(ticket_rows(caller), pk=ticket.pk)
        body = {
            "outcome": outcome,
            "ticket": ticket_output(caller, answered),
            "message": message_output(caller, message) if message is not None else None,
        }
        response = Response(body, status=status.HTTP_201_CREATED)
        response["ETag"] = ticket_etag(answered)
        return response


class TicketTransitionApi(TicketActionApi):
    staff_only = True

    @extend_schema(
        operation_id="tickets_transition",
        request=TransitionInputSerializer,
        responses={**TICKET_OK, 409: CONFLICT},
        description=_(
            "Move the ticket to another status along the transitions table (resolve with "
            "`resolve`)."
        ),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self.ticket_to_change(ticket_id)
        data = _input(TransitionInputSerializer, request.data)
        ticket = ticket_transition(
            ticket=ticket,
            to_status=data["to_status"],
            reason=data["reason"],
            now=timezone.now(),
            actor=self.staff(),
        )
        return self.ticket_answer(ticket)


class TicketResolveApi(TicketActionApi):
    staff_only = True

    @extend_schema(
        operation_id="tickets_resolve",
        request=ResolveInputSerializer,
        responses={**TICKET_OK, 409: CONFLICT},
        description=_("Resolve the ticket with a fix or a workaround and what was done."),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self.ticket_to_change(ticket_id)
        data = _input(ResolveInputSerializer, request.data)
        ticket = ticket_resolve(
            ticket=ticket,
            kind=data["kind"],
            text=data["text"],
            now=timezone.now(),
            actor=self.staff(),
        )
        return self.ticket_answer(ticket)


class _CustomerVerdictApi(TicketActionApi):
    confirmed = True

    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self.ticket_to_change(ticket_id)
        contact = self.contact()
        ticket = ticket_customer_confirm(
            ticket=ticket, contact=contact, confirmed=self.confirmed, now=timezone.now()
        )
        return self.ticket_answer(ticket)


class TicketConfirmApi(_CustomerVerdictApi):
    confirmed = True

    @extend_schema(
        operation_id="tickets_confirm",
        request=None,
        responses={**TICKET_OK, 409: CONFLICT},
        description=_("The customer confirms the resolution: the ticket is closed."),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        return super().post(request, ticket_id)


class TicketReopenApi(_CustomerVerdictApi):
    confirmed = False

    @extend_schema(
        operation_id="tickets_reopen",
        request=None,
        responses={**TICKET_OK, 409: CONFLICT},
        description=_("The customer reopens the resolved ticket, within the reopen window."),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        return super().post(request, ticket_id)


class TicketPriorityApi(TicketActionApi):
    staff_only = True

    @extend_schema(
        operation_id="tickets_priority_change",
        request=PriorityInputSerializer,
        responses={**TICKET_OK, 422: REFUSED},
        description=_(
            "Change the priority (a level of the ticket's SLA policy); the due times are "
            "recomputed from the original start with the same pauses."
        ),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self.ticket_to_change(ticket_id)
        data = _input(PriorityInputSerializer, request.data)
        ticket = ticket_change_priority(
            ticket=ticket,
            level=data["level"],
            reason=data["reason"],
            reason_code=data["reason_code"],
            now=timezone.now(),
            actor=self.staff(),
        )
        return self.ticket_answer(ticket)


def priority_request_output(caller: Caller, row: PriorityChangeRequest) -> dict[str, Any]:
    return {
        "id": row.pk,
        "requested_level": row.requested_level,
        "reason": row.reason,
        "state": row.state,
        "requested_by": person(caller, user=None, contact=row.requested_by),
        "created_at": row.created_at,
        "decided_by": person(caller, user=row.decided_by, contact=None),
        "decided_at": row.decided_at,
        "decision_note": row.decision_note,
    }


class NewestFirstPagination(ApiCursorPagination):
    ordering = ("-created_at", "-id")


class TicketPriorityRequestsApi(TicketActionApi):
    pagination_class = NewestFirstPagination

    @extend_schema(
        operation_id="tickets_priority_requests_list",
        responses=PriorityRequestOutputSerializer(many=True),
        description=_("Staff: the customer's requests for another priority, newest first."),
    )
    def get(self, request: Request, ticket_id: int) -> Response:
        caller = self.caller
        ticket = one_or_404(ticket_rows(caller), pk=ticket_id)
        self.staff()
        return list_response(
            self,
            ticket.priority_requests.select_related("requested_by", "decided_by"),
            PriorityRequestOutputSerializer,
            prepare=lambda row: priority_request_output(caller, row),
        )

    @extend_schema(
        operation_id="tickets_priority_requests_create",
        request=PriorityRequestInputSerializer,
        responses={201: PriorityRequestOutputSerializer, 422: REFUSED},
        description=_(
            "The customer asks for another priority, with a reason; the provider decides."
        ),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self.ticket_to_change(ticket_id)
        contact = self.contact()
        data = _input(PriorityRequestInputSerializer, request.data)
        row = ticket_priority_request(
            ticket=ticket,
            contact=contact,
            level=data["level"],
            reason=data["reason"],
            reason_code=data["reason_code"],
            now=timezone.now(),
        )
        body = PriorityRequestOutputSerializer(priority_request_output(self.caller, row)).data
        return Response(body, status=status.HTTP_201_CREATED)


class TicketPriorityDecisionApi(TicketActionApi):
    staff_only = True

    @extend_schema(
        operation_id="tickets_priority_requests_decide",
        request=PriorityDecisionInputSerializer,
        responses={200: PriorityRequestOutputSerializer, 422: REFUSED},
        description=_(
            "Accept (the priority changes and the due times are recomputed) or reject the "
            "customer's request."
        ),
    )
    def post(self, request: Request, ticket_id: int, request_id: int) -> Response:
        ticket = self.ticket_to_change(ticket_id)
        pending = one_or_404(
            PriorityChangeRequest.objects.filter(ticket=ticket).select_related("ticket"),
            pk=request_id,
        )
        data = _input(PriorityDecisionInputSerializer, request.data)
        row = ticket_priority_decide(
            request=pending,
            accept=data["accept"],
            note=data["note"],
            now=timezone.now(),
            actor=self.staff(),
        )
        row = PriorityChangeRequest.objects.select_related("requested_by", "decided_by").get(
            pk=row.pk
        )
        return Response(
            PriorityRequestOutputSerializer(priority_request_output(self.caller, row)).data
        )


class TicketEscalateApi(TicketActionApi):
    @extend_schema(
        operation_id="tickets_escalate",
        request=EscalateInputSerializer,
        responses={201: EscalationRaisedOutputSerializer, 422: REFUSED},
        description=_(
            "The customer escalates the ticket (level 1), or says the level-1 outcome is not "
            "satisfactory (`unsatisfied`: level 2)."
        ),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self.ticket_to_change(ticket_id)
        contact = self.contact()
        data = _input(EscalateInputSerializer, request.data)
        now = timezone.now()
        escalation: Escalation = escalation_raise_by_customer(
            ticket=ticket,
            contact=contact,
            reason=data["reason"],
            now=now,
            unsatisfied=data["unsatisfied"],
        )
        body = {
            "id": escalation.pk,
            "ticket": escalation.ticket_id,
            "level": escalation.level,
            "reason": escalation.reason,
            "raised_at": escalation.raised_at,
            "acknowledged_at": escalation.acknowledged_at,
            "promise": escalation_promise(escalation, now=now),
        }
        return Response(EscalationRaisedOutputSerializer(body).data, status=status.HTTP_201_CREATED)


class TicketAssignApi(TicketActionApi):
    staff_only = True

    @extend_schema(
        operation_id="tickets_assign",
        request=AssignInputSerializer,
        responses=TICKET_OK,
        description=_(
            "Assign the ticket to a staff member who can be assigned tickets, or nobody."
        ),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self.ticket_to_change(ticket_id)
        data = _input(AssignInputSerializer, request.data)
        assignee = None
        if data["assignee"] is not None:
            assignee = assignable_staff().filter(pk=data["assignee"]).first()
            if assignee is None:
                raise serializers.ValidationError(
                    {
                        "assignee": [
                            _(
                                "Select a valid choice. That choice is not one of the "
                                "available choices."
                            )
                        ]
                    }
                )
        ticket = ticket_assign(
            ticket=ticket, assignee=assignee, now=timezone.now(), actor=self.staff()
        )
        return self.ticket_answer(ticket)


def csat_output(caller: Caller, ticket: Ticket) -> dict[str, Any]:
    survey = SatisfactionSurvey.objects.filter(ticket=ticket).select_related("contact").first()
    if survey is not None:
        return {
            "state": "answered",
            "score": survey.score,
            "comment": survey.comment,
            "answered_at": survey.answered_at,
            "answered_by": person(caller, user=None, contact=survey.contact),
        }
    resolved = ticket.status in (Status.RESOLVED, Status.CLOSED)
    return {
        "state": "open" if resolved else "not_open",
        "score": None,
        "comment": "",
        "answered_at": None,
        "answered_by": None,
    }


class TicketCsatApi(TicketActionApi):
    @extend_schema(
        operation_id="tickets_csat_read",
        responses=CsatOutputSerializer,
        description=_("The satisfaction survey of the ticket: not open yet, open, or answered."),
    )
    def get(self, request: Request, ticket_id: int) -> Response:
        caller = self.caller
        ticket = one_or_404(ticket_rows(caller), pk=ticket_id)
        return Response(CsatOutputSerializer(csat_output(caller, ticket)).data)

    @extend_schema(
        operation_id="tickets_csat_answer",
        request=CsatInputSerializer,
        responses={201: CsatOutputSerializer, 400: OpenApiResponse(description=_("Not open."))},
        description=_("The customer answers the survey once the ticket is resolved: 1 to 5."),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self.ticket_to_change(ticket_id)
        contact = self.contact()
        data = _input(CsatInputSerializer, request.data)
        ticket_survey_answer(
            ticket=ticket,
            contact=contact,
            score=data["score"],
            comment=data["comment"],
            now=timezone.now(),
        )
        body = CsatOutputSerializer(csat_output(self.caller, ticket)).data
        return Response(body, status=status.HTTP_201_CREATED)
