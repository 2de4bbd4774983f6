"""A ticket's records (issue #12 §2): its conversation, files, events and SLA clocks with their
ledger. A customer reads exactly what the portal shows its contact (internal notes and their
files never); staff read everything of the tickets they see. Uploads go through the portal's
rules and service; a file is served by the download view's code."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from api.caller import Caller
from api.pagination import ApiCursorPagination
from api.scope import one_or_404
from api.serializers.ticket_records import (
    AttachmentOutputSerializer,
    AttachmentUploadInputSerializer,
    ClockOutputSerializer,
    EventOutputSerializer,
    MessageOutputSerializer,
)
from api.views.base import ApiView
from api.views.listing import list_response
from api.views.tickets import ticket_rows
from contracts.models import Contact
from notifications.services.upload_alerts import upload_quota_check
from tickets.event_kinds import (
    RECOMPUTE_EVENT_KINDS,
    SEGMENT_REASONS,
    event_data_for_customer,
    event_label,
    segment_reason,
)
from tickets.models import (
    Attachment,
    ClockSegment,
    SegmentState,
    SlaClock,
    Ticket,
    TicketEvent,
    TicketMessage,
)
from tickets.selectors import (
    attachments_visible_to_contact,
    events_visible_to_contact,
    messages_visible_to_contact,
    ticket_workable,
)
from tickets.services import ticket_attachments_add
from tickets.services.uploads import attachment_file_response, upload_batch_problem

# --- Who: a person as the caller may read them --------------------------------------------


def _staff_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def person(caller: Caller, *, user: User | None, contact: Contact | None) -> dict[str, Any] | None:
    """A contact by name; a staff member by name for staff, as "the service desk" for a
    customer (the portal names no engineer); nobody: None."""
    if contact is not None:
        return {"kind": "contact", "id": contact.pk, "name": contact.name}
    if user is None:
        return None
    if caller.is_customer:
        return {"kind": "staff", "id": None, "name": _("Service desk")}
    return {"kind": "staff", "id": user.pk, "name": _staff_name(user)}


# --- Work: the rule of the back-office, for every staff write -------------------------------


class NotWorkable(APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "not_workable"


def workable_check(caller: Caller, ticket: Ticket) -> None:
    """A staff member changes only the tickets they may work (the back-office's rule)."""
    user = caller.user
    if caller.is_staff and (user is None or not ticket_workable(user, ticket)):
        raise NotWorkable(
            _(
                "You may not work on ticket %(number)s: your role does not allow it, or it is "
                "neither assigned to you nor at your line."
            )
            % {"number": ticket.number},
            code="not_workable",
        )


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "upload_too_large"


def uploads_check(ticket: Ticket, files: list[UploadedFile[bytes]], now: datetime) -> None:
    """The portal's form checks before the service stores (it checks the types again): too
    many or too large files are 413; a quota that would be passed is refused (422), the
    coordinators told."""
    if not files:
        return
    too_large = upload_batch_problem(files)
    if too_large is not None:
        raise PayloadTooLarge(too_large, code="upload_too_large")
    upload_quota_check(
        customer=ticket.customer, ticket=ticket, sizes=[f.size or 0 for f in files], now=now
    )


# --- Records as output ---------------------------------------------------------------------


def attachment_output(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "message": attachment.ticket_message_id,
        "stored_at": attachment.stored_at,
        "download": reverse(
            "api:ticket-attachment-download", args=[attachment.ticket_id, attachment.pk]
        ),
    }


def message_output(caller: Caller, message: TicketMessage) -> dict[str, Any]:
    """`message.attachments` is prefetched by `messages_for` (for a customer: only public)."""
    return {
        "id": message.pk,
        "kind": message.kind,
        "channel": message.channel,
        "author": person(caller, user=message.author_user, contact=message.author_contact)
        or {"kind": "system", "id": None, "name": _("Service desk")},
        "body": message.body,
        "is_automated": message.is_automated,
        "update_kind": message.update_kind,
        "created_at": message.created_at,
        "attachments": [attachment_output(a) for a in message.attachments.all()],
    }


def attachments_for(caller: Caller, ticket: Ticket) -> QuerySet[Attachment]:
    """The ticket's files the caller may list and download (the download view's rule)."""
    rows = Attachment.objects.filter(ticket=ticket)
    if caller.contact is not None:
        return attachments_visible_to_contact(caller.contact, rows)
    return rows


def messages_for(caller: Caller, ticket: Ticket) -> QuerySet[TicketMessage]:
    if caller.contact is not None:
        rows = messages_visible_to_contact(caller.contact, ticket)
        files = attachments_visible_to_contact(caller.contact, Attachment.objects.all())
    else:
        rows = TicketMessage.objects.filter(ticket=ticket)
        files = Attachment.objects.all()
    return rows.select_related("author_user", "author_contact").prefetch_related(
        Prefetch("attachments", queryset=files.order_by("pk"))
    )


def event_output(caller: Caller, event: TicketEvent) -> dict[str, Any]:
    data = event.data if isinstance(event.data, dict) else {}
    return {
        "id": event.pk,
        "kind": event.kind,
        "kind_label": event_label(event.kind),
        "actor": person(caller, user=event.actor_user, contact=event.actor_contact),
        "data": event_data_for_customer(event.kind, data) if caller.is_customer else data,
        "created_at": event.created_at,
    }


def events_for(caller: Caller, ticket: Ticket) -> QuerySet[TicketEvent]:
    if caller.contact is not None:
        rows = events_visible_to_contact(caller.contact, ticket)
    else:
        rows = TicketEvent.objects.filter(ticket=ticket)
    return rows.select_related("actor_user", "actor_contact")


# --- The clocks and their ledger -----------------------------------------------------------


def _segment_output(caller: Caller, segment: ClockSegment) -> dict[str, Any]:
    """A customer reads the reasons the services write, not a staff member's own words."""
    own_words = segment.reason not in SEGMENT_REASONS
    hidden = caller.is_customer and own_words
    return {
        "state": segment.state,
        "started_at": segment.started_at,
        "ended_at": segment.ended_at,
        "reason": "" if hidden else segment.reason,
        "reason_label": "" if hidden else segment_reason(segment.reason),
        "actor": person(caller, user=segment.actor_user, contact=None),
    }


def _in_life(segment: ClockSegment, clock: SlaClock) -> bool:
    """The segment overlaps the clock's life (from its start until it stopped, or now)."""
    if clock.started_at is None:
        return False
    ends_after_start = segment.ended_at is None or segment.ended_at > clock.started_at
    starts_before_stop = clock.stopped_at is None or segment.started_at < clock.stopped_at
    return ends_after_start and starts_before_stop


def _when(value: Any) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def _times(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _recomputation_output(caller: Caller, event: TicketEvent, metric: str) -> dict[str, Any]:
    data = event.data if isinstance(event.data, dict) else {}
    before = _times(data.get("due_before"))
    after = _times(data.get("due_after"))
    if "due_after" not in data:  # recorded before the times were kept: the running due times
        after = {
            "response": data.get("response_due_at"),
            "resolution": data.get("resolution_due_at"),
        }
    reason = data.get("reason") if isinstance(data.get("reason"), str) else ""
    return {
        "at": event.created_at,
        "kind": event.kind,
        "kind_label": event_label(event.kind),
        # A staff member's words stay with the staff; a customer reads what recomputed it.
        "reason": "" if caller.is_customer else reason,
        "due_before": _when(before.get(metric)),
        "due_after": _when(after.get(metric)),
        "actor": person(caller, user=event.actor_user, contact=event.actor_contact),
    }


def _clock_state(clock: SlaClock, open_segment: ClockSegment | None) -> str:
    if clock.stopped_at is not None:
        return "stopped"
    if clock.started_at is None:
        return "not_started"
    paused = open_segment is not None and open_segment.state == SegmentState.PAUSED
    return "paused" if paused or clock.due_at is None else "running"


def clocks_output(caller: Caller, ticket: Ticket) -> list[dict[str, Any]]:
    """Each clock with the ledger segments of its life and the recomputes of its due time, in
    three queries."""
    clocks = list(SlaClock.objects.filter(ticket=ticket).order_by("metric"))
    segments = list(ticket.segments.select_related("actor_user").order_by("started_at", "pk"))
    recomputes = list(
        TicketEvent.objects.filter(ticket=ticket, kind__in=RECOMPUTE_EVENT_KINDS)
        .select_related("actor_user", "actor_contact")
        .order_by("created_at", "pk")
    )
    open_segment = next((s for s in segments if s.ended_at is None), None)
    return [
        {
            "metric": clock.metric,
            "budget_seconds": clock.budget_seconds,
            "started_at": clock.started_at,
            "due_at": clock.due_at,
            "stopped_at": clock.stopped_at,
            "met": clock.met,
            "state": _clock_state(clock, open_segment),
            "segments": [_segment_output(caller, s) for s in segments if _in_life(s, clock)],
            "recomputations": [_recomputation_output(caller, e, clock.metric) for e in recomputes],
        }
        for clock in clocks
    ]


# --- Views ---------------------------------------------------------------------------------


class OldestFirstPagination(ApiCursorPagination):
    ordering = ("created_at", "id")


class ByIdPagination(ApiCursorPagination):
    ordering = ("id",)


class TicketMessagesApi(ApiView):
    pagination_class = OldestFirstPagination

    @extend_schema(
        operation_id="tickets_messages_list",
        responses=MessageOutputSerializer(many=True),
        description=_(
            "The ticket's conversation, oldest first. A customer reads the public messages only."
        ),
    )
    def get(self, request: Request, ticket_id: int) -> Response:
        caller = self.caller
        ticket = one_or_404(ticket_rows(caller), pk=ticket_id)
        return list_response(
            self,
            messages_for(caller, ticket),
            MessageOutputSerializer,
            prepare=lambda message: message_output(caller, message),
        )


class TicketAttachmentsApi(ApiView):
    pagination_class = ByIdPagination

    @extend_schema(
        operation_id="tickets_attachments_list",
        responses=AttachmentOutputSerializer(many=True),
        description=_("The ticket's files the caller may download."),
    )
    def get(self, request: Request, ticket_id: int) -> Response:
        caller = self.caller
        ticket = one_or_404(ticket_rows(caller), pk=ticket_id)
        return list_response(
            self,
            attachments_for(caller, ticket),
            AttachmentOutputSerializer,
            prepare=attachment_output,
        )

    @extend_schema(
        operation_id="tickets_attachments_upload",
        request={"multipart/form-data": AttachmentUploadInputSerializer},
        responses={
            201: AttachmentOutputSerializer(many=True),
            413: OpenApiResponse(description=_("Too many files, or a file too large.")),
            422: OpenApiResponse(
                description=_("A file of a type not accepted, or over the storage quota.")
            ),
        },
        description=_(
            "Add files to the ticket, under the portal's rules: the accepted types (checked by "
            "content), the size of a file and the storage quotas."
        ),
    )
    def post(self, request: Request, ticket_id: int) -> Response:
        caller = self.caller
        ticket = one_or_404(ticket_rows(caller), pk=ticket_id)
        workable_check(caller, ticket)
        upload = AttachmentUploadInputSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        files = list(upload.validated_data["files"])
        now = timezone.now()
        uploads_check(ticket, files, now)
        stored = ticket_attachments_add(
            ticket=ticket,
            files=files,
            now=now,
            actor_user=caller.user if caller.is_staff else None,
            actor_contact=caller.contact,
        )
        body = AttachmentOutputSerializer([attachment_output(a) for a in stored], many=True).data
        return Response(body, status=status.HTTP_201_CREATED)


class TicketAttachmentDownloadApi(ApiView):
    @extend_schema(
        operation_id="tickets_attachments_download",
        responses={
            (200, "*/*"): OpenApiResponse(
                response=OpenApiTypes.BINARY,
                description=_(
                    "The file: images and PDF as their own type, anything else as "
                    "application/octet-stream."
                ),
            )
        },
    )
    def get(self, request: Request, ticket_id: int, attachment_id: int) -> FileResponse:
        caller = self.caller
        ticket = one_or_404(ticket_rows(caller), pk=ticket_id)
        attachment = one_or_404(attachments_for(caller, ticket), pk=attachment_id)
        return attachment_file_response(
            attachment, inline=request.query_params.get("inline") == "1"
        )


class TicketEventsApi(ApiView):
    pagination_class = OldestFirstPagination

    @extend_schema(
        operation_id="tickets_events_list",
        responses=EventOutputSerializer(many=True),
        description=_(
            "What happened on the ticket, oldest first. A customer reads the kinds the portal "
            "shows it, with only their public facts."
        ),
    )
    def get(self, request: Request, ticket_id: int) -> Response:
        caller = self.caller
        ticket = one_or_404(ticket_rows(caller), pk=ticket_id)
        return list_response(
            self,
            events_for(caller, ticket),
            EventOutputSerializer,
            prepare=lambda event: event_output(caller, event),
        )


class TicketClocksApi(ApiView):
    pagination_class = None  # a ticket has two clocks at the most: a plain list

    @extend_schema(
        operation_id="tickets_clocks_list",
        responses=ClockOutputSerializer(many=True),
        description=_(
            "The ticket's SLA clocks, each with the running and paused stretches of its life "
            "(why, and who) and every recompute of its due time (before and after, who, why)."
        ),
    )
    def get(self, request: Request, ticket_id: int) -> Response:
        caller = self.caller
        ticket = one_or_404(ticket_rows(caller), pk=ticket_id)
        return Response(ClockOutputSerializer(clocks_output(caller, ticket), many=True).data)
