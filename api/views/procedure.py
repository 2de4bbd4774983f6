"""Websitenazorg's 3-step escalation procedure on a ticket (issue #13 §2; SPEC §4.2, D10), as
the portal's panel offers it: the steps with who took each and why, and the next step taken by
the customer with its reason, through `escalation.services.procedure` (the same service and
refusals as the portal). The ticket is read through `api.scope`: another tenant's answers 404.

Staff read the steps here too; each step taken is an escalation record, so it is also in
GET /escalations/ (for staff with the contact and the reason as its note)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.scope import one_or_404
from api.serializers.out_of_hours import ProcedureOutputSerializer, ProcedureStepInputSerializer
from api.views.ticket_actions import TicketActionApi
from api.views.tickets import ticket_rows
from escalation.services.procedure import procedure_applies, procedure_step_take, procedure_steps
from tickets.models import Ticket


def procedure_facts(ticket: Ticket) -> dict[str, Any]:
    if not procedure_applies(ticket):
        return {"applies": False, "steps": []}
    steps = []
    for step in procedure_steps(ticket):
        taken = step.taken
        contact = taken.raised_by_contact if taken is not None else None
        steps.append(
            {
                "number": step.number,
                "title": step.title,
                "current": step.current,
                "taken": None
                if taken is None
                else {
                    "escalation": taken.pk,
                    "taken_at": taken.raised_at,
                    "taken_by": {"id": contact.pk, "name": contact.name} if contact else None,
                    "reason": taken.note,
                },
            }
        )
    return {"applies": True, "steps": steps}


class TicketProcedureApi(TicketActionApi):
    @extend_schema(
        operation_id="tickets_procedure_read",
        responses=ProcedureOutputSerializer,
        description=gettext_lazy(
            "The ticket's step-by-step escalation procedure: 1. the assigned support employee, "
            "2. the senior support employee or management, 3. further steps such as "
            "mediation; each step taken with when, by whom and why."
        ),
    )
    def get(self, request: Request, ticket_id: int) -> Response:
        ticket = one_or_404(ticket_rows(self.caller), pk=ticket_id)
        return Response(ProcedureOutputSerializer(procedure_facts(ticket)).data)

    @extend_schema(
        operation_id="tickets_procedure_next_step",
        request=ProcedureStepInputSerializer,
        responses={201: ProcedureOutputSerializer},
        description=gettext_lazy(
            "The customer takes the next step of the procedure, saying why; the people "
            "concerned are told. A ticket without the procedure, or with every step taken, "
            "is refused (422)."
        ),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = one_or_404(ticket_rows(self.caller), pk=ticket_id)
        contact = self.contact()
        data = ProcedureStepInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        procedure_step_take(
            ticket=ticket, contact=contact, reason=data.validated_data["reason"], now=timezone.now()
        )
        ticket = one_or_404(ticket_rows(self.caller), pk=ticket_id)
        body = ProcedureOutputSerializer(procedure_facts(ticket)).data
        return Response(body, status=status.HTTP_201_CREATED)
