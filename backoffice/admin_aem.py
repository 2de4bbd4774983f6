"""Azure Event Management events in the back-office (SPEC §2.7): staff plan an event for a
customer (the same planning service and rules as the portal's), record the provider's agreement
to a short-notice event, and read each event's post-event summary. Rows are read-only once
planned: the agreement is an action, which needs the change permission (the support
coordinators, backoffice.0006); every other provider role reads, a CSAM their own contracts'.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.exceptions import ContractsError
from contracts.models import AemEvent
from contracts.services.events import (
    AemEventInput,
    aem_event_agree,
    aem_event_problems,
    aem_event_short_notice_warning,
)
from escalation.services.aem import AemEventRequest, aem_case_line, aem_event_plan
from tickets.admin_files import StoredField, stored_file_link, stored_file_route
from tickets.selectors_aem import aem_event_summary
from tickets.services.uploads import upload_batch_problem, uploaded_names_check


class AemEventAddForm(forms.ModelForm):
    assessment = forms.FileField(label=_("Pre-event assessment"), required=False)

    class Meta:
        model = AemEvent
        fields = [
            "contract",
            "solution",
            "is_retail",
            "starts_on",
            "ends_on",
            "confirmed_at",
            "notes",
        ]

    def event_input(self) -> AemEventInput:
        data = self.cleaned_data
        return AemEventInput(
            contract=data["contract"],
            solution=data["solution"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            is_retail=data["is_retail"],
            confirmed_at=data["confirmed_at"],
            notes=data["notes"],
        )

    def clean_assessment(self) -> Any:
        """The upload rules of every door, here so a refused file is an error on the form."""
        upload = self.cleaned_data.get("assessment")
        if not upload:
            return upload
        too_large = upload_batch_problem([upload])
        refusals = [too_large] if too_large else uploaded_names_check([upload])
        if refusals:
            raise forms.ValidationError(refusals)
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needed = ("contract", "solution", "starts_on", "ends_on", "confirmed_at")
        if all(data.get(name) is not None for name in needed):
            for field, problem in aem_event_problems(
                self.event_input(), now=timezone.now()
            ).items():
                self.add_error(field if field in self.fields else None, problem)
        return data


@admin.register(AemEvent)
class AemEventAdmin(admin.ModelAdmin):
    list_display = [
        "solution",
        "contract",
        "starts_on",
        "ends_on",
        "is_retail",
        "status",
        "short_notice",
        "agreed_by",
        "summary_sent_at",
    ]
    list_filter = ["status", "is_retail", "short_notice"]
    list_select_related = ["contract", "agreed_by"]
    search_fields = ["solution", "contract__reference", "contract__customer__name"]
    actions = ["agree_short_notice"]
    readonly_fields = ["summary"]
    exclude = ["assessment_file"]  # shown as `assessment`, a link to the download view

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = AemEventAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return []
        shown = [f.name for f in AemEvent._meta.fields if f.name != "id"]
        # The file is linked to this page's download view, never to the stored file.
        return [name if name != "assessment_file" else "assessment" for name in shown] + ["summary"]

    def get_urls(self) -> list[URLPattern]:
        stored = StoredField("assessment_file", "assessment_filename", "assessment_content_type")
        route = stored_file_route(self, "assessment", "contracts_aemevent_assessment", stored)
        return [route, *super().get_urls()]

    @admin.display(description=_("Pre-event assessment"))
    def assessment(self, obj: AemEvent) -> str:
        return stored_file_link(
            obj, "assessment_file", "admin:contracts_aemevent_assessment", obj.assessment_filename
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A planned event is not edited (its page reads); the change permission is the action's.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return
        now = timezone.now()
        data = form.event_input()
        warning = aem_event_short_notice_warning(data, now=now)
        # The form checked the rules; a refusal now (a file) is shown by the domain-error mapping.
        event = aem_event_plan(
            request=AemEventRequest(
                data=data,
                document=form.cleaned_data.get("assessment"),
                requested_by_user=request.user,  # type: ignore[arg-type]
            ),
            now=now,
        )
        obj.pk = event.pk
        if warning:
            messages.warning(request, warning)

    @admin.display(description=_("Post-event summary"))
    def summary(self, obj: AemEvent) -> str:
        if obj.pk is None:
            return "—"
        summary = aem_event_summary(obj)
        english = (request_language() or "").startswith("en")
        lines = format_html_join(
            "",
            "<li>{}: {}</li>",
            ((c.number, aem_case_line(c, english=english)) for c in summary.cases),
        )
        return format_html(
            "<p>{}</p><ul>{}</ul>",
            gettext("%(opened)s cases opened under the event's targets, %(open)s still open.")
            % {"opened": summary.opened, "open": summary.still_open},
            lines,
        )

    @admin.action(
        description=_("Agree to the short notice (the event's targets apply)"),
        permissions=["change"],
    )
    def agree_short_notice(self, request: HttpRequest, queryset: QuerySet[AemEvent]) -> None:
        now = timezone.now()
        for event in queryset:
            try:
                aem_event_agree(event=event, user=request.user, now=now)  # type: ignore[arg-type]
            except ContractsError as refused:
                messages.error(request, f"{event}: {refused}")
            else:
                messages.success(request, gettext("Agreed: %(event)s") % {"event": event})


def request_language() -> str:
    from django.utils.translation import get_language

    return get_language() or "nl"
