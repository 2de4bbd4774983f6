"""A contract's term in the back-office (D18): its next deadline in the list and on its page,
its notice and the renewals and ends the daily job applied, and a page to record a notice as a
dated record through the notice service (a refusal is shown as the page's error message)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.exceptions import NoticeRefused
from contracts.models import Contract, ContractNotice, ContractTermEvent, NoticeParty
from contracts.selectors_events import local_day
from contracts.selectors_terms import contract_next_deadline, deadline_text
from contracts.services.notices import contract_notice_record


class ContractNoticeForm(forms.Form):
    received_on = forms.DateField(
        label=_("received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    given_by = forms.ChoiceField(label=_("given by"), choices=NoticeParty.choices)
    in_writing = forms.BooleanField(label=_("in writing"), required=False, initial=True)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ContractNoticeInline(ReadOnlyInline):
    """The notice as recorded; it is entered on its own page (the service computes its end)."""

    model = ContractNotice
    fields = readonly_fields = (
        "received_on",
        "given_by",
        "in_writing",
        "effective_end",
        "recorded_by",
        "note",
    )


class ContractTermEventInline(ReadOnlyInline):
    model = ContractTermEvent
    fk_name = "contract"
    fields = readonly_fields = ("kind", "on", "next_renewal", "successor", "occurred_at")


class ContractTermsAdminMixin:
    """Mixed into the contract admin: the next-deadline column and field, the notice page."""

    notice_template = "admin/contracts/contract/notice.html"

    @admin.display(description=_("next deadline"))
    def next_deadline(self, obj: Contract) -> str:
        if obj.pk is None:
            return "-"
        return deadline_text(contract_next_deadline(obj, local_day(timezone.now())))

    @admin.display(description=_("notice"))
    def notice_link(self, obj: Contract) -> str:
        if obj.pk is None:
            return "-"
        url = reverse("admin:contracts_contract_notice", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Record a notice"))

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "<path:object_id>/notice/",
                self.admin_site.admin_view(self.notice_view),  # type: ignore[attr-defined]
                name="contracts_contract_notice",
            )
        ]
        return own + super().get_urls()  # type: ignore[misc]

    def notice_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        contract = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if contract is None:
            raise PermissionDenied
        if not request.user.has_perm("contracts.add_contractnotice"):
            raise PermissionDenied
        form = ContractNoticeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                contract_notice_record(
                    contract=contract,
                    by=request.user,
                    now=timezone.now(),
                    **form.cleaned_data,
                )
            except NoticeRefused as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    gettext("Notice recorded; contract %(contract)s ends on %(end)s.")
                    % {
                        "contract": contract.reference,
                        "end": formats.date_format(contract.end_date, "DATE_FORMAT"),
                    },
                )
                return redirect("admin:contracts_contract_change", contract.pk)
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": Contract._meta,
            "title": gettext("Record a notice for %(contract)s") % {"contract": contract},
            "contract": contract,
            "next_deadline": self.next_deadline(contract),
            "form": form,
        }
        return TemplateResponse(request, self.notice_template, context)
