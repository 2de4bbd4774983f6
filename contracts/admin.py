"""Admin registrations so coordinators can browse contracts and the catalogue.

Catalogue rows are versioned history (D3): they are read-only here and change only by loading
a new catalogue file (python manage.py load_catalog).
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from contracts.exceptions import ContractsError
from contracts.models import (
    BusinessCalendar,
    CatalogueRelease,
    CatalogueService,
    Contact,
    ContactRole,
    Contract,
    Customer,
    EntitlementMovement,
    EscalationContact,
    EscalationPolicy,
    Package,
    Provider,
    ProviderChannel,
    ServiceInclusion,
    SlaPolicy,
    SlaTarget,
)
from contracts.models.parties import ContactRoleKind
from contracts.selectors import contact_role_problem, contract_escalation_problems
from contracts.services.contracts import contract_package_upgrade, contract_version_bump


class ReadOnlyAdmin(admin.ModelAdmin):
    """History from the catalogue files: browsable, never edited in place."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    readonly_fields = ["code"]


@admin.register(CatalogueRelease)
class CatalogueReleaseAdmin(ReadOnlyAdmin):
    list_display = ["provider", "version", "is_current", "source_name", "loaded_at"]
    list_filter = ["provider", "is_current"]


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "timezone", "always_open", "holiday_country", "release"]
    list_filter = ["release__is_current"]
    list_select_related = ["release__provider"]


@admin.register(Package)
class PackageAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "code",
        "release",
        "precedence",
        "named_contact_min",
        "named_contact_max",
        "requires_named_contact",
        "billing_mode",
    ]
    list_filter = ["release__provider", "release__is_current"]
    list_select_related = ["release__provider"]


class ServiceInclusionInline(admin.TabularInline):
    model = ServiceInclusion
    extra = 0
    can_delete = False
    readonly_fields = ["package", "inclusion"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CatalogueService)
class CatalogueServiceAdmin(ReadOnlyAdmin):
    list_display = ["name", "category", "unit", "release"]
    list_filter = ["release__provider", "release__is_current", "category"]
    search_fields = ["name", "code", "notes"]
    list_select_related = ["release__provider"]
    inlines = [ServiceInclusionInline]


@admin.register(ProviderChannel)
class ProviderChannelAdmin(ReadOnlyAdmin):
    list_display = ["kind", "address", "preferred", "release"]
    list_filter = ["release__provider", "kind"]
    list_select_related = ["release__provider"]


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "request_type",
        "level",
        "label_en",
        "rank",
        "response_seconds",
        "resolution_seconds",
        "calendar",
        "clock_kind",
        "compliance_threshold",
        "is_assumption",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "resolution_start", "is_default", "release"]
    list_filter = ["release__provider", "release__is_current"]
    list_select_related = ["release__provider"]
    inlines = [SlaTargetInline]


@admin.register(SlaTarget)
class SlaTargetAdmin(ReadOnlyAdmin):
    list_display = [
        "policy",
        "level",
        "rank",
        "response_seconds",
        "resolution_seconds",
        "clock_kind",
        "calendar",
    ]
    list_filter = ["policy__release__provider", "clock_kind", "rank"]
    list_select_related = ["policy__release__provider", "calendar__release__provider"]


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
            raise ValidationError("A contract has exactly one support services manager (D14).")
        contract = self.instance
        if contract.pk is None or not hasattr(contract, "package"):
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


class ContactRoleForm(forms.ModelForm):
    class Meta:
        model = ContactRole
        fields = ["contact", "contract", "role"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("contact") and data.get("contract") and data.get("role"):
            problem = contact_role_problem(
                contact=data["contact"], contract=data["contract"], role=data["role"]
            )
            if problem:
                raise ValidationError(problem)
        return data


class EntitlementMovementInline(admin.TabularInline):
    """The ledger (D20): movements are added, never edited; the balance is their sum."""

    model = EntitlementMovement
    extra = 0
    fields = ["kind", "quantity", "reason", "occurred_at", "recorded_by"]

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
class ContractAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "customer",
        "provider",
        "package",
        "status",
        "start_date",
        "end_date",
        "version",
    ]
    list_filter = ["provider", "status"]
    search_fields = ["reference", "customer__name"]
    list_select_related = ["customer", "provider", "package__release__provider"]
    readonly_fields = ["version", "escalation_configuration"]
    autocomplete_fields = ["customer"]
    inlines = [
        ContactRoleInline,
        EscalationContactInline,
        EscalationPolicyInline,
        EntitlementMovementInline,
    ]

    @admin.display(description=_("escalation configuration"))
    def escalation_configuration(self, obj: Contract) -> str:
        """Gaps an escalation would hit, shown before it needs them (D10)."""
        if obj.pk is None:
            return "-"
        problems = contract_escalation_problems(obj)
        return "; ".join(problems) if problems else str(_("complete"))

    actions = ["move_to_current_catalogue"]

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
    list_display = ["level", "role", "name", "email", "release", "contract"]
    list_filter = ["level"]
    list_select_related = ["release__provider", "contract__customer"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "email", "phone", "language", "is_active"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "country", "licence_count", "is_active"]
    search_fields = ["name", "code"]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "customer", "is_active", "user"]
    list_filter = ["is_active", "customer"]
    search_fields = ["name", "email", "customer__name"]
    list_select_related = ["customer", "user"]
    autocomplete_fields = ["customer"]


@admin.register(ContactRole)
class ContactRoleAdmin(admin.ModelAdmin):
    form = ContactRoleForm
    list_display = ["contact", "role", "contract"]
    list_filter = ["role"]
    list_select_related = ["contact", "contract"]
    autocomplete_fields = ["contact"]
