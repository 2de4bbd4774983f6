"""Contracts in the back-office: dates, contact roles (D14), escalation set-up (D10)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.admin.oncall import contract_oncall_message
from contracts.admin.terms import (
    ContractNoticeInline,
    ContractTermEventInline,
    ContractTermsAdminMixin,
)
from contracts.exceptions import ContractsError
from contracts.models import (
    ContactRole,
    Contract,
    ContractStatus,
    EntitlementMovement,
    EscalationContact,
    EscalationPolicy,
)
from contracts.models.parties import ContactRoleKind
from contracts.selectors import (
    contact_role_problem,
    contract_date_problems,
    contract_escalation_problems,
    contract_manager_missing,
)
from contracts.selectors_people import staff_choices
from contracts.services.contracts import contract_package_upgrade, contract_version_bump


class ContactRoleFormSet(forms.BaseInlineFormSet):
    """Checks the submitted roles as a whole against the contract's limits (D14)."""

    def clean(self) -> None:
        super().clean()
        kept = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("contact")
        ]
        named = sum(1 for data in kept if data["role"] == ContactRoleKind.NAMED_CONTACT)
        managers = [d for d in kept if d["role"] == ContactRoleKind.SUPPORT_SERVICES_MANAGER]
        if len(managers) > 1:
            raise ValidationError(_("A contract has exactly one support services manager."))
        contract = self.instance
        if not hasattr(contract, "package"):
            return
        if (
            not managers
            and contract.package.requires_support_services_manager
            and contract.status == ContractStatus.ACTIVE
        ):
            raise ValidationError(
                gettext(
                    "The %(package)s package needs exactly one support services manager: "
                    "add one here, or save the contract as a draft."
                )
                % {"package": contract.package.name}
            )
        if contract.pk is None:
            return
        for data in kept:
            if data["role"] == ContactRoleKind.SUPPORT_SERVICES_MANAGER:
                continue  # checked above over the submitted set
            problem = contact_role_problem(
                contact=data["contact"],
                contract=contract,
                role=data["role"],
                named_contacts_after=named,
            )
            if problem:
                raise ValidationError(problem)


class ContactRoleInline(admin.TabularInline):
    model = ContactRole
    formset = ContactRoleFormSet
    extra = 0
    autocomplete_fields = ["contact"]


class ContractAdminForm(forms.ModelForm):
    """Date consistency as field errors, not a database error (D18)."""

    class Meta:
        model = Contract
        fields = [
            "reference",
            "customer",
            "provider",
            "package",
            "calendar",
            "status",
            "start_date",
            "go_live_date",
            "end_date",
            "renewal_date",
            "renewal_notice_deadline",
            "auto_renew",
            "hosting",
            "named_contact_cap",
            "csam",
            "services",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        csam = self.fields.get("csam")
        if isinstance(csam, forms.ModelChoiceField):
            csam.queryset = staff_choices(keep=self.instance.csam_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problems = contract_date_problems(
            start=data.get("start_date"),
            go_live=data.get("go_live_date"),
            end=data.get("end_date"),
            renewal=data.get("renewal_date"),
            notice_deadline=data.get("renewal_notice_deadline"),
        )
        for field, message in problems.items():
            self.add_error(field, message)
        return data


class EntitlementMovementInline(admin.TabularInline):
    """The ledger (D20): movements are added, never edited; the balance is their sum."""

    model = EntitlementMovement
    extra = 0
    fields = ["kind", "quantity", "reason", "occurred_at", "recorded_by"]

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        if db_field.name == "recorded_by":
            kwargs["queryset"] = staff_choices()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EscalationPolicyInline(admin.StackedInline):
    """A contract's own escalation policy; without one the catalogue's applies (D10)."""

    model = EscalationPolicy
    extra = 0
    max_num = 1
    exclude = ["release", "packages"]


class EscalationContactInline(admin.TabularInline):
    model = EscalationContact
    extra = 0
    fields = ["level", "role", "name", "email", "phone"]


@admin.register(Contract)
class ContractAdmin(ContractTermsAdminMixin, admin.ModelAdmin):
    form = ContractAdminForm
    list_display = [
        "reference",
        "customer",
        "provider",
        "package",
        "status",
        "start_date",
        "end_date",
        "next_deadline",
        "version",
    ]
    list_filter = ["provider", "status"]
    search_fields = ["reference", "customer__name"]
    list_select_related = ["customer", "provider", "package__release__provider"]
    readonly_fields = ["version", "escalation_configuration", "next_deadline", "notice_link"]
    autocomplete_fields = ["customer"]
    inlines = [
        ContactRoleInline,
        EscalationContactInline,
        EscalationPolicyInline,
        EntitlementMovementInline,
        ContractNoticeInline,
        ContractTermEventInline,
    ]

    @admin.display(description=_("escalation configuration"))
    def escalation_configuration(self, obj: Contract) -> str:
        """Gaps an escalation would hit, shown before it needs them (D10)."""
        if obj.pk is None:
            return "-"
        problems = contract_escalation_problems(obj)
        return "; ".join(problems) if problems else str(_("complete"))

    actions = ["move_to_current_catalogue"]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "GET":
            contract = self.get_object(request, unquote(object_id))
            if contract is not None:
                self._warn_configuration(request, contract)
        return super().change_view(request, object_id, form_url, extra_context)

    def _warn_configuration(self, request: HttpRequest, contract: Contract) -> None:
        """The gaps an escalation or a submission would hit, at the top of the page (D10, D14)."""
        problems = contract_escalation_problems(contract)
        if problems:
            messages.warning(
                request,
                gettext(
                    "Escalation is not fully set up for %(package)s: %(problems)s. Add the "
                    "level 1 and level 2 contacts below before a ticket needs them."
                )
                % {"package": contract.package.name, "problems": "; ".join(problems)},
            )
        oncall = contract_oncall_message(contract, now=timezone.now())
        if oncall:
            messages.warning(request, oncall)
        if contract_manager_missing(contract):
            messages.warning(
                request,
                gettext("This contract has no support services manager; the package needs one."),
            )

    def save_model(self, request: HttpRequest, obj: Contract, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            contract_version_bump(contract=obj, changed=form.changed_data)

    @admin.action(description=_("Move to the current catalogue version of the package"))
    def move_to_current_catalogue(self, request: HttpRequest, queryset: Any) -> None:
        for contract in queryset.select_related("package__release"):
            try:
                moved = contract_package_upgrade(contract=contract)
            except ContractsError as exc:
                self.message_user(request, str(exc), level=messages.ERROR)
                continue
            self.message_user(request, f"{moved.reference}: {moved.package} (v{moved.version})")


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(admin.ModelAdmin):
    """Catalogue defaults are read-only history; contract policies are edited on the contract."""

    list_display = [
        "__str__",
        "warning_percent",
        "level2_unacknowledged_seconds",
        "renotify_seconds",
        "manual_level3",
    ]
    list_select_related = ["release__provider", "contract"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is not None and obj.contract_id is not None


@admin.register(EscalationContact)
class EscalationContactAdmin(admin.ModelAdmin):
    """Catalogue contacts (with a release) are read-only history; a contract's own are edited
    here or on the contract (D3)."""

    list_display = ["level", "role", "name", "email", "release", "contract"]
    list_filter = ["level"]
    list_select_related = ["release__provider", "contract__customer"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.release_id is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.release_id is not None:
            return False
        return super().has_delete_permission(request, obj)

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None and obj.release_id is not None:
            return []
        return ["release", "packages"]  # new rows belong to a contract; the catalogue's to files
