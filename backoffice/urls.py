"""Back-office pages, mounted under /admin/backoffice/ and wrapped in the admin's login check."""

from collections.abc import Callable

from django.contrib import admin
from django.http import HttpResponse
from django.urls import URLPattern, path

from backoffice.views import (
    api_tokens,
    availability,
    billing,
    escalations,
    language,
    microsoft,
    microsoft_forms,
    new_ticket,
    oncall,
    reports,
    triage,
)
from backoffice.views.dashboard import dashboard, dashboard_csv
from tickets import converters  # noqa: F401  (registers the row_id converter)

app_name = "backoffice"

urlpatterns: list[URLPattern] = []


def admin_path(route: str, view: Callable[..., HttpResponse], name: str) -> URLPattern:
    return path(route, admin.site.admin_view(view), name=name)


# The staff dashboard (issue §4); admin_path is defined above, so the entries follow it.
urlpatterns += [
    admin_path("dashboard/", dashboard, "dashboard"),
    admin_path("dashboard.csv", dashboard_csv, "dashboard-csv"),
]

# Triage and escalations (issue §2); the ticket work page is the admin's own change page
# (backoffice/admin.py).
urlpatterns += [
    admin_path("triage/", triage.triage_list, "triage"),
    admin_path("triage/<row_id:pk>/", triage.triage_detail, "triage-detail"),
    admin_path("escalations/", escalations.escalation_list, "escalations"),
    admin_path("language/", language.language_switch, "language"),
]

# The first line registers a phone call, a walk-in or a request on someone's behalf (issue #11 §3).
urlpatterns += [admin_path("tickets/new/", new_ticket.ticket_new, "ticket-new")]

# API tokens: a staff member's own, and every staff member's for those who manage them (#12 §1).
urlpatterns += [admin_path("api-tokens/", api_tokens.api_tokens, "api-tokens")]

# The on-call rota as a week or month grid with its gaps (issue #13 §1).
urlpatterns += [admin_path("oncall/", oncall.oncall_rota, "oncall")]

# Billing (issue #14 §4): a contract's ledger, a month's lines with their CSV, closing a month.
urlpatterns += [
    admin_path("billing/", billing.billing_month_page, "billing-month"),
    admin_path("billing.csv", billing.billing_month_csv, "billing-month-csv"),
    admin_path("billing/contracts/<int:pk>/", billing.contract_ledger_page, "billing-ledger"),
]

# A Microsoft work order's usage (issue #14 §2, §4): its page and a form per usage service.
urlpatterns += [
    admin_path("microsoft/<int:pk>/", microsoft.microsoft_usage_page, "ms-usage"),
    admin_path("microsoft/<int:pk>/purchase/", microsoft_forms.ms_purchase, "ms-purchase"),
    admin_path("microsoft/<int:pk>/rate/", microsoft_forms.ms_rate, "ms-rate"),
    admin_path("microsoft/<int:pk>/redeem/", microsoft_forms.ms_redeem, "ms-redeem"),
    admin_path(
        "microsoft/<int:pk>/requests/<int:request_pk>/cancel/",
        microsoft_forms.ms_cancel,
        "ms-cancel",
    ),
    admin_path(
        "microsoft/<int:pk>/requests/<int:request_pk>/reschedule/",
        microsoft_forms.ms_reschedule,
        "ms-reschedule",
    ),
    admin_path("microsoft/<int:pk>/changes/<int:change_pk>/fee/", microsoft_forms.ms_fee, "ms-fee"),
    admin_path("microsoft/<int:pk>/exchange/", microsoft_forms.ms_service_exchange, "ms-exchange"),
    admin_path("microsoft/<int:pk>/locations/add/", microsoft_forms.ms_location_add, "ms-location"),
    admin_path(
        "microsoft/<int:pk>/locations/exchange/",
        microsoft_forms.ms_location_exchange,
        "ms-location-exchange",
    ),
]

# A contract's availability per month or period (issue #15 §1).
urlpatterns += [
    admin_path("availability/", availability.availability_overview_page, "availability"),
    admin_path(
        "availability/contracts/<int:pk>/",
        availability.contract_availability_page,
        "contract-availability",
    ),
]

# Service review packs (issue #15 §2): the contracts to review and one contract's pack.
urlpatterns += [
    admin_path("reports/", reports.review_pack_index, "review-packs"),
    admin_path("reports/<int:pk>/", reports.review_pack_page, "review-pack"),
]
