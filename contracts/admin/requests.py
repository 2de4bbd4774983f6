"""Named-contact change requests from the portal: a coordinator approves or rejects (D14).

Every decision goes through contracts.services.contacts; a refused approval (the named-contact
cap) shows the reason and leaves the request pending.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.exceptions import ContractsError
from contracts.models import ContactChangeRequest, ContactChangeStatus
from contracts.services.contacts import contact_change_approve, contact_change_reject

_PENDING_FIRST = Case(
    When(status=ContactChangeStatus.PENDING, then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
)


@admin.register(ContactChangeRequest)
class ContactChangeRequestAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "customer",
        "action",
        "name",
        "email",
        "requested_by",
        "status",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status", "action", "customer"]
    list_select_related = ["customer", "requested_by", "decided_by"]
    search_fields = ["name", "email", "customer__name", "requested_by__name"]
    actions = ["approve_selected", "reject_selected"]
    change_form_template = "admin/contracts/contactchangerequest/change_form.html"
    reject_template = "admin/contracts/contactchangerequest/reject.html"

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        return [_PENDING_FIRST.asc(), "-created_at"]

    fields = readonly_fields = (
        "customer",
        "requested_by",
        "contract_list",
        "action",
        "name",
        "email",
        "note",
        "created_at",
        "status",
        "decided_by",
        "decided_at",
        "decision_note",
        "contact",
    )

    @admin.display(description=_("contracts"))
    def contract_list(self, obj: ContactChangeRequest) -> str:
        return ", ".join(c.reference for c in obj.contracts.all()) or "-"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # requests come from the customer's support services manager (portal)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        request_row = self.get_object(request, unquote(object_id))
        if request.method == "POST" and request_row is not None:
            # The page has no editable fields: a POST is a decision or nothing.
            if not self.has_change_permission(request, request_row):
                raise PermissionDenied
            decision = _decision(request)
            if decision:
                self._decide(request, request_row, decision, request.POST.get("decision_note", ""))
            return redirect(request.path)
        can_decide = (
            request_row is not None
            and request_row.status == ContactChangeStatus.PENDING
            and self.has_change_permission(request, request_row)
        )
        context = {**(extra_context or {}), "can_decide": can_decide}
        return super().change_view(request, object_id, form_url, context)

    def _decide(
        self, request: HttpRequest, request_row: ContactChangeRequest, decision: str, note: str
    ) -> bool:
        now, actor = timezone.now(), cast(User, request.user)
        try:
            if decision == "approve":
                contact_change_approve(request=request_row, now=now, actor=actor, note=note)
            else:
                contact_change_reject(request=request_row, note=note, now=now, actor=actor)
        except ContractsError as exc:
            self.message_user(request, str(exc), level=messages.ERROR)
            return False
        self.log_change(request, request_row, [{"changed": {"fields": ["status"]}}])
        done = _("approved") if decision == "approve" else _("rejected")
        self.message_user(
            request,
            gettext("Request #%(pk)s %(done)s.") % {"pk": request_row.pk, "done": done},
        )
        return True

    @admin.action(description=_("Approve the selected requests"), permissions=["change"])
    def approve_selected(
        self, request: HttpRequest, queryset: QuerySet[ContactChangeRequest]
    ) -> None:
        for request_row in queryset.filter(status=ContactChangeStatus.PENDING).order_by("pk"):
            self._decide(request, request_row, "approve", "")

    @admin.action(description=_("Reject the selected requests…"), permissions=["change"])
    def reject_selected(
        self, request: HttpRequest, queryset: QuerySet[ContactChangeRequest]
    ) -> TemplateResponse | HttpResponseRedirect | None:
        """An intermediate page asks for the reason (required), then rejects each request."""
        pending = queryset.filter(status=ContactChangeStatus.PENDING).order_by("pk")
        note = request.POST.get("decision_note", "").strip()
        if request.POST.get("confirm") and note:
            for request_row in pending:
                self._decide(request, request_row, "reject", note)
            return None
        if request.POST.get("confirm"):
            self.message_user(
                request, gettext("Give the reason for the rejection."), level=messages.ERROR
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Reject named-contact requests"),
            "requests": list(pending.select_related("customer")),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, self.reject_template, context)


def _decision(request: HttpRequest) -> str:
    if "_approve" in request.POST:
        return "approve"
    if "_reject" in request.POST:
        return "reject"
    return ""
