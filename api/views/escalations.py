"""Escalations and problems (issue #12 §2), through `api.scope`.

Escalations: the escalations of the tickets the caller may see (`ticket_rows_for`). A customer's
caller sees what the portal shows it: escalations to a level (warnings are the desk's own, to
its engineers), without recipients, notes or delivery faults. Acknowledge and resolve are the
back-office's actions, for staff whose role may change escalations (support coordinators,
service support managers, escalation officers), through `escalation.services.actions`.

Problems: staff only, as the portal never shows a customer a problem; a provider's token sees
the problems of its provider's tickets and customers, with only its own incidents listed."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from api.caller import Caller
from api.filters import IdFilter, filter_parameters
from api.pagination import ApiCursorPagination
from api.scope import one_or_404, rows_for, ticket_rows_for, tickets_for
from api.serializers.escalations import (
    EscalationOutputSerializer,
    EscalationResolveInputSerializer,
    ProblemOutputSerializer,
    StaffEscalationOutputSerializer,
)
from api.views.base import ApiView
from api.views.listing import list_response, shaped
from escalation.models import Escalation, Level
from escalation.services.actions import escalation_acknowledge, escalation_resolve
from tickets.models import Problem, ProblemStatus

CHANGE_PERMISSION = "escalation.change_escalation"


class EscalationFilter(filters.FilterSet):
    ticket = IdFilter(field_name="ticket_id")
    level = filters.MultipleChoiceFilter(choices=Level.choices)
    open = filters.BooleanFilter(
        field_name="resolved_at",
        lookup_expr="isnull",
        help_text=gettext_lazy("True: not resolved yet."),
    )
    acknowledged = filters.BooleanFilter(
        field_name="acknowledged_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = Escalation
        fields: list[str] = []


def escalation_rows(caller: Caller) -> QuerySet[Escalation]:
    rows = ticket_rows_for(caller, Escalation.objects.all())
    if caller.is_customer:
        rows = rows.filter(level__gte=Level.FIRST_LINE)
    return rows.select_related(
        "ticket", "raised_by_contact", "raised_by_user", "resolved_by"
    ).order_by("-id")


def _person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


def escalation_facts(escalation: Escalation) -> dict[str, Any]:
    facts = {field.name: getattr(escalation, field.name) for field in Escalation._meta.fields}
    facts["raised_by_user"] = _person(escalation.raised_by_user)
    facts["resolved_by"] = _person(escalation.resolved_by)
    return facts


def escalation_response(caller: Caller, escalation_id: int) -> Response:
    escalation = one_or_404(escalation_rows(caller), pk=escalation_id)
    serializer = shaped(caller, StaffEscalationOutputSerializer, EscalationOutputSerializer)
    return Response(serializer(escalation_facts(escalation)).data)


class EscalationCollectionApi(ApiView):
    pagination_class = ApiCursorPagination

    @extend_schema(
        operation_id="escalations_list",
        parameters=filter_parameters(EscalationFilter),
        responses=StaffEscalationOutputSerializer(many=True),
        description=gettext_lazy(
            "Escalations of the tickets the caller may see, newest first. A customer's caller "
            "sees escalations to a level, without recipients and notes."
        ),
    )
    def get(self, request: Request) -> Response:
        serializer = shaped(
            self.caller, StaffEscalationOutputSerializer, EscalationOutputSerializer
        )
        return list_response(
            self,
            escalation_rows(self.caller),
            serializer,
            filterset=EscalationFilter,
            prepare=escalation_facts,
        )


class EscalationDetailApi(ApiView):
    @extend_schema(operation_id="escalations_read", responses=StaffEscalationOutputSerializer)
    def get(self, request: Request, escalation_id: int) -> Response:
        return escalation_response(self.caller, escalation_id)


class AlreadyAcknowledged(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "already_acknowledged"


def escalation_actor(caller: Caller) -> User:
    """The staff member acting, if their role may change escalations (as in the back-office)."""
    if caller.user is None or not caller.user.has_perm(CHANGE_PERMISSION):
        raise PermissionDenied(
            _("Your role may not acknowledge or resolve escalations."), code="escalation_role"
        )
    return caller.user


class EscalationAcknowledgeApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="escalations_acknowledge",
        request=None,
        responses=StaffEscalationOutputSerializer,
        description=gettext_lazy(
            "Acknowledge the escalation: its reminders stop. The first acknowledgement wins; "
            "a later one answers 409."
        ),
    )
    def post(self, request: Request, escalation_id: int) -> Response:
        user = escalation_actor(self.caller)
        escalation = one_or_404(escalation_rows(self.caller), pk=escalation_id)
        by = user.email or user.get_username()
        if not escalation_acknowledge(escalation=escalation, by=by, now=timezone.now()):
            raise AlreadyAcknowledged(_("This escalation was already acknowledged."))
        return escalation_response(self.caller, escalation.pk)


class EscalationResolveApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="escalations_resolve",
        request=EscalationResolveInputSerializer,
        responses=StaffEscalationOutputSerializer,
        description=gettext_lazy(
            "Resolve the escalation with what was done; reminders and follow-ups stop. One not "
            "yet acknowledged counts as acknowledged by you. Resolved before: 422."
        ),
    )
    def post(self, request: Request, escalation_id: int) -> Response:
        user = escalation_actor(self.caller)
        escalation = one_or_404(escalation_rows(self.caller), pk=escalation_id)
        data = EscalationResolveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        escalation_resolve(
            escalation=escalation, note=data.validated_data["note"], now=timezone.now(), actor=user
        )
        return escalation_response(self.caller, escalation.pk)


# --- problems ----------------------------------------------------------------------------------


class ProblemFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=ProblemStatus.choices)
    customer = IdFilter(field_name="customer_id")

    class Meta:
        model = Problem
        fields: list[str] = []


def problem_rows(caller: Caller) -> QuerySet[Problem]:
    """A problem is a provider's when one of its incidents, the ticket that opened it or its
    customer's contracts are."""
    rows = Problem.objects.all()
    rows = (
        rows_for(caller, rows, customer="", provider="incidents__provider_id")
        | rows_for(caller, rows, customer="", provider="source_ticket__provider_id")
        | rows_for(caller, rows, customer="", provider="customer__contracts__provider_id")
    )
    visible = tickets_for(caller)
    return (
        rows.select_related("customer", "source_ticket", "opened_by")
        .annotate(source_ticket_visible=Exists(visible.filter(pk=OuterRef("source_ticket_id"))))
        .prefetch_related(
            Prefetch(
                "incidents",
                queryset=visible.only("id", "number", "problem_id").order_by("id"),
                to_attr="visible_incidents",
            )
        )
        .order_by("-id")
    )


