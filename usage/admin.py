"""Back-office registrations: rates are edited per contract; the ledger, closed months and
fair-use flags are read-only (written by the usage services only)."""

from django.contrib import admin

from contracts.admin import ReadOnlyAdmin
from usage.models import BillingLine, BillingMonth, ContractBilling, FairUseFlag


@admin.register(ContractBilling)
class ContractBillingAdmin(admin.ModelAdmin):
    list_display = [
        "contract",
        "hourly_rate",
        "km_rate",
        "licence_fee",
        "licence_count",
        "vat_code",
    ]
    search_fields = ["contract__reference", "contract__customer__name"]
    list_select_related = ["contract"]
    autocomplete_fields = ["contract"]


@admin.register(BillingLine)
class BillingLineAdmin(ReadOnlyAdmin):
    list_display = [
        "month",
        "contract",
        "ticket",
        "category",
        "quantity",
        "unit",
        "rate",
        "amount",
        "vat_code",
        "corrects",
    ]
    list_filter = ["category", "month", "contract__provider"]
    search_fields = ["contract__reference", "contract__customer__name", "ticket__number", "source"]
    list_select_related = ["contract", "ticket", "corrects"]
    date_hierarchy = "month"


@admin.register(BillingMonth)
class BillingMonthAdmin(ReadOnlyAdmin):
    list_display = ["provider", "month", "closed_at", "closed_by"]
    list_filter = ["provider"]
    list_select_related = ["provider", "closed_by"]


@admin.register(FairUseFlag)
class FairUseFlagAdmin(ReadOnlyAdmin):
    list_display = ["contract", "month", "minutes", "licences", "minutes_per_licence"]
    list_filter = ["month"]
    list_select_related = ["contract"]
