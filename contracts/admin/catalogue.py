"""The catalogue in the back-office: browsable history, never edited in place (D3).

Catalogue rows change only by loading a new catalogue file (python manage.py load_catalog); the
one exception is a calendar revision (contracts.admin.calendars), which adds a row.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import Count, IntegerField, Model, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from contracts.admin.oncall import provider_oncall_messages
from contracts.models import (
    BusinessCalendar,
    CatalogueRelease,
    CatalogueService,
    Package,
    Provider,
    ProviderChannel,
    ServiceInclusion,
    SlaPolicy,
    SlaTarget,
)


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

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # Issue #13 §1: a 24x7 promise with nobody on call, shown before a ticket needs it.
        provider = self.get_object(request, unquote(object_id))
        if request.method == "GET" and provider is not None:
            for message in provider_oncall_messages(provider, now=timezone.now()):
                messages.warning(request, message)
        return super().change_view(request, object_id, form_url, extra_context)


def _count_per_release(model: type[Model]) -> Coalesce:
    """A correlated count: one subquery per column instead of joins that multiply rows."""
    counted = (
        model._default_manager.filter(release=OuterRef("pk"))
        .order_by()
        .values("release")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@admin.register(CatalogueRelease)
class CatalogueReleaseAdmin(ReadOnlyAdmin):
    list_display = [
        "provider",
        "version",
        "is_current",
        "loaded_at",
        "calendar_count",
        "package_count",
        "service_count",
        "policy_count",
        "source_name",
    ]
    list_filter = ["provider", "is_current"]
    list_select_related = ["provider"]
    fields = readonly_fields = (
        "provider",
        "version",
        "is_current",
        "loaded_at",
        "source_name",
        "sha256",
        "contents",
        "source",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[CatalogueRelease]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                calendars_n=_count_per_release(BusinessCalendar),
                packages_n=_count_per_release(Package),
                services_n=_count_per_release(CatalogueService),
                policies_n=_count_per_release(SlaPolicy),
            )
        )

    @admin.display(description=_("calendars"), ordering="calendars_n")
    def calendar_count(self, obj: Any) -> int:
        return int(obj.calendars_n)

    @admin.display(description=_("packages"), ordering="packages_n")
    def package_count(self, obj: Any) -> int:
        return int(obj.packages_n)

    @admin.display(description=_("services"), ordering="services_n")
    def service_count(self, obj: Any) -> int:
        return int(obj.services_n)

    @admin.display(description=_("SLA policies"), ordering="policies_n")
    def policy_count(self, obj: Any) -> int:
        return int(obj.policies_n)

    @admin.display(description=_("contents"))
    def contents(self, obj: Any) -> str:
        return str(
            _("%(c)s calendars, %(p)s packages, %(s)s services, %(sla)s SLA policies")
            % {
                "c": obj.calendars_n,
                "p": obj.packages_n,
                "s": obj.services_n,
                "sla": obj.policies_n,
            }
        )

    @admin.display(description=_("source text"))
    def source(self, obj: CatalogueRelease) -> str:
        return format_html('<pre class="catalogue-source">{}</pre>', obj.source_text)


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

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
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

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
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
