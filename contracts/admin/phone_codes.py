"""Out-of-hours phone codes in the admin (issue #13 §2): the coordinators issue a code for a
CBG Extra contract (it waits until the customer's manager reveals it in the portal), rotate it
and revoke it, each through the service. Nobody at the provider sees the code or its hash."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.admin.secrets import SecretLookupsRefused
from contracts.models import ClockKind, Contract, PhoneCode
from contracts.selectors_phone_codes import phone_code_state, phone_code_state_label
from contracts.services.phone_codes import phone_code_issue, phone_code_revoke, phone_code_rotate
from contracts.staff_scope import staff_rows


class PhoneCodeIssueForm(forms.ModelForm):
    class Meta:
        model = PhoneCode
        fields = ["contract", "ends_at"]
        help_texts = {"ends_at": _("Empty: the code ends with the contract.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only contracts whose package has the out-of-hours business-critical line.
        self.fields["contract"].queryset = Contract.objects.filter(  # type: ignore[attr-defined]
            package__policies__is_default=False,
            package__policies__targets__clock_kind=ClockKind.ALWAYS,
            package__policies__targets__business_critical=True,
        ).distinct()


@admin.register(PhoneCode)
class PhoneCodeAdmin(SecretLookupsRefused, admin.ModelAdmin):
    secret_fields = ("code_hash",)
    form = PhoneCodeIssueForm
    list_display = ["contract", "customer", "state", "issued_at", "revealed_at", "ends_at"]
    list_select_related = ["contract__customer"]
    search_fields = ["contract__reference", "contract__customer__name"]
    actions = ["rotate_selected", "revoke_selected"]
    readonly_fields = (
        "state",
        "issued_at",
        "issued_by",
        "revealed_at",
        "revealed_to",
        "revoked_at",
        "revoked_by",
        "rotated",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[PhoneCode]:
        return staff_rows(request.user, super().get_queryset(request))

    def get_fields(self, request: HttpRequest, obj: PhoneCode | None = None) -> Any:
        if obj is None:
            return ["contract", "ends_at"]
        return ["contract", "ends_at", *self.readonly_fields]

    def get_readonly_fields(self, request: HttpRequest, obj: PhoneCode | None = None) -> Any:
        return (
            self.readonly_fields if obj is None else ("contract", "ends_at", *self.readonly_fields)
        )

    @admin.display(description=_("customer"))
    def customer(self, obj: PhoneCode) -> str:
        return obj.contract.customer.name

    @admin.display(description=_("state"))
    def state(self, obj: PhoneCode) -> str:
        return phone_code_state_label(phone_code_state(obj, timezone.now()))

    def save_model(self, request: HttpRequest, obj: PhoneCode, form: Any, change: bool) -> None:
        if change:
            return  # a code is never edited: rotate or revoke it
        issued = phone_code_issue(
            contract=obj.contract,
            actor=request.user,  # type: ignore[arg-type]
            now=timezone.now(),
            ends_at=obj.ends_at,
        )
        obj.pk = issued.pk
        obj.refresh_from_db()

    def has_delete_permission(self, request: HttpRequest, obj: PhoneCode | None = None) -> bool:
        return False  # revoked, never deleted

    @admin.action(description=_("Replace with a new code (rotate)"), permissions=["change"])
    def rotate_selected(self, request: HttpRequest, queryset: QuerySet[PhoneCode]) -> None:
        now = timezone.now()
        contracts = {code.contract for code in queryset.select_related("contract__package")}
        for contract in contracts:
            phone_code_rotate(contract=contract, actor=request.user, now=now)  # type: ignore[arg-type]
        messages.success(
            request,
            gettext(
                "New codes issued: %(count)d. The customer's support services manager sees "
                "the new code once in the portal."
            )
            % {"count": len(contracts)},
        )

    @admin.action(description=_("Revoke the selected codes"), permissions=["change"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[PhoneCode]) -> None:
        now = timezone.now()
        live = list(queryset.filter(revoked_at__isnull=True))
        for code in live:
            phone_code_revoke(code=code, actor=request.user, now=now)  # type: ignore[arg-type]
        messages.success(request, gettext("Codes revoked: %(count)d.") % {"count": len(live)})