def problem_facts(problem: Problem) -> dict[str, Any]:
    facts = {field.name: getattr(problem, field.name) for field in Problem._meta.fields}
    if not problem.source_ticket_visible:  # type: ignore[attr-defined]
        facts["source_ticket"] = None
    facts["has_rca_report"] = bool(problem.rca_report)
    facts["opened_by"] = _person(problem.opened_by)
    facts["incidents"] = problem.visible_incidents  # type: ignore[attr-defined]
    return facts


class ProblemCollectionApi(ApiView):
    pagination_class = ApiCursorPagination

    staff_only = True

    @extend_schema(
        operation_id="problems_list",
        parameters=filter_parameters(ProblemFilter),
        responses=ProblemOutputSerializer(many=True),
        description=gettext_lazy("Problems and their root cause analysis (staff only)."),
    )
    def get(self, request: Request) -> Response:
        return list_response(
            self,
            problem_rows(self.caller),
            ProblemOutputSerializer,
            filterset=ProblemFilter,
            prepare=problem_facts,
        )


class ProblemDetailApi(ApiView):
    staff_only = True

    @extend_schema(operation_id="problems_read", responses=ProblemOutputSerializer)
    def get(self, request: Request, problem_id: int) -> Response:
        problem = one_or_404(problem_rows(self.caller), pk=problem_id)
        return Response(ProblemOutputSerializer(problem_facts(problem)).data)
