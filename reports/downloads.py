"""A review pack as a file, for every door (back-office, portal, API): the PDF (stored bytes for
a closed period), the CSV or the JSON, named after the contract, the period and the language,
private and never cached."""

from __future__ import annotations

from django.http import HttpResponse

from reports.documents import pack_csv_text, pack_filename, pack_json_text
from reports.services.packs import PackResult, review_pack_pdf_bytes, review_pack_pdf_of

FORMATS = ("pdf", "csv", "json")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def pack_download(result: PackResult, fmt: str) -> HttpResponse:
    """The file of `fmt`; a kept pack's PDF is the kept one (rendered and kept on first use),
    with its SHA-256 in `X-Review-Pack-Checksum`."""
    stored = result.stored
    if fmt == "pdf" and stored is not None:
        stored = review_pack_pdf_of(stored)
        content = review_pack_pdf_bytes(PackResult(data=stored.data, stored=stored))
    elif fmt == "pdf":
        content = review_pack_pdf_bytes(result)
    elif fmt == "csv":
        content = pack_csv_text(result.data).encode()
    else:
        content = pack_json_text(result.data).encode()
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    name = pack_filename(result.data, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if stored is not None and stored.checksum:
        response["X-Review-Pack-Checksum"] = stored.checksum
    return response
