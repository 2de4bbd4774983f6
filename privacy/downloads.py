"""Handing out an access export: one way for the back-office and the API (each door checks
who may have it first)."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext

from privacy.models import DataSubjectRequest, RequestKind, RequestStatus


def dsr_export_response(dsr: DataSubjectRequest) -> FileResponse:
    """The request's ZIP as a download (the back-office and the API hand it out alike)."""
    if dsr.kind != RequestKind.ACCESS or dsr.status != RequestStatus.COMPLETED:
        raise Http404(gettext("This request has no export."))
    if not dsr.export_file:
        raise Http404(gettext("The export was removed after its keeping period."))
    response = FileResponse(
        dsr.export_file.open("rb"),
        as_attachment=True,
        filename=f"export-{dsr.reference}.zip",
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
