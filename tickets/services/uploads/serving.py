"""Serving a stored file (issue #10 §4): which content type, and inline or as a download."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models.fields.files import FieldFile
from django.http import FileResponse

if TYPE_CHECKING:
    from tickets.models import Attachment

# The only types a browser may show inline: images that cannot run code, and PDF (served with
# a sandboxing Content-Security-Policy). Everything else, HTML, SVG, XML, scripts and
# executables included, is a download of application/octet-stream.
INLINE_SAFE_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}
)


@dataclass(frozen=True)
class Serving:
    content_type: str
    as_attachment: bool


def download_serving(content_type: str, *, inline: bool = False) -> Serving:
    """How a stored file is served: its own type only when on the safe list, and inline only
    when asked for and safe; everything else is an application/octet-stream download."""
    base = content_type.split(";", 1)[0].strip().lower()
    if base in INLINE_SAFE_TYPES:
        return Serving(content_type=base, as_attachment=not inline)
    return Serving(content_type="application/octet-stream", as_attachment=True)


def attachment_file_response(attachment: Attachment, *, inline: bool = False) -> FileResponse:
    """The stored file, served by `download_serving`'s rule, never sniffed and sandboxed: the one
    way every authorising door (the pages' download view, the API) hands out a file. The door
    checks who may have it first."""
    return stored_file_response(
        attachment.file,
        filename=attachment.filename,
        content_type=attachment.content_type,
        inline=inline,
    )


def stored_file_response(
    stored: FieldFile, *, filename: str, content_type: str, inline: bool = False
) -> FileResponse:
    """Any stored file (an attachment, an event's assessment) served by the same rule."""
    serving = download_serving(content_type, inline=inline)
    response = FileResponse(
        stored.open("rb"),
        as_attachment=serving.as_attachment,
        filename=filename,
        content_type=serving.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
