"""Service review packs in the portal (issue #15 §2, D15): the customer's support services
manager opens the packs of the organisation's own contracts for a month, a quarter or a period,
as a page (charts beside their numbers) or as PDF, CSV or JSON, in the portal's language. A
named contact sees no pack (it covers every ticket of the contract, also those not shared with
them): 404, as another organisation's contract. A closed period's pack is shown as it was kept.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from portal.access import contact_required
from portal.selectors import contact_is_manager, contracts_visible
from reports.documents import pack_context
from reports.downloads import FORMATS, pack_download
from reports.periods import display_zone, last_month, period_or_default
from reports.services.packs import review_pack_get


@contact_required
def reports_page(request: HttpRequest) -> HttpResponse:
    contact = request.contact  # type: ignore[attr-defined]
    if not contact_is_manager(contact):
        raise Http404("Only the support services manager opens review packs.")
    contracts = list(contracts_visible(contact).order_by("reference"))
    if not contracts:
        raise Http404("No contract.")
    chosen = request.GET.get("contract", "")
    contract = contracts[0]
    if chosen:
        wanted = int(chosen) if chosen.isascii() and chosen.isdigit() else 0
        contract = next((c for c in contracts if c.pk == wanted), None)  # type: ignore[assignment]
        if contract is None:
            raise Http404("No such contract.")
    now = timezone.now()
    period, error = period_or_default(
        request.GET.get("period"), last_month(now.astimezone(display_zone()).date())
    )
    result = review_pack_get(
        contract=contract, period=period, language=get_language() or "nl", now=now
    )
    fmt = request.GET.get("format", "")
    if fmt:
        if fmt not in FORMATS or error:
            raise Http404("No such format.")
        return pack_download(result, fmt)
    context = {
        **pack_context(result.data),
        "contracts": contracts,
        "contract": contract,
        "period": period,
        "period_error": error,
        "previous": period.previous().text,
        "following": period.following().text,
        "stored": result.stored,
    }
    return render(request, "portal/reports.html", context)
