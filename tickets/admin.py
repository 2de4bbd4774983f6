"""Ticket browsing for coordinators (the real back-office is a later issue).

Every SLA figure is computed by the services, so it is read-only here; tickets are created and
changed through tickets.services, never by editing fields.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.exceptions import TicketError
from tickets.models import (
    ClockSegment,
    Metric,
    PriorityChangeRequest,
    RequestState,
    SlaClock,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketMessage,
)
from tickets.selectors import (
    QUEUE_ORDER,
    ticket_clock_label,
    ticket_priority_label,
    tickets_for_queue,
)
from tickets.services import ticket_priority_decide, ticket_sla_rebase


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SlaClockInline(ReadOnlyInline):
    model = SlaClock
    fields = readonly_fields = (
        "metric",
        "budget_seconds",
        "started_at",
        "due_at",
        "stopped_at",
        "met",
    )


class ClockSegmentInline(ReadOnlyInline):
    model = ClockSegment
    fields = readonly_fields = ("state", "started_at", "ended_at", "reason", "actor_user")


class TicketMessageInline(ReadOnlyInline):
    model = TicketMessage
    fields = readonly_fields = (
        "created_at",
        "kind",
        "channel",
        "author_user",
        "author_contact",
        "is_automated",
        "body",
    )


class TicketEventInline(ReadOnlyInline):
    model = TicketEvent
    fields = readonly_fields = ("created_at", "kind", "actor_user", "actor_contact", "data")


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Queue order per D7: rank, then package precedence, then the earliest due time."""

    list_display = [
        "number",
        "subject",
        "customer",
        "provider",
        "request_type",
        "priority",
        "priority_rank",
        "status",
        "response_due_at",
        "response_clock",
        "resolution_due_at",
        "resolution_clock",
        "created_at",
    ]
    list_filter = ["status", "request_type", "priority_rank", "provider", "channel"]
    search_fields = ["number", "subject", "customer__name", "contact__email"]
    list_select_related = ["customer", "provider"]
    date_hierarchy = "created_at"
    ordering = tuple(QUEUE_ORDER)
    inlines = [SlaClockInline, ClockSegmentInline, TicketMessageInline, TicketEventInline]
    actions = ["recompute_sla_under_current_terms"]

    @admin.action(description=_("Recompute SLA under the contract's current terms (logged)"))
    def recompute_sla_under_current_terms(self, request: HttpRequest, queryset: Any) -> None:
        for ticket in queryset:
            try:
                ticket_sla_rebase(
                    ticket=ticket,
                    reason=f"recomputed from the back-office by {request.user}",
                    now=timezone.now(),
                    actor=request.user,  # type: ignore[arg-type]
                )
            except TicketError as exc:
                self.message_user(request, f"{ticket.number}: {exc}", level=messages.ERROR)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Ticket]:
        return tickets_for_queue()

    @admin.display(description=_("priority"), ordering="priority_rank")
    def priority(self, obj: Ticket) -> str:
        return ticket_priority_label(obj)

    @admin.display(description=_("response clock"))
    def response_clock(self, obj: Ticket) -> str:
        return ticket_clock_label(obj, Metric.RESPONSE)

    @admin.display(description=_("resolution clock"))
    def resolution_clock(self, obj: Ticket) -> str:
        return ticket_clock_label(obj, Metric.RESOLUTION)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Ticket._meta.fields] + [
            "priority",
            "response_clock",
            "resolution_clock",
        ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ["ticket", "kind", "actor_user", "actor_contact", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["ticket", "actor_user", "actor_contact"]
    readonly_fields = ["ticket", "kind", "actor_user", "actor_contact", "data", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(TicketMessage)
class TicketMessageAdmin(admin.ModelAdmin):
    list_display = ["ticket", "kind", "channel", "author_user", "author_contact", "created_at"]
    list_filter = ["kind", "channel", "is_automated"]
    list_select_related = ["ticket", "author_user", "author_contact"]
    readonly_fields = [f.name for f in TicketMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(SlaClock)
class SlaClockAdmin(admin.ModelAdmin):
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
class ClockSegmentAdmin(admin.ModelAdmin):
    list_display = ["ticket", "state", "started_at", "ended_at", "reason"]
    list_filter = ["state"]
    list_select_related = ["ticket"]
    readonly_fields = [f.name for f in ClockSegment._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(TicketCounter)
class TicketCounterAdmin(admin.ModelAdmin):
    list_display = ["year", "last"]
    readonly_fields = ["year", "last"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(PriorityChangeRequest)
class PriorityChangeRequestAdmin(admin.ModelAdmin):
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
                    actor=request.user,  # type: ignore[arg-type]
                )
            except TicketError as exc:
                self.message_user(request, f"{item.ticket.number}: {exc}", level=messages.ERROR)

    @admin.action(description=_("Accept the requested priority"))
    def accept(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, accept=True)

    @admin.action(description=_("Reject the request"))
    def reject(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, accept=False)
