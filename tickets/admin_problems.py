"""Back-office for problems/RCA (D21), time entries and vendor escalations.

Every change goes through tickets.services.problems; the admin form only validates input.
Imported at the end of tickets/admin.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from contracts.admin import ReadOnlyAdmin
from contracts.staff_scope import staff_rows
from tickets.admin_files import (
    LinkedFileInput,
    StoredField,
    linked_file_input_point,
    stored_file_route,
)
from tickets.exceptions import TicketError
from tickets.models import (
    Problem,
    ProblemOrigin,
    ProblemStatus,
    Ticket,
    TimeEntry,
    VendorEscalation,
)
from tickets.selectors import problem_incidents, problems_with_counts
from tickets.services.problems import (
    problem_attach_rca,
    problem_close,
    problem_link,
    problem_open,
    problem_record_root_cause,
    problem_unlink,
    problem_update,
    rca_file_check,
)


class RcaDueFilter(admin.SimpleListFilter):
    title = _("RCA")
    parameter_name = "rca"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("overdue", _("overdue")),
            ("week", _("due within 7 days")),
            ("delivered", _("delivered")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Problem]) -> QuerySet[Problem]:
        now = timezone.now()
        pending = queryset.exclude(status=ProblemStatus.CLOSED).filter(
            rca_due_at__isnull=False, rca_delivered_at__isnull=True
        )
        if self.value() == "overdue":
            return pending.filter(rca_due_at__lt=now)
        if self.value() == "week":
            return pending.filter(rca_due_at__gte=now, rca_due_at__lt=now + timedelta(days=7))
        if self.value() == "delivered":
            return queryset.filter(rca_delivered_at__isnull=False)
        return queryset


class ProblemForm(forms.ModelForm):
    """Validates what the services will be given; link/unlink incidents by number."""

    link_ticket = forms.CharField(
        label=_("link incident"),
        required=False,
        help_text=_("Ticket number, e.g. SD-2026-000123."),
    )
    unlink_tickets = forms.ModelMultipleChoiceField(
        label=_("unlink incidents"),
        queryset=Ticket.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Problem
        fields = ["title", "customer", "product", "root_cause", "workaround", "rca_report"]
        widgets = {"rca_report": LinkedFileInput}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "unlink_tickets" in self.fields:
            field = cast(forms.ModelMultipleChoiceField, self.fields["unlink_tickets"])
            field.queryset = self.instance.incidents.order_by("created_at")
        linked_file_input_point(self, "rca_report", "admin:tickets_problem_rca")

    def clean_rca_report(self) -> Any:
        report = self.cleaned_data.get("rca_report")
        if report and "rca_report" in self.changed_data:
            try:
                rca_file_check(report)
            except TicketError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return report

    def clean_root_cause(self) -> str:
        text = str(self.cleaned_data.get("root_cause") or "")
        if "root_cause" in self.changed_data and not text.strip():
            raise forms.ValidationError(_("A recorded root cause cannot be emptied."))
        return text

    def clean_link_ticket(self) -> Ticket | None:
        number = str(self.cleaned_data.get("link_ticket") or "").strip()
        if not number:
            return None
        ticket = Ticket.objects.filter(number__iexact=number).first()
        if ticket is None:
            raise forms.ValidationError(_("No ticket %(n)s.") % {"n": number})
        return ticket


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    form = ProblemForm
    list_display = [
        "number",
        "title",
        "customer",
        "status",
        "incident_count",
        "rca_due",
        "origin",
    ]
    list_filter = [RcaDueFilter, "status", "origin"]
    search_fields = ["number", "title", "product", "customer__name", "incidents__number"]
    actions = ["close_problems"]
    add_fields = ["title", "customer", "product"]
    readonly_on_change = [
        "number",
        "customer",
        "product",
        "status",
        "origin",
        "source_ticket",
        "opened_at",
        "opened_by",
        "root_cause_identified_at",
        "rca_requested_at",
        "rca_due",
        "rca_delivered_at",
        "closed_at",
        "linked_incidents",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Problem]:
        return problems_with_counts()

    def get_urls(self) -> list[URLPattern]:
        rca = stored_file_route(self, "rca", "tickets_problem_rca", StoredField("rca_report"))
        return [rca, *super().get_urls()]

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Problem | None:
        """The problem, with the incidents this user may see (a CSAM only their contracts')."""
        problem = super().get_object(request, object_id, from_field)
        if problem is not None:
            problem.incidents_shown = staff_rows(request.user, problem_incidents(problem))
        return problem

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return list(self.add_fields)
        editable = ["title", "root_cause", "workaround", "rca_report"]
        if obj.status == ProblemStatus.CLOSED:
            editable = []
        links = ["link_ticket", "unlink_tickets"] if editable else []
        return ["number", *editable, *links, *self.readonly_on_change[1:]]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        closed = ["title", "root_cause", "workaround", "rca_report"]
        return self.readonly_on_change + (closed if obj.status == ProblemStatus.CLOSED else [])

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("incidents"), ordering="incident_count")
    def incident_count(self, obj: Problem) -> int:
        return int(getattr(obj, "incident_count", 0))

    @admin.display(description=_("RCA due"), ordering="rca_due_at")
    def rca_due(self, obj: Problem) -> str:
        if obj.rca_due_at is None:
            return "—"
        when = timezone.localtime(obj.rca_due_at).strftime("%Y-%m-%d %H:%M")
        pending = obj.rca_delivered_at is None and obj.status != ProblemStatus.CLOSED
        if pending and obj.rca_due_at < timezone.now():
            return format_html(
                '<strong class="rca-overdue" style="color:#ba2121">{} ({})</strong>',
                when,
                _("overdue"),
            )
        return when

    @admin.display(description=_("linked incidents"))
    def linked_incidents(self, obj: Problem) -> SafeString | str:
        shown = getattr(obj, "incidents_shown", None)
        incidents = problem_incidents(obj) if shown is None else shown
        rows = [
            (
                reverse("admin:tickets_ticket_change", args=[t.pk]),
                t.number,
                t.subject,
                t.get_status_display(),
                t.priority_level or "—",
            )
            for t in incidents
        ]
        if not rows:
            return "—"
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", '<li><a href="{}">{}</a> {} ({}, {})</li>', rows),
        )

    def save_model(self, request: HttpRequest, obj: Problem, form: Any, change: bool) -> None:
        actor, now, data = cast(User, request.user), timezone.now(), form.cleaned_data
        try:
            if not change:
                created = problem_open(
                    title=data["title"],
                    customer=data.get("customer"),
                    tickets=[],
                    origin=ProblemOrigin.COORDINATOR,
                    product=data.get("product") or "",
                    now=now,
                    actor=actor,
                )
                obj.pk = created.pk
                obj.refresh_from_db()
                return
            self._save_change(obj, form, now, actor)
        except TicketError as exc:
            self.message_user(request, str(exc), level=messages.ERROR)
        obj.refresh_from_db()

    def _save_change(self, obj: Problem, form: Any, now: Any, actor: User) -> None:
        changed, data = set(form.changed_data), form.cleaned_data
        if changed & {"title", "workaround"}:
            problem_update(
                problem=obj,
                title=data["title"],
                workaround=data["workaround"],
                now=now,
                actor=actor,
            )
        if "root_cause" in changed:
            problem_record_root_cause(problem=obj, text=data["root_cause"], now=now, actor=actor)
        if "rca_report" in changed and data.get("rca_report"):
            problem_attach_rca(problem=obj, file=data["rca_report"], now=now, actor=actor)
        for ticket in data.get("unlink_tickets") or []:
            problem_unlink(ticket=ticket, now=now, actor=actor)
        if data.get("link_ticket") is not None:
            problem_link(ticket=data["link_ticket"], problem=obj, now=now, actor=actor)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing to save: the services wrote it all."""

    @admin.action(description=_("Close the selected problems (root cause and RCA required)"))
    def close_problems(self, request: HttpRequest, queryset: QuerySet[Problem]) -> None:
        done = 0
        for problem in queryset:
            try:
                problem_close(problem=problem, now=timezone.now(), actor=cast(User, request.user))
                done += 1
            except TicketError as exc:
                self.message_user(request, f"{problem.number}: {exc}", level=messages.ERROR)
        self.message_user(request, _("%(n)s problem(s) closed.") % {"n": done})


@admin.register(TimeEntry)
class TimeEntryAdmin(ReadOnlyAdmin):
    """Time is registered on the ticket page through time_entry_add; here it is only listed."""

    list_display = ["ticket", "user", "started_at", "minutes", "category", "billable_override"]
    list_filter = ["category", "billable_override"]
    search_fields = ["ticket__number", "user__username", "note"]
    list_select_related = ["ticket", "user"]
    date_hierarchy = "started_at"


@admin.register(VendorEscalation)
class VendorEscalationAdmin(ReadOnlyAdmin):
    list_display = [
        "ticket",
        "vendor",
        "vendor_name",
        "vendor_reference",
        "escalated_at",
        "last_update_shared_at",
        "closed_at",
    ]
    list_filter = ["vendor"]
    search_fields = ["ticket__number", "vendor_name", "vendor_reference"]
    list_select_related = ["ticket"]
