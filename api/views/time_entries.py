"""Time on tickets (issue 14 §1): entries registered and listed, a coordinator's decision
whether an entry is billed, and the caller's running timer on a ticket. Staff only, on the
tickets they may work, as on the back-office's work page.

Time is recorded through the usage app (time_entry_record, and time_timer_stop for a stopped
timer), so the billable lines follow whatever records the time; a coordinator's decision goes
through usage's time_entry_billable_decide."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from api.caller import Caller
from api.pagination import ApiCursorPagination
from api.scope import one_or_404
from api.serializers.time_entries import (
    BillableOverrideInputSerializer,
    TimeEntryInputSerializer,
    TimeEntryOutputSerializer,
    TimerOutputSerializer,
    TimerStopInputSerializer,
)
from api.views.listing import list_response
from api.views.ticket_actions import CONFLICT, REFUSED, TicketActionApi, _input
from api.views.ticket_records import person
from api.views.tickets import ticket_rows
from tickets.models import TimeEntry, TimeTimer
from tickets.selectors import ticket_time_entries
from tickets.services.timers import time_timer_discard, time_timer_start
from usage.services.time import time_entry_billable_decide, time_entry_record, time_timer_stop


def time_entry_output(caller: Caller, entry: TimeEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "user": person(caller, user=entry.user, contact=None),
        "started_at": entry.started_at,
        "minutes": entry.minutes,
        "ended_at": entry.ended_at,
        "category": entry.category,
        "distance_km": entry.distance_km,
        "billable_override": entry.billable_override,
        "billable_override_reason": entry.billable_override_reason,
        "note": entry.note,
        "created_at": entry.created_at,
    }


def _entry_response(caller: Caller, entry: TimeEntry, code: int = status.HTTP_200_OK) -> Response:
    entry = TimeEntry.objects.select_related("user").get(pk=entry.pk)
    return Response(TimeEntryOutputSerializer(time_entry_output(caller, entry)).data, status=code)


class ByStartPagination(ApiCursorPagination):
    ordering = ("started_at", "id")


class TicketTimeEntriesApi(TicketActionApi):
    staff_only = True
    pagination_class = ByStartPagination

    @extend_schema(
        operation_id="tickets_time_entries_list",
        responses=TimeEntryOutputSerializer(many=True),
        description=_("The work registered on the ticket, in order of its start."),
    )
    def get(self, request: Request, ticket_id: int) -> Response:
        caller = self.caller
        ticket = one_or_404(ticket_rows(caller), pk=ticket_id)
        return list_response(
            self,
            ticket_time_entries(ticket),
            TimeEntryOutputSerializer,
            prepare=lambda entry: time_entry_output(caller, entry),
        )

    @extend_schema(
        operation_id="tickets_time_entries_create",
        request=TimeEntryInputSerializer,
        responses={201: TimeEntryOutputSerializer, 409: CONFLICT},
        description=_(
            "Register work done on the ticket (once done: it may not end in the future; "
            "it may not overlap the caller's other entries)."
        ),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self.ticket_to_change(ticket_id)
        data = _input(TimeEntryInputSerializer, request.data)
        entry = time_entry_record(ticket=ticket, user=self.staff(), now=timezone.now(), **data)
        return _entry_response(self.caller, entry, status.HTTP_201_CREATED)


class TimeEntryBillableApi(TicketActionApi):
    staff_only = True

    @extend_schema(
        operation_id="tickets_time_entries_billable",
        request=BillableOverrideInputSerializer,
        responses={200: TimeEntryOutputSerializer, 403: REFUSED},
        description=_(
            "A support coordinator decides, with a reason, whether this time is billed "
            "whatever the contract's rules say (null: the rules decide again)."
        ),
    )
    def post(self, request: Request, ticket_id: int, entry_id: int) -> Response:
        ticket = self.ticket_to_change(ticket_id)
        entry = one_or_404(TimeEntry.objects.filter(ticket=ticket), pk=entry_id)
        data = _input(BillableOverrideInputSerializer, request.data)
        entry = time_entry_billable_decide(
            entry=entry,
            billable=data["billable"],
            reason=data["reason"],
            by=self.staff(),
            now=timezone.now(),
        )
        return _entry_response(self.caller, entry)


def _timer_output(timer: TimeTimer | None) -> dict[str, Any]:
    return {"running": timer is not None, "started_at": timer.started_at if timer else None}


class TicketTimerApi(TicketActionApi):
    staff_only = True

    @extend_schema(
        operation_id="tickets_timer_read",
        responses=TimerOutputSerializer,
        description=_("Whether the caller's timer is running on this ticket, since when."),
    )
    def get(self, request: Request, ticket_id: int) -> Response:
        ticket = one_or_404(ticket_rows(self.caller), pk=ticket_id)
        timer = TimeTimer.objects.filter(user=self.staff(), ticket=ticket).first()
        return Response(TimerOutputSerializer(_timer_output(timer)).data)

    @extend_schema(
        operation_id="tickets_timer_start",
        request=None,
        responses={201: TimerOutputSerializer, 409: CONFLICT},
        description=_("Start the caller's timer on this ticket (one running timer per person)."),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self.ticket_to_change(ticket_id)
        timer = time_timer_start(ticket=ticket, user=self.staff(), now=timezone.now())
        return Response(TimerOutputSerializer(_timer_output(timer)).data, status=201)

    @extend_schema(
        operation_id="tickets_timer_discard",
        responses={204: None},
        description=_("Throw the caller's timer away without registering anything."),
    )
    def delete(self, request: Request, ticket_id: int) -> Response:
        self.ticket_to_change(ticket_id)
        time_timer_discard(user=self.staff())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TicketTimerStopApi(TicketActionApi):
    staff_only = True

    @extend_schema(
        operation_id="tickets_timer_stop",
        request=TimerStopInputSerializer,
        responses={201: TimeEntryOutputSerializer, 409: CONFLICT},
        description=_(
            "Stop the caller's timer on this ticket and register its time, rounded up to "
            "whole minutes; a refused entry keeps the timer running."
        ),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        ticket = self.ticket_to_change(ticket_id)
        data = _input(TimerStopInputSerializer, request.data)
        user, now = self.staff(), timezone.now()
        entry = time_timer_stop(user=user, ticket=ticket, now=now, **data)
        return _entry_response(self.caller, entry, status.HTTP_201_CREATED)
