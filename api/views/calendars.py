"""Calendars (issue #12 §2): opening hours, closed days, and the clock's two sums.

Which calendars a caller sees:
- a customer's caller: the calendars its organisation's contracts run on (the contract's own or
  its package's, and those of the SLA targets of the package and of purchased services), as the
  portal's contract page shows the first; not the rest of the provider's catalogue;
- a provider's token: the calendars of its provider's current catalogue release; a staff
  session: those of every provider (a CSAM-only member: of their contracts' providers).
Always the current revision (D3), the one new tickets freeze. A calendar is named by its code;
should two providers the caller sees use one code, `?provider=<provider code>` chooses.

`POST calendars/{code}/deadline` (start + budget in seconds -> due) and
`POST calendars/{code}/business-time` (start + end -> seconds) run `contracts.businesstime`
on that revision. They change nothing, so a read-only token may ask them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.caller import Caller, caller_of
from api.pagination import ApiCursorPagination
from api.scope import rows_for
from api.serializers.calendars import (
    BusinessTimeInputSerializer,
    BusinessTimeOutputSerializer,
    CalendarDetailOutputSerializer,
    CalendarOutputSerializer,
    DeadlineInputSerializer,
    DeadlineOutputSerializer,
)
from api.views.base import ApiView
from api.views.listing import list_response
from contracts.businesstime import Calendar, deadline, elapsed
from contracts.calendar_days import closed_days_ahead
from contracts.calendars import DAY_KEYS, calendar_for
from contracts.models import BusinessCalendar, Contract
from contracts.selectors import contract_calendars

PROVIDER_PARAMETER = OpenApiParameter(
    "provider",
    OpenApiTypes.STR,
    description=gettext_lazy(
        "The provider's code, when two providers you see use the same calendar code."
    ),
)


def calendar_rows(caller: Caller) -> QuerySet[BusinessCalendar]:
    if caller.contact is not None:
        contracts = rows_for(
            caller, Contract.objects.all(), customer="customer_id", provider="provider_id"
        ).select_related("package__default_calendar", "calendar")
        used = {row.pk for contract in contracts for row in contract_calendars(contract)}
        rows = BusinessCalendar.objects.filter(pk__in=used)
    else:
        current = BusinessCalendar.objects.filter(
            release__is_current=True, is_current_revision=True
        )
        rows = rows_for(caller, current, customer="", provider="release__provider_id")
    return rows.select_related("release__provider")


def calendar_one(caller: Caller, code: str, provider: str) -> BusinessCalendar:
    """The caller's calendar with `code` (404 if none); a 400 naming `provider` when the code
    is ambiguous between providers."""
    rows = calendar_rows(caller).filter(code=code)
    if provider:
        rows = rows.filter(release__provider__code=provider)
    found = list(rows.order_by("-release__is_current", "-release__version", "-revision"))
    if not found:
        raise Http404(_("Not found."))
    if len({row.release.provider_id for row in found}) > 1:
        raise serializers.ValidationError(
            {
                "provider": [
                    _("Several providers have a calendar %(code)s; name the provider.")
                    % {"code": code}
                ]
            }
        )
    return found[0]


def calendar_facts(row: BusinessCalendar) -> dict[str, Any]:
    return {
        "code": row.code,
        "name": row.name,
        "provider": row.release.provider,
        "timezone": row.timezone,
        "always_open": row.always_open,
        "revision": row.revision,
        "opening_hours": [
            {"day": day, "opens": opens, "closes": closes}
            for day in DAY_KEYS
            for opens, closes in (row.hours.get(day) or [])
        ],
    }


def calendar_detail_facts(row: BusinessCalendar) -> dict[str, Any]:
    years = (
        []
        if row.always_open
        else closed_days_ahead(
            row,
            today=timezone.localdate(),
            language=(get_language() or settings.LANGUAGE_CODE).split("-")[0],
        )
    )
    return {
        **calendar_facts(row),
        "closed_days": [{"date": d.day, "name": d.name} for year in years for d in year.days],
    }


class CalendarCollectionApi(ApiView):
    pagination_class = ApiCursorPagination

    @extend_schema(
        operation_id="calendars_list",
        responses=CalendarOutputSerializer(many=True),
        description=gettext_lazy(
            "The calendars the caller may see: a customer's, those its contracts run on; a "
            "provider's, those of its current catalogue. Current revisions only."
        ),
    )
    def get(self, request: Request) -> Response:
        return list_response(
            self, calendar_rows(self.caller), CalendarOutputSerializer, prepare=calendar_facts
        )


class CalendarDetailApi(ApiView):
    @extend_schema(
        operation_id="calendars_read",
        parameters=[PROVIDER_PARAMETER],
        responses=CalendarDetailOutputSerializer,
        description=gettext_lazy(
            "A calendar's zone, weekly opening hours and the closed days ahead."
        ),
    )
    def get(self, request: Request, code: str) -> Response:
        row = calendar_one(self.caller, code, request.query_params.get("provider", ""))
        return Response(CalendarDetailOutputSerializer(calendar_detail_facts(row)).data)


class AskPermission(BasePermission):
    """A calculation asked by POST changes nothing: any known caller, read tokens too."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        caller_of(request)  # refuses the unknown and the inactive
        return True


class CalendarAskApi(ApiView):
    """A sum asked of a calendar's current revision: the input, the calendar, the answer."""

    permission_classes = [AskPermission]
    asked: type[serializers.Serializer[Any]]
    answered: type[serializers.Serializer[Any]]

    def answer(self, calendar: Calendar, asked: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def ask(self, request: Request, code: str) -> Response:
        row = calendar_one(self.caller, code, request.query_params.get("provider", ""))
        asked = self.asked(data=request.data)
        asked.is_valid(raise_exception=True)
        data = dict(asked.validated_data)
        answer = {"calendar": row.code, "revision": row.revision, **data}
        answer.update(self.answer(calendar_for(row), data))
        return Response(self.answered(answer).data)


class CalendarDeadlineApi(CalendarAskApi):
    asked = DeadlineInputSerializer
    answered = DeadlineOutputSerializer

    @extend_schema(
        operation_id="calendars_deadline",
        parameters=[PROVIDER_PARAMETER],
        request=DeadlineInputSerializer,
        responses=DeadlineOutputSerializer,
        description=gettext_lazy(
            "When a budget of business time that starts at `start` is used up on this calendar. "
            "`start` needs its offset from UTC; `budget` is whole seconds, at most ten years."
        ),
    )
    def post(self, request: Request, code: str) -> Response:
        return self.ask(request, code)

    def answer(self, calendar: Calendar, asked: dict[str, Any]) -> dict[str, Any]:
        return {"due": deadline(asked["start"], timedelta(seconds=asked["budget"]), calendar)}


class CalendarBusinessTimeApi(CalendarAskApi):
    asked = BusinessTimeInputSerializer
    answered = BusinessTimeOutputSerializer

    @extend_schema(
        operation_id="calendars_business_time",
        parameters=[PROVIDER_PARAMETER],
        request=BusinessTimeInputSerializer,
        responses=BusinessTimeOutputSerializer,
        description=gettext_lazy(
            "How much business time lies between `start` and `end` on this calendar, in seconds. "
            "Both need their offset from UTC; at most ten years apart."
        ),
    )
    def post(self, request: Request, code: str) -> Response:
        return self.ask(request, code)

    def answer(self, calendar: Calendar, asked: dict[str, Any]) -> dict[str, Any]:
        return {"seconds": elapsed(asked["start"], asked["end"], calendar).total_seconds()}
