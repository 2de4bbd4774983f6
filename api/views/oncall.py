"""The on-call rota and its pages (issue #13 §1), for provider staff only.

The rota: the shifts of the providers the caller sees (a provider token: its own provider's;
a CSAM-only member: their contracts' providers), from `?from=` (default: now) for 4 weeks or
until `?until=`. The pages: those of the tickets the caller sees (`ticket_rows_for`), newest
first, with their steps; acknowledge takes a page for the caller (any role that may be on
call), through the same service as the link in the page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from api.caller import Caller
from api.filters import IdFilter, MomentFilter, filter_parameters
from api.scope import one_or_404, rows_for, ticket_rows_for
from api.serializers.oncall import OnCallPageOutputSerializer, OnCallShiftOutputSerializer
from api.views.base import ApiView
from api.views.escalations import AlreadyAcknowledged
from api.views.listing import list_response
from contracts.models import OnCallShift
from escalation.models import OnCallPage, OnCallPageStep
from escalation.services.oncall import oncall_page_acknowledge

ACKNOWLEDGE_PERMISSION = "escalation.change_oncallpage"


class OnCallShiftFilter(filters.FilterSet):
    provider = IdFilter(field_name="provider_id")
    user = IdFilter(field_name="user_id")
    until = MomentFilter(
        field_name="starts_at",
        lookup_expr="lt",
        help_text=gettext_lazy("Only shifts starting before this time."),
    )
    ends_after = MomentFilter(
        field_name="ends_at",
        lookup_expr="gt",
        help_text=gettext_lazy("Only shifts ending after this time (default: now)."),
    )

    class Meta:
        model = OnCallShift
        fields: list[str] = []


def _person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


def shift_facts(shift: OnCallShift) -> dict[str, Any]:
    facts = {field.name: getattr(shift, field.name) for field in OnCallShift._meta.fields}
    facts["user"] = _person(shift.user)
    return facts


def shift_rows(caller: Caller, request: Request) -> QuerySet[OnCallShift]:
    rows = rows_for(caller, OnCallShift.objects.all(), customer="", provider="provider_id")
    if "ends_after" not in request.query_params:  # the rota from now on
        rows = rows.filter(ends_at__gt=timezone.now())
    return rows.select_related("provider", "user").order_by("-id")


class OnCallShiftCollectionApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="oncall_shifts_list",
        parameters=filter_parameters(OnCallShiftFilter),
        responses=OnCallShiftOutputSerializer(many=True),
        description=gettext_lazy(
            "The on-call rota: who is on call when, in paging order (staff only). Without "
            "ends_after, the shifts not yet ended."
        ),
    )
    def get(self, request: Request) -> Response:
        return list_response(
            self,
            shift_rows(self.caller, request),
            OnCallShiftOutputSerializer,
            filterset=OnCallShiftFilter,
            prepare=shift_facts,
        )


class OnCallPageFilter(filters.FilterSet):
    ticket = IdFilter(field_name="ticket_id")
    acknowledged = filters.BooleanFilter(
        field_name="acknowledged_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = OnCallPage
        fields: list[str] = []


def page_rows(caller: Caller) -> QuerySet[OnCallPage]:
    steps = OnCallPageStep.objects.select_related("user").order_by("number")
    return (
        ticket_rows_for(caller, OnCallPage.objects.all())
        .select_related("ticket", "acknowledged_by")
        .prefetch_related(Prefetch("steps", queryset=steps))
        .order_by("-id")
    )


def page_facts(page: OnCallPage) -> dict[str, Any]:
    facts = {field.name: getattr(page, field.name) for field in OnCallPage._meta.fields}
    facts["acknowledged_by"] = (
        _person(page.acknowledged_by)
        if page.acknowledged_by
        else ({"id": 0, "name": page.acknowledged_by_name} if page.acknowledged_by_name else None)
    )
    facts["steps"] = [
        {
            "number": step.number,
            "role": step.role,
            "user": _person(step.user),
            "name": step.name,
            "email": step.email,
            "paged_at": step.paged_at,
            "pager_sent_at": step.pager_sent_at,
        }
        for step in page.steps.all()
    ]
    return facts


class OnCallPageCollectionApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="oncall_pages_list",
        parameters=filter_parameters(OnCallPageFilter),
        responses=OnCallPageOutputSerializer(many=True),
        description=gettext_lazy("Pages to the person on call, newest first (staff only)."),
    )
    def get(self, request: Request) -> Response:
        return list_response(
            self,
            page_rows(self.caller),
            OnCallPageOutputSerializer,
            filterset=OnCallPageFilter,
            prepare=page_facts,
        )


def page_response(caller: Caller, page_id: int) -> Response:
    page = one_or_404(page_rows(caller), pk=page_id)
    return Response(OnCallPageOutputSerializer(page_facts(page)).data)


class OnCallPageDetailApi(ApiView):
    staff_only = True

    @extend_schema(operation_id="oncall_pages_read", responses=OnCallPageOutputSerializer)
    def get(self, request: Request, page_id: int) -> Response:
        return page_response(self.caller, page_id)


class OnCallPageAcknowledgeApi(ApiView):
    staff_only = True

    @extend_schema(
        operation_id="oncall_pages_acknowledge",
        request=None,
        responses=OnCallPageOutputSerializer,
        description=gettext_lazy(
            "Take the page: nobody else is paged. The first acknowledgement wins; a later one "
            "answers 409."
        ),
    )
    def post(self, request: Request, page_id: int) -> Response:
        page = one_or_404(page_rows(self.caller), pk=page_id)
        user = self.caller.user
        if user is None or not user.has_perm(ACKNOWLEDGE_PERMISSION):
            raise PermissionDenied(
                _("Your role may not acknowledge on-call pages."), code="oncall_role"
            )
        if not oncall_page_acknowledge(page=page, now=timezone.now(), user=user):
            raise AlreadyAcknowledged(_("This page was already acknowledged."))
        return page_response(self.caller, page.pk)
