"""A contract's availability in the back-office (issue #15 §1): per month and service the
office-hours and outside-hours availability against the targets, interruptions against the
maximum, the broken promises highlighted like SLA breaches, the outages counted and left out
with the reason, and the maintenance performed. Every provider role reads it (the view
permission of monitored services, backoffice.0011); a CSAM their own contracts only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from availability.selectors_pages import availability_report, period_from_text
from backoffice.access import require_perm
from contracts.models import Contract
from contracts.selectors_events import local_day
from contracts.staff_scope import staff_rows

READ = "availability.view_monitoredservice"


def contract_availability_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_perm(request, READ)
    contract = get_object_or_404(
        staff_rows(user, Contract.objects.select_related("customer", "provider", "package")), pk=pk
    )
    now = timezone.now()
    period = period_from_text(
        month=request.GET.get("month"),
        start=request.GET.get("start"),
        end=request.GET.get("end"),
        today=local_day(now),
    )
    report = availability_report(contract=contract, period=period, now=now)
    context = {
        **admin.site.each_context(request),
        "title": _("Availability of %(contract)s") % {"contract": contract.reference},
        "contract": contract,
        "report": report,
        "period": period,
        "single_month": period.first == period.last,
    }
    return TemplateResponse(request, "backoffice/availability.html", context)


def availability_overview_page(request: HttpRequest) -> HttpResponse:
    """The contracts with monitored services the user sees, with this month's broken promises
    so far: a few queries per contract (the dashboard only links here)."""
    user = require_perm(request, READ)
    now = timezone.now()
    period = period_from_text(month=None, start=None, end=None, today=local_day(now))
    contracts = staff_rows(
        user,
        Contract.objects.filter(monitored_services__is_active=True)
        .distinct()
        .select_related("customer", "provider")
        .order_by("customer__name", "reference"),
    )
    rows = [
        availability_report(contract=contract, period=period, now=now, with_maintenance=False)
        for contract in contracts
    ]
    context = {
        **admin.site.each_context(request),
        "title": _("Availability this month"),
        "reports": rows,
        "period": period,
    }
    return TemplateResponse(request, "backoffice/availability_overview.html", context)
