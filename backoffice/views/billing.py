"""Billing in the back-office (issue #14 §4): a contract's ledger, a month's billable lines with
their CSV for the invoicing system, and closing a month.

Reading needs `usage.view_billingline` (coordinators, service support managers, a CSAM for
their own contracts); closing a month needs `usage.add_billingmonth` (the coordinators), and
the service checks the role again. Nothing here edits a line: the ledger is append-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.access import require_perm
from contracts.exceptions import DomainError
from contracts.models import Contract, Customer, Provider
from contracts.staff_scope import staff_rows
from usage.models import BillingLine, BillingMonth
from usage.selectors_pages import (
    contract_ledger,
    month_csv_text,
    month_from_text,
    month_lines,
)
from usage.services.months import billing_month_close, display_zone

READ = "usage.view_billingline"
CLOSE = "usage.add_billingmonth"


def contract_ledger_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_perm(request, READ)
    contract = get_object_or_404(
        staff_rows(user, Contract.objects.select_related("customer", "provider", "package")), pk=pk
    )
    rows = contract_ledger(contract)
    context = {
        **admin.site.each_context(request),
        "title": _("Billing ledger of %(contract)s") % {"contract": contract.reference},
        "contract": contract,
        "rows": rows,
        "total": rows[-1].running_total if rows else Decimal(0),
    }
    return TemplateResponse(request, "backoffice/billing_ledger.html", context)


@dataclass(frozen=True)
class MonthFilter:
    month: date
    month_ok: bool
    provider: Provider | None
    customer: Customer | None

    def query(self) -> str:
        parts = [f"month={self.month:%Y-%m}"]
        if self.provider:
            parts.append(f"provider={self.provider.pk}")
        if self.customer:
            parts.append(f"customer={self.customer.pk}")
        return "&".join(parts)


def _month_filter(request: HttpRequest, user: User) -> MonthFilter:
    today = timezone.now().astimezone(display_zone()).date()
    data = request.POST if request.method == "POST" else request.GET
    month, ok = month_from_text(data.get("month"), default=today)
    providers = staff_rows(user, Provider.objects.all())
    customers = staff_rows(user, Customer.objects.all())
    return MonthFilter(
        month=month,
        month_ok=ok,
        provider=providers.filter(pk=_int(data.get("provider"))).first(),
        customer=customers.filter(pk=_int(data.get("customer"))).first(),
    )


def _lines(user: User, chosen: MonthFilter) -> QuerySet[BillingLine]:
    contracts = staff_rows(user, Contract.objects.all())
    if chosen.provider:
        contracts = contracts.filter(provider=chosen.provider)
    if chosen.customer:
        contracts = contracts.filter(customer=chosen.customer)
    return month_lines(contracts=contracts, month=chosen.month)


def billing_month_page(request: HttpRequest) -> HttpResponse:
    user = require_perm(request, READ)
    if request.method == "POST":
        return _close(request)
    chosen = _month_filter(request, user)
    lines = list(_lines(user, chosen))
    providers = staff_rows(user, Provider.objects.order_by("name"))
    closed = BillingMonth.objects.filter(
        month=chosen.month, provider__in=providers.values("pk")
    ).select_related("provider", "closed_by")
    context = {
        **admin.site.each_context(request),
        "title": _("Billable lines per month"),
        "chosen": chosen,
        "month_value": f"{chosen.month:%Y-%m}",
        "providers": providers,
        "customers": staff_rows(user, Customer.objects.order_by("name")),
        "lines": lines,
        "total": sum((line.amount for line in lines), Decimal(0)),
        "closed": [c for c in closed if not chosen.provider or c.provider_id == chosen.provider.pk],
        "may_close": user.has_perm(CLOSE) and chosen.provider is not None,
    }
    return TemplateResponse(request, "backoffice/billing_month.html", context)


def _close(request: HttpRequest) -> HttpResponse:
    user = require_perm(request, CLOSE)
    chosen = _month_filter(request, user)
    if chosen.provider is None or not chosen.month_ok:
        messages.error(request, _("Choose a provider and a month to close."))
    else:
        try:
            billing_month_close(
                provider=chosen.provider, month=chosen.month, by=user, now=timezone.now()
            )
        except DomainError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                _("%(month)s is closed for %(provider)s; later changes land in the next month.")
                % {"month": f"{chosen.month:%Y-%m}", "provider": chosen.provider.name},
            )
    return HttpResponseRedirect(f"{reverse('backoffice:billing-month')}?{chosen.query()}")


def billing_month_csv(request: HttpRequest) -> HttpResponse:
    user = require_perm(request, READ)
    chosen = _month_filter(request, user)
    if not chosen.month_ok:
        message = _("Give the month as YYYY-MM.")
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    text = month_csv_text(_lines(user, chosen))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = f"billing-{chosen.provider.code + '-' if chosen.provider else ''}{chosen.month:%Y-%m}"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _int(text: str | None) -> int:
    return int(text) if text and text.isascii() and text.isdigit() else 0
