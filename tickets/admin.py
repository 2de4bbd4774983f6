"""The ticket queue and the read-only lists of what happened on tickets.

Every SLA figure is computed by the services, so it is read-only here; tickets are created and
changed through tickets.services, never by editing fields.
"""

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.models import User
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.text import choice_label
from tickets.admin_filters import (
    AssignmentFilter,
    CustomerRepliedFilter,
    DueFilter,
    PriorityRankFilter,
    WorkFilter,
)
from tickets.admin_queue import (
    QueueChangeList,
    RenderedOnceHiddenInput,
    RenderedOnceSelect,
    RenderedOnceTextInput,
    shortened,
    two_lines,
)
from tickets.admin_records import DeskTitles
from tickets.exceptions import TicketError
from tickets.models import (
    ClockSegment,
    Line,
    Metric,
    SlaClock,
    Status,
    Ticket,
    TicketEvent,
    TicketMessage,
)
from tickets.selectors import (
    QUEUE_ORDER,
    due_state,
    ticket_clock_label,
    ticket_priority_label,
    tickets_for_queue,
)
from tickets.services import (
    ticket_assign,
    ticket_mark_complete,
    ticket_set_line,
    ticket_sla_rebase,
    ticket_transition,
)


class QueueActionForm(ActionForm):
    """The queue's bulk actions; a status change needs its reason (issue #6 §2). Its widgets
    keep their HTML (RenderedOnce): the bar is the same on every page."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=RenderedOnceTextInput(attrs={"placeholder": _("reason (for a status change)")}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action = cast(forms.ChoiceField, self.fields["action"])
        across = self.fields["select_across"]
        action.widget = RenderedOnceSelect(action.widget.attrs)
        action.choices = action.choices  # the field's choices, on its new widget too
        across.widget = RenderedOnceHiddenInput(across.widget.attrs)
        for field in (action, across):
            field.widget.is_required = field.required


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
class TicketAdmin(DeskTitles, admin.ModelAdmin):
    """Queue order per D7: rank, then package precedence, then the earliest due time. The queue
    opens on open work (WorkFilter) and marks the tickets a customer wrote on (issue #11 §2)."""

    list_display = [
        "number_marker",
        "subject",
        "customer_package",
        "type_priority",
        "status",
        "assignee_line",
        "response_due",
        "resolution_due",
        "escalation_level",
    ]
    list_display_links = ["number_marker"]
    list_filter = [
        WorkFilter,
        CustomerRepliedFilter,
        DueFilter,
        AssignmentFilter,
        "status",
        "line",
        ("priority_rank", PriorityRankFilter),
        "request_type",
        "provider",
        "customer",
        "channel",
    ]
    search_fields = [
        "number",
        "subject",
        "customer__name",
        "contact__name",
        "contact__email",
    ]
    list_select_related = False  # tickets.selectors.tickets_for_queue chooses
    # The drill-down's choices are the calendar's (tickets.admin_dates, in the change list
    # template): Django's would read every matching ticket for its dates on each page.
    date_hierarchy = "created_at"
    # "Show all" instead of a count of every ticket ever on each page (a scan of the table).
    show_full_result_count = False
    ordering = tuple(QUEUE_ORDER)
    inlines = [SlaClockInline, ClockSegmentInline, TicketMessageInline, TicketEventInline]
    action_form = QueueActionForm
    actions = [
        "mark_complete",
        "assign_to_me",
        "unassign",
        "to_second_line",
        "to_first_line",
        "start_work",
        "wait_for_customer",
        "recompute_sla_under_current_terms",
    ]

    def _each(self, request: HttpRequest, queryset: Any, change: Any) -> None:
        """Apply a service to each selected ticket; a refusal is reported, the rest go on."""
        done = 0
        for ticket in queryset:
            try:
                change(ticket, timezone.now())
                done += 1
            except TicketError as exc:
                self.message_user(request, f"{ticket.number}: {exc}", level=messages.ERROR)
        self.message_user(request, _("%(n)s ticket(s) changed.") % {"n": done})

    def _assign(self, request: HttpRequest, queryset: Any, *, to_me: bool) -> None:
        user = cast(User, request.user)
        assignee = user if to_me else None
        self._each(
            request,
            queryset,
            lambda t, now: ticket_assign(ticket=t, assignee=assignee, now=now, actor=user),
        )

    def _line(self, request: HttpRequest, queryset: Any, line: str) -> None:
        user = cast(User, request.user)
        self._each(
            request,
            queryset,
            lambda t, now: ticket_set_line(ticket=t, line=line, now=now, actor=user),
        )

    @admin.action(description=_("Assign to me"))
    def assign_to_me(self, request: HttpRequest, queryset: Any) -> None:
        self._assign(request, queryset, to_me=True)

    @admin.action(description=_("Unassign"))
    def unassign(self, request: HttpRequest, queryset: Any) -> None:
        self._assign(request, queryset, to_me=False)

    @admin.action(description=_("Hand to the second line"))
    def to_second_line(self, request: HttpRequest, queryset: Any) -> None:
        self._line(request, queryset, Line.SECOND)

    @admin.action(description=_("Back to the first line"))
    def to_first_line(self, request: HttpRequest, queryset: Any) -> None:
        self._line(request, queryset, Line.FIRST)

    @admin.action(description=_("Checked complete by the first line"))
    def mark_complete(self, request: HttpRequest, queryset: Any) -> None:
        user = cast(User, request.user)
        self._each(
            request,
            queryset,
            lambda t, now: ticket_mark_complete(ticket=t, now=now, actor=user),
        )

    @admin.action(description=_("Status: in progress"))
    def start_work(self, request: HttpRequest, queryset: Any) -> None:
        self._status(request, queryset, Status.IN_PROGRESS)

    @admin.action(description=_("Status: waiting for the customer (pauses the clocks)"))
    def wait_for_customer(self, request: HttpRequest, queryset: Any) -> None:
        self._status(request, queryset, Status.WAITING_FOR_CUSTOMER)

    def _status(self, request: HttpRequest, queryset: Any, status: str) -> None:
        user = cast(User, request.user)
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(
                request,
                _("Give the reason for the status change in the field next to the action."),
                level=messages.ERROR,
            )
            return
        self._each(
            request,
            queryset,
            lambda t, now: ticket_transition(
                ticket=t, to_status=status, now=now, actor=user, reason=reason
            ),
        )

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return QueueChangeList

    def action_checkbox(self, obj: Ticket) -> SafeString:
        """Django's row checkbox, written out: rendering a form widget through the template
        engine for each of 100 rows was a quarter of the queue's time (and format_html, which
        escapes every argument, a tenth of what was left)."""
        label = gettext("Select this object for an action - {}").format(escape(str(obj)))
        return mark_safe(
            f'<input type="checkbox" name="{helpers.ACTION_CHECKBOX_NAME}" value="{int(obj.pk)}" '
            f'class="action-select" aria-label="{label}">'
        )

    @admin.display(description=_("number"), ordering="number")
    def number_marker(self, obj: Ticket) -> str:
        """The number, with the "customer replied" badge under it (in the number's column: the
        queue fits 1440 px without scrolling sideways)."""
        if not obj.customer_replied:
            return obj.number
        return format_html(
            '{}<br><span class="badge badge-replied" title="{}">{}</span>',
            obj.number,
            _("The customer wrote since the engineer last opened this ticket."),
            _("customer replied"),
        )

    @admin.display(description=_("engineer / line"), ordering="assignee__first_name")
    def assignee_line(self, obj: Ticket) -> str:
        who = (obj.assignee.get_full_name() or obj.assignee.get_username()) if obj.assignee else "—"
        return two_lines(who, choice_label(obj, "line"))

    @admin.display(description=_("customer / package"), ordering="customer__name")
    def customer_package(self, obj: Ticket) -> str:
        name = obj.package.name
        return two_lines(str(obj.customer), shortened(name), name)

    @admin.display(description=_("priority / type"), ordering="priority_rank")
    def type_priority(self, obj: Ticket) -> str:
        return two_lines(str(ticket_priority_label(obj)), choice_label(obj, "request_type"))

    def _due(self, obj: Ticket, due_at: Any) -> str:
        state, words = due_state(obj, due_at, timezone.now())
        return mark_safe(f'<span class="due due-{state}">{escape(words)}</span>')

    @admin.display(description=_("response due"), ordering="response_due_at")
    def response_due(self, obj: Ticket) -> str:
        if obj.first_response_at:
            return ticket_clock_label(obj, Metric.RESPONSE)
        return self._due(obj, obj.response_due_at)

    @admin.display(description=_("resolution due"), ordering="resolution_due_at")
    def resolution_due(self, obj: Ticket) -> str:
        if obj.resolution_due_at is None:
            return ticket_clock_label(obj, Metric.RESOLUTION)
        return self._due(obj, obj.resolution_due_at)

    @admin.display(description=_("escalation"), ordering="open_escalation_level")
    def escalation_level(self, obj: Ticket) -> str:
        level = getattr(obj, "open_escalation_level", None)
        return f"L{level}" if level else "—"

    @admin.action(description=_("Recompute SLA under the contract's current terms (logged)"))
    def recompute_sla_under_current_terms(self, request: HttpRequest, queryset: Any) -> None:
        for ticket in queryset:
            try:
                ticket_sla_rebase(
                    ticket=ticket,
                    reason=f"recomputed from the back-office by {request.user}",
                    now=timezone.now(),
                    actor=cast(User, request.user),
                )
            except TicketError as exc:
                self.message_user(request, f"{ticket.number}: {exc}", level=messages.ERROR)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Ticket]:
        # The open escalation level, by relation name (tickets/ imports nothing from
        # escalation/), as a correlated subquery: no join and no GROUP BY over the whole
        # queue, so the queue index gives the first page without sorting 100,000 rows.
        queue = tickets_for_queue()
        escalations = Ticket._meta.get_field("escalations").related_model
        level = (
            escalations._default_manager.filter(
                ticket=OuterRef("pk"), level__gte=1, resolved_at__isnull=True
            )
            .order_by("-level")
            .values("level")[:1]
        )
        return queue.annotate(open_escalation_level=Subquery(level))

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


from tickets import admin_problems  # noqa: E402,F401
