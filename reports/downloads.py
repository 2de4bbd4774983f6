"""A review pack as a file, for every door (back-office, portal, API): the PDF (stored bytes for
a closed period), the CSV or the JSON, named after the contract, the period and the language,
private and never cached."""

from __future__ import annotations

from django.http import HttpResponse

from reports.documents import pack_csv_text, pack_filename, pack_json_text
from reports.services.packs import PackResult, review_pack_pdf_bytes

FORMATS = ("pdf", "csv", "json")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def pack_file_bytes(result: PackResult, fmt: str) -> bytes:
    if fmt == "pdf":
        return review_pack_pdf_bytes(result)
    if fmt == "csv":
        return pack_csv_text(result.data).encode()
    return pack_json_text(result.data).encode()


def pack_download(result: PackResult, fmt: str) -> HttpResponse:
    response = HttpResponse(pack_file_bytes(result, fmt), content_type=CONTENT_TYPES[fmt])
    name = pack_filename(result.data, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if result.stored is not None:
        response["X-Review-Pack-Checksum"] = result.stored.checksum
    return response
