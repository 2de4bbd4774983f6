"""Escalations in the back-office; actions call the services."""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from escalation.exceptions import EscalationError
from escalation.models import Escalation, OnCallPage, OnCallPageStep
from escalation.services.actions import escalation_acknowledge, escalation_raise_mediation
from escalation.services.oncall import oncall_page_acknowledge
from tickets.models import Ticket


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = [
        "ticket",
        "level",
        "reason",
        "raised_at",
        "acknowledged_at",
        "acknowledged_by",
        "resolved_at",
        "notified_count",
        "configuration_error",
    ]
    list_filter = ["level", "reason", "acknowledged_at", "resolved_at"]
    search_fields = ["ticket__number", "ticket__subject"]
    list_select_related = ["ticket"]
    readonly_fields = [f.name for f in Escalation._meta.fields]
    actions = ["acknowledge"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Acknowledge the selected escalations"))
    def acknowledge(self, request: HttpRequest, queryset: Any) -> None:
        by = getattr(request.user, "email", "") or str(request.user)
        done = sum(
            escalation_acknowledge(escalation=e, by=by, now=timezone.now()) for e in queryset
        )
        self.message_user(request, _("%(n)s acknowledged.") % {"n": done})


def mediation_action(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    for ticket in queryset:
        try:
            escalation_raise_mediation(
                ticket=ticket,
                note=f"raised by {request.user}",
                now=timezone.now(),
                actor=request.user,  # type: ignore[arg-type]
            )
        except EscalationError as exc:
            modeladmin.message_user(request, f"{ticket.number}: {exc}", level=messages.ERROR)


mediation_action.short_description = _("Escalate to level 3 (mediation)")  # type: ignore[attr-defined]


# The ticket admin lives in tickets/, which may not import escalation/ (layer order), so the
# escalation layer adds its ticket action here, after tickets.admin has registered.
_ticket_admin = type(admin.site.get_model_admin(Ticket))
_ticket_admin.actions = [*(_ticket_admin.actions or []), mediation_action]


class OnCallPageStepInline(admin.TabularInline):
    model = OnCallPageStep
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "number",
        "role",
        "name",
        "email",
        "phone",
        "paged_at",
        "pager_sent_at",
        "pager_error",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OnCallPage)
class OnCallPageAdmin(admin.ModelAdmin):
    """Who was paged for which ticket, and who took it (issue #13 §1). Read-only, but for the
    acknowledgement (the on-call person's own, when they are at a desk)."""

    list_display = [
        "ticket",
        "reason",
        "opened_at",
        "step",
        "next_step_at",
        "rota_gap",
        "acknowledged_at",
        "acknowledged_by_name",
    ]
    list_filter = ["rota_gap", ("acknowledged_at", admin.EmptyFieldListFilter)]
    search_fields = ["ticket__number", "ticket__subject"]
    list_select_related = ["ticket"]
    readonly_fields = [f.name for f in OnCallPage._meta.fields]
    inlines = [OnCallPageStepInline]
    actions = ["acknowledge"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Acknowledge the selected pages"), permissions=["change"])
    def acknowledge(self, request: HttpRequest, queryset: Any) -> None:
        now = timezone.now()
        done = sum(
            oncall_page_acknowledge(page=page, now=now, user=request.user)  # type: ignore[arg-type]
            for page in queryset
        )
        self.message_user(request, _("%(n)s acknowledged.") % {"n": done})
