"""Data-subject requests and the retention log in the back-office (issue #15 §3).

Coordinators record a request (the person, how and when it came); an access request is
answered with "Build the export" and its ZIP downloaded from the request; an erasure opens a
confirmation page that shows, per table, what the erasure will change and asks for the
request's reference to be typed. Nothing is edited or deleted afterwards."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.exceptions import DomainError
from privacy.downloads import dsr_export_response
from privacy.models import DataSubjectRequest, RetentionRun
from privacy.services.erasure import (
    CONFIRM_PERMISSION,
    dsr_erasure_confirm,
    dsr_erasure_preview,
)
from privacy.services.exports import dsr_export_build
from privacy.services.requests import dsr_record

CHANGE_PERMISSION = "privacy.change_datasubjectrequest"
VIEW_PERMISSION = "privacy.view_datasubjectrequest"


class DataSubjectRequestForm(forms.ModelForm):
    class Meta:
        model = DataSubjectRequest
        fields = ["contact", "kind", "received_at", "received_via", "note"]
        help_texts = {
            "note": _("What the request says and how the person was identified; no copies of ID."),
        }


class ErasureConfirmForm(forms.Form):
    reference = forms.CharField(
        label=_("Type the request's reference to confirm"), max_length=12, strip=True
    )


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(admin.ModelAdmin):
    form = DataSubjectRequestForm
    change_form_template = "admin/privacy/datasubjectrequest/change_form.html"
    erase_template = "admin/privacy/datasubjectrequest/erase.html"
    list_display = ["reference", "kind", "status", "contact", "customer", "received_at"]
    list_filter = ["kind", "status"]
    list_select_related = ["contact", "customer"]
    search_fields = ["reference", "contact__name", "contact__email", "customer__name"]
    autocomplete_fields = ["contact"]
    readonly_fields = (
        "reference",
        "kind",
        "status",
        "contact",
        "customer",
        "received_at",
        "received_via",
        "note",
        "recorded_at",
        "recorded_by",
        "confirmed_at",
        "confirmed_by",
        "completed_at",
        "result",
        "export_expires_at",
    )

    def get_fields(self, request: HttpRequest, obj: DataSubjectRequest | None = None) -> Any:
        if obj is None:
            return DataSubjectRequestForm.Meta.fields
        return self.readonly_fields

    def get_readonly_fields(
        self, request: HttpRequest, obj: DataSubjectRequest | None = None
    ) -> Any:
        return () if obj is None else self.readonly_fields

    def has_delete_permission(
        self, request: HttpRequest, obj: DataSubjectRequest | None = None
    ) -> bool:
        return False  # the log of what was done stays

    def save_model(
        self, request: HttpRequest, obj: DataSubjectRequest, form: Any, change: bool
    ) -> None:
        if change:
            return  # a request is never edited
        recorded = dsr_record(
            contact=obj.contact,
            kind=obj.kind,
            received_at=obj.received_at,
            received_via=obj.received_via,
            note=obj.note,
            actor=request.user,  # type: ignore[arg-type]
            now=timezone.now(),
        )
        obj.pk = recorded.pk
        obj.refresh_from_db()

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<path:object_id>/erase/",
                self.admin_site.admin_view(self.erase_view),
                name="privacy_datasubjectrequest_erase",
            ),
            path(
                "<path:object_id>/export/",
                self.admin_site.admin_view(self.export_view),
                name="privacy_datasubjectrequest_export",
            ),
            path(
                "<path:object_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="privacy_datasubjectrequest_download",
            ),
        ]
        return own + super().get_urls()

    def _request(self, request: HttpRequest, object_id: str, permission: str) -> Any:
        if not request.user.has_perm(permission):
            raise PermissionDenied
        found = self.get_object(request, unquote(object_id))
        if found is None:
            raise Http404(gettext("No such request."))
        return found

    def erase_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """GET: what the erasure will change, per table; POST: erase, with the reference."""
        dsr = self._request(request, object_id, CONFIRM_PERMISSION)
        form = ErasureConfirmForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                dsr_erasure_confirm(
                    request=dsr,
                    actor=request.user,  # type: ignore[arg-type]
                    reference=form.cleaned_data["reference"],
                    now=timezone.now(),
                )
            except DomainError as exc:
                form.add_error("reference", str(exc))
            else:
                messages.success(request, gettext("The person's data has been erased."))
                return redirect("admin:privacy_datasubjectrequest_change", dsr.pk)
        try:
            preview = dsr_erasure_preview(request=dsr, now=timezone.now())
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect("admin:privacy_datasubjectrequest_change", dsr.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": DataSubjectRequest._meta,
            "title": gettext("Erase the data of %(person)s") % {"person": dsr.contact.name},
            "dsr": dsr,
            "preview": sorted(preview.items()),
            "form": form,
        }
        return TemplateResponse(request, self.erase_template, context)

    def export_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        dsr = self._request(request, object_id, CHANGE_PERMISSION)
        if request.method != "POST":
            return redirect("admin:privacy_datasubjectrequest_change", dsr.pk)
        dsr_export_build(request=dsr, actor=request.user, now=timezone.now())  # type: ignore[arg-type]
        messages.success(request, gettext("The export is ready to download."))
        return redirect("admin:privacy_datasubjectrequest_change", dsr.pk)

    def download_view(self, request: HttpRequest, object_id: str) -> HttpResponseBase:
        dsr = self._request(request, object_id, VIEW_PERMISSION)
        return dsr_export_response(dsr)


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = ["run_on", "started_at", "cutoff", "result"]
    fields = readonly_fields = ("run_on", "started_at", "cutoff", "result")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
