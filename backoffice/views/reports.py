"""Service review packs in the back-office (issue #15 §2): the contracts a staff member may
review, and one contract's pack for a month, a quarter or a custom period as a page (charts
beside their numbers), PDF, CSV or JSON.

Reading needs `reports.view_reviewpack` (coordinators, service support managers, a CSAM for
their own contracts through contracts.staff_scope; another contract answers 404). A closed
period's pack is stored on its first build and shown from then on as it was
(reports.services.packs).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from backoffice.access import require_perm
from contracts.models import Contract
from contracts.staff_scope import staff_rows
from reports.documents import pack_context
from reports.downloads import FORMATS, pack_download
from reports.models import ReviewPack
from reports.periods import display_zone, last_month, period_of, period_or_default
from reports.services.packs import review_pack_get

READ = "reports.view_reviewpack"


def _contracts(request: HttpRequest) -> QuerySet[Contract]:
    """The contracts the reader may review (403 without the permission)."""
    user = require_perm(request, READ)
    return staff_rows(user, Contract.objects.select_related("customer", "provider", "package"))


def review_pack_index(request: HttpRequest) -> HttpResponse:
    contracts = _contracts(request)
    today = timezone.now().astimezone(display_zone()).date()
    context = {
        **admin.site.each_context(request),
        "title": _("Service review packs"),
        "contracts": contracts.order_by("provider__name", "customer__name", "reference"),
        "last_month": last_month(today).text,
    }
    return TemplateResponse(request, "backoffice/review_packs.html", context)


def review_pack_page(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_object_or_404(_contracts(request), pk=pk)
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
            raise Http404(error or "No such format.")
        return pack_download(result, fmt)
    context = {
        **admin.site.each_context(request),
        **pack_context(result.data),
        "title": _("Service review pack of %(contract)s") % {"contract": contract.reference},
        "contract": contract,
        "period": period,
        "period_error": error,
        "previous": period.previous().text,
        "following": period.following().text,
        "stored": result.stored,
        "stored_packs": kept_packs(contract),
    }
    return TemplateResponse(request, "backoffice/review_pack.html", context)


def kept_packs(contract: Contract) -> list[dict[str, object]]:
    """The packs kept for the contract, newest period first, without their (large) JSON."""
    rows = (
        ReviewPack.objects.filter(contract=contract)
        .order_by("-period_start", "language")
        .values("period_start", "period_end", "language", "created_at", "checksum")
    )
    return [{**row, "period": period_of(row["period_start"], row["period_end"])} for row in rows]
