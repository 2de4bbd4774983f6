"""Service review packs (issue #15 §2), to whom the portal and the back-office show them:

- `contracts/{id}/review-pack/?period=&format=&language=`: the pack of a month (2026-11), a
  quarter (2026-Q3) or a range (2026-01-15..2026-03-01, last day not included), last month by
  default, as JSON (the one selector's data), CSV or PDF (`format`, or `Accept: text/csv`,
  `application/pdf`), in `language` or the request's. A closed period's pack is the stored
  one, unchanged since it was first built (its PDF's SHA-256 in `X-Review-Pack-Checksum`).
- `contracts/{id}/review-packs/`: the packs kept for the contract.

A customer's support services manager reads the organisation's contracts' packs (a named
contact is refused: a pack covers every ticket of the contract); staff whose role reads packs
in the back-office read their provider's (a CSAM their own contracts'). Another tenant's
contract answers 404."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api.caller import Caller
from api.scope import one_or_404
from api.serializers.reports import (
    ReviewPackOutputSerializer,
    ReviewPackQuerySerializer,
    StoredPackOutputSerializer,
)
from api.views.base import ApiView
from api.views.billing import CsvRenderer, contract_rows_plain
from contracts.models import Contract
from reports.downloads import pack_download
from reports.models import ReviewPack
from reports.periods import display_zone, last_month, period_of
from reports.services.packs import pack_language_of, review_pack_get
from tickets.selectors import contact_is_manager

READ = "reports.view_reviewpack"


class PdfRenderer(BaseRenderer):
    """Lets a client ask for the PDF; the view answers the file itself, and a refusal is
    written as its problem's JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: Any = None, context: Any = None) -> bytes:
        return JSONRenderer().render(data)


def pack_reader_check(caller: Caller) -> None:
    """The manager of the organisation, or staff whose role reads packs (403 otherwise)."""
    if caller.contact is not None:
        if not contact_is_manager(caller.contact):
            raise PermissionDenied(
                _("Only the support services manager opens the organisation's review packs."),
                code="manager_only",
            )
        return
    if caller.user is None or not caller.user.has_perm(READ):
        raise PermissionDenied(
            _("Your role does not read service review packs in the back-office."),
            code="review_pack_role",
        )


def pack_contract(caller: Caller, contract_id: int) -> Contract:
    contract = one_or_404(contract_rows_plain(caller), pk=contract_id)
    pack_reader_check(caller)
    return contract


class ContractReviewPackApi(ApiView):
    pagination_class = None
    renderer_classes = [JSONRenderer, CsvRenderer, PdfRenderer]

    @extend_schema(
        operation_id="contracts_review_pack",
        parameters=[ReviewPackQuerySerializer],
        responses={
            (200, "application/json"): ReviewPackOutputSerializer,
            (200, "text/csv"): OpenApiResponse(
                response=OpenApiTypes.STR,
                description=gettext_lazy("The pack's tables, as the back-office's download."),
            ),
            (200, "application/pdf"): OpenApiResponse(
                response=OpenApiTypes.BINARY,
                description=gettext_lazy("The pack as a PDF (A4), as it is mailed."),
            ),
        },
        description=gettext_lazy(
            "The contract's service review pack for a period: SLA compliance per priority, the "
            "breaches with their cause and what was done, the previous period's breaches "
            "revisited, volumes, escalations, problems and RCAs, satisfaction, usage and "
            "vendor escalations. A pack of a period that has ended is kept as first built."
        ),
    )
    def get(self, request: Request, contract_id: int) -> Response | HttpResponse:
        contract = pack_contract(self.caller, contract_id)
        query = ReviewPackQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        now = timezone.now()
        period = query.validated_data.get("period") or last_month(
            now.astimezone(display_zone()).date()
        )
        language = query.validated_data.get("language") or get_language() or "nl"
        result = review_pack_get(
            contract=contract, period=period, language=pack_language_of(language), now=now
        )
        fmt = request.accepted_renderer.format
        if fmt in ("csv", "pdf"):
            return pack_download(result, fmt)
        response = Response(result.data)
        if result.stored is not None:
            response["X-Review-Pack-Checksum"] = result.stored.checksum
        return response


def stored_facts(pack: ReviewPack) -> dict[str, Any]:
    period = period_of(pack.period_start, pack.period_end)
    with override(pack.language):
        label = period.label()
    return {
        "id": pack.pk,
        "period": {
            "text": period.text,
            "kind": period.kind,
            "start": period.start,
            "end": period.end,
            "label": label,
        },
        "language": pack.language,
        "created_at": pack.created_at,
        "checksum": pack.checksum,
    }


class ContractReviewPacksApi(ApiView):
    pagination_class = None

    @extend_schema(
        operation_id="contracts_review_packs_list",
        responses=StoredPackOutputSerializer(many=True),
        description=gettext_lazy(
            "The review packs kept for the contract (one per period and language), newest "
            "period first; each is read again, unchanged, through review-pack/ with its period "
            "and language."
        ),
    )
    def get(self, request: Request, contract_id: int) -> Response:
        contract = pack_contract(self.caller, contract_id)
        packs = (
            ReviewPack.objects.filter(contract=contract)
            .defer("data")
            .order_by("-period_start", "language")
        )
        return Response(
            StoredPackOutputSerializer([stored_facts(p) for p in packs], many=True).data
        )
