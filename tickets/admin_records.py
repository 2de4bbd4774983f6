"""Titles that name the work, and the read-only lists of what happened on tickets: events,
messages, clocks, clock segments, counters and the customers' priority requests (decided
through the service). The queue itself is tickets/admin.py."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tickets.event_kinds import EVENT_LABELS, event_label
from tickets.exceptions import TicketError
from tickets.models import (
    ClockSegment,
    PriorityChangeRequest,
    RequestState,
    SlaClock,
    TicketCounter,
    TicketEvent,
    TicketMessage,
)
from tickets.services import ticket_priority_decide


class DeskTitles:
    """Page titles that name the work (issue #11 §5): "Tickets", not "Select ticket to change";
    "Event SD-2026-0001 …", not "Change event"."""

    model: Any

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        title = capfirst(str(self.model._meta.verbose_name_plural))
        extra = {"title": title, **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)  # type: ignore[misc]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        name = capfirst(str(self.model._meta.verbose_name))
        extra = {"title": name, **(extra_context or {})}
        return super().change_view(  # type: ignore[misc]
            request, object_id, form_url, extra_context=extra
        )


class EventKindFilter(admin.SimpleListFilter):
    title = _("what")
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return sorted(EVENT_LABELS.items(), key=lambda item: str(item[1]))

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(TicketEvent)
class TicketEventAdmin(DeskTitles, admin.ModelAdmin):
    """The events in words; the ticket's work page tells each one's details as a sentence."""

    list_display = ["ticket", "what", "actor_user", "actor_contact", "created_at"]
    list_filter = [EventKindFilter]
    list_select_related = ["ticket", "actor_user", "actor_contact"]
    readonly_fields = ["ticket", "what", "actor_user", "actor_contact", "data", "created_at"]
    exclude = ["kind"]

    @admin.display(description=_("what"), ordering="kind")
    def what(self, obj: TicketEvent) -> str:
        return event_label(obj.kind)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(TicketMessage)
class TicketMessageAdmin(DeskTitles, admin.ModelAdmin):
    list_display = ["ticket", "kind", "channel", "author_user", "author_contact", "created_at"]
    list_filter = ["kind", "channel", "is_automated"]
    list_select_related = ["ticket", "author_user", "author_contact"]
    readonly_fields = [f.name for f in TicketMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(SlaClock)
class SlaClockAdmin(DeskTitles, admin.ModelAdmin):
    list_display = [
        "ticket",
        "metric",
        "budget_seconds",
        "started_at",
        "due_at",
        "stopped_at",
        "met",
    ]
    list_filter = ["metric", "met"]
    list_select_related = ["ticket"]
    readonly_fields = [f.name for f in SlaClock._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ClockSegment)
class ClockSegmentAdmin(DeskTitles, admin.ModelAdmin):
    list_display = ["ticket", "state", "started_at", "ended_at", "reason"]
    list_filter = ["state"]
    list_select_related = ["ticket"]
    readonly_fields = [f.name for f in ClockSegment._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(TicketCounter)
class TicketCounterAdmin(DeskTitles, admin.ModelAdmin):
    list_display = ["year", "last"]
    readonly_fields = ["year", "last"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PriorityChangeRequest)
class PriorityChangeRequestAdmin(DeskTitles, admin.ModelAdmin):
    """Customers ask, a provider-side user decides (D8); decisions go through the service."""

    list_display = [
        "ticket",
        "requested_level",
        "requested_by",
        "state",
        "created_at",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["state"]
    list_select_related = ["ticket", "requested_by", "decided_by"]
    readonly_fields = [f.name for f in PriorityChangeRequest._meta.fields]
    actions = ["accept", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def _decide(self, request: HttpRequest, queryset: Any, accept: bool) -> None:
        for item in queryset.filter(state=RequestState.PENDING).select_related("ticket"):
            try:
                ticket_priority_decide(
                    request=item,
                    accept=accept,
                    note=f"decided in the back-office by {request.user}",
                    now=timezone.now(),
                    actor=cast(User, request.user),
                )
            except TicketError as exc:
                self.message_user(request, f"{item.ticket.number}: {exc}", level=messages.ERROR)

    @admin.action(description=_("Accept the requested priority"))
    def accept(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, accept=True)

    @admin.action(description=_("Reject the request"))
    def reject(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, accept=False)
