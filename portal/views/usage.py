"""Usage in the portal (issue #14 §4): the support services manager sees the balances of the
organisation's contracts (Microsoft credits and EDE hours, a CBG subscription's minutes against
fair use) and the month's billable lines; a named contact sees the lines of its own tickets
(D15). `?contract=` narrows to one contract: another organisation's answers 404."""

from __future__ import annotations

from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from portal.access import contact_required
from portal.selectors import contact_is_manager, contracts_visible
from usage.selectors_pages import (
    contracts_usage,
    month_from_text,
    month_preceding,
    portal_month_lines,
)
from usage.services.months import display_zone, next_month


@contact_required
def usage_page(request: HttpRequest) -> HttpResponse:
    contact = request.contact  # type: ignore[attr-defined]
    today = timezone.now().astimezone(display_zone()).date()
    month, month_ok = month_from_text(request.GET.get("month"), default=today)
    contracts = contracts_visible(contact)
    chosen = request.GET.get("contract", "")
    if chosen:
        contracts = contracts.filter(pk=int(chosen) if chosen.isascii() and chosen.isdigit() else 0)
        if not contracts.exists():
            raise Http404("No such contract.")
    manager = contact_is_manager(contact)
    lines = list(
        portal_month_lines(
            contracts=contracts, month=month, own_tickets_of=None if manager else contact.pk
        )
    )
    context = {
        "manager": manager,
        "month": month,
        "month_ok": month_ok,
        "month_value": f"{month:%Y-%m}",
        "previous_month": f"{month_preceding(month):%Y-%m}",
        "next_month": f"{next_month(month):%Y-%m}",
        "contract_param": chosen,
        "usage": contracts_usage(contracts=contracts, month=month, today=today) if manager else [],
        "lines": lines,
        "total": sum((line.amount for line in lines), Decimal(0)),
    }
    return render(request, "portal/usage.html", context)
