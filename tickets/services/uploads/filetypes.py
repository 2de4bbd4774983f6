"""Which files are taken (issue #10 §4): a file's extension must be on
``UPLOAD_ALLOWED_EXTENSIONS`` and its content must be what the extension says (magic-number
sniffing; a text check for txt/csv/log/eml): an ``.exe`` renamed ``.pdf`` or an HTML page named
``.png`` is refused, with a clear refusal in the user's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from contracts.text import display_line
from tickets.exceptions import TicketError

# Extensions whose content is checked as text, not by a magic number.
TEXT_EXTENSIONS = frozenset({"txt", "csv", "log", "eml"})
TEXT_TYPES = {
    "txt": "text/plain",
    "csv": "text/csv",
    "log": "text/plain",
    "eml": "message/rfc822",
}
# Microsoft's compound file ("OLE2"): old Office documents and Outlook messages.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OLE_TYPES = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
    "msg": "application/vnd.ms-outlook",
}
_ZIP = "application/zip"
# What the sniffer may call the content of each extension (OOXML/ODF are zip files).
EXPECTED_TYPES: dict[str, frozenset[str]] = {
    "pdf": frozenset({"application/pdf"}),
    "docx": frozenset(
        {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP}
    ),
    "xlsx": frozenset({"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP}),
    "pptx": frozenset(
        {"application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP}
    ),
    "odt": frozenset({"application/vnd.oasis.opendocument.text", _ZIP}),
    "ods": frozenset({"application/vnd.oasis.opendocument.spreadsheet", _ZIP}),
    "odp": frozenset({"application/vnd.oasis.opendocument.presentation", _ZIP}),
    "rtf": frozenset({"application/rtf"}),
    "png": frozenset({"image/png"}),
    "jpg": frozenset({"image/jpeg"}),
    "jpeg": frozenset({"image/jpeg"}),
    "gif": frozenset({"image/gif"}),
    "webp": frozenset({"image/webp"}),
    "bmp": frozenset({"image/bmp"}),
    "tif": frozenset({"image/tiff"}),
    "tiff": frozenset({"image/tiff"}),
    "heic": frozenset({"image/heic"}),
    "zip": frozenset({_ZIP}),
    "7z": frozenset({"application/x-7z-compressed"}),
    "gz": frozenset({"application/gzip"}),
    "tar": frozenset({"application/x-tar"}),
}
# Control bytes that plain text does not hold (tab, line feed, form feed and return it does).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
# Text that is really markup a browser would run.
_MARKUP_STARTS = (
    "<!doctype",
    "<html",
    "<head",
    "<body",
    "<svg",
    "<?xml",
    "<script",
    "<iframe",
    "<object",
    "<meta",
)


class UploadRefused(TicketError):
    """An upload is not accepted; the message names the file (or the quota) and the reason."""

    code = "upload_refused"


@dataclass(frozen=True)
class UploadCheck:
    """An accepted file: the cleaned display name and the content type it really has."""

    name: str
    content_type: str


def allowed_extensions() -> list[str]:
    return sorted({e.strip().lower().lstrip(".") for e in settings.UPLOAD_ALLOWED_EXTENSIONS})


def extension_of(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip(" .")
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def looks_like_text(content: bytes) -> bool:
    """Plain text: no magic number, no NUL (UTF-16 with a byte-order mark excepted), (almost)
    no control characters, not markup. Byte-level, so a 10 MB log is checked in milliseconds."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            content = content.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return False
    if filetype.guess(content) is not None or b"\x00" in content:
        return False
    controls = len(content) - len(content.translate(None, _CONTROL_BYTES))
    if controls * 100 > len(content):
        return False
    return not _head(content).startswith(_MARKUP_STARTS)


def _content_type_for(extension: str, content: bytes) -> str | None:
    """The content type if `content` really is a `.extension` file, else None."""
    if extension in TEXT_EXTENSIONS:
        return TEXT_TYPES[extension] if looks_like_text(content) else None
    if extension in OLE_TYPES:
        return OLE_TYPES[extension] if content.startswith(OLE_MAGIC) else None
    kind = filetype.guess(content)
    if kind is None:
        return None
    expected = EXPECTED_TYPES.get(extension)
    if expected is None:  # an extension added in the settings: the sniffer must agree
        return str(kind.mime) if kind.extension == extension else None
    return str(kind.mime) if kind.mime in expected else None


def _head(content: bytes) -> str:
    return content[:4096].decode("utf-8", "ignore").lstrip("\ufeff \t\r\n").lower()


def _what_it_is(content: bytes) -> str:
    """What the content is, in words, for a refusal."""
    kind = filetype.guess(content)
    if kind is not None:
        return f".{kind.extension} ({kind.mime})"
    if _head(content).startswith(_MARKUP_STARTS):
        return _("HTML, SVG, XML or script text")
    return _("text") if looks_like_text(content) else _("unknown binary content")


def upload_check(*, name: str, content: bytes) -> UploadCheck:
    """Accept a file by extension and content, or raise UploadRefused naming it and why."""
    shown = display_line(name) or _("(no name)")
    extension = extension_of(shown)
    allowed = allowed_extensions()
    if not extension:
        raise UploadRefused(
            _("%(name)s has no file extension; accepted are: %(allowed)s.")
            % {"name": shown, "allowed": ", ".join(allowed)}
        )
    if extension not in allowed:
        raise UploadRefused(
            _("%(name)s: files of type .%(ext)s are not accepted; accepted are: %(allowed)s.")
            % {"name": shown, "ext": extension, "allowed": ", ".join(allowed)}
        )
    if not content:
        raise UploadRefused(_("%(name)s is empty.") % {"name": shown})
    if len(content) > settings.INTAKE_MAX_ATTACHMENT_BYTES:  # the limit of every door
        raise UploadRefused(
            _("%(name)s is larger than %(mb)s MB.")
            % {"name": shown, "mb": settings.INTAKE_MAX_ATTACHMENT_BYTES // 2**20}
        )
    content_type = _content_type_for(extension, content)
    if content_type is None:
        raise UploadRefused(
            _("%(name)s: the content is not a .%(ext)s file (it is %(found)s).")
            % {"name": shown, "ext": extension, "found": _what_it_is(content)}
        )
    return UploadCheck(name=shown, content_type=content_type)


def _read(upload: UploadedFile[bytes]) -> bytes:
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    return bytes(content)


def upload_batch_problem(files: Sequence[UploadedFile[bytes]]) -> str | None:
    """Why a batch of uploads is too large before any file is read (too many files, or one over
    the limit of every door), or None. The portal's and back-office's forms and the API refuse
    with these words; the type of each file is `upload_check`'s."""
    if len(files) > settings.INTAKE_MAX_ATTACHMENTS:
        return _("At most %(n)s files.") % {"n": settings.INTAKE_MAX_ATTACHMENTS}
    for upload in files:
        if (upload.size or 0) > settings.INTAKE_MAX_ATTACHMENT_BYTES:
            return _("%(name)s is larger than %(mb)s MB.") % {
                "name": display_line(upload.name or ""),
                "mb": settings.INTAKE_MAX_ATTACHMENT_BYTES // 2**20,
            }
    return None


def uploaded_names_check(files: Sequence[UploadedFile[bytes]]) -> list[str]:
    """The refusal of each file that is not accepted (empty: all accepted)."""
    refusals: list[str] = []
    for upload in files:
        try:
            upload_check(name=upload.name or "", content=_read(upload))
        except UploadRefused as refused:
            refusals.append(str(refused))
    return refusals
