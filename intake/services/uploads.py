"""Upload policy (issue #10 §4): which files are taken, and how much per ticket and per day.

One home for the rule, used by the portal and the back-office forms (a clear refusal in the
user's language) and by the storing service, which refuses too:

- a file's extension must be on ``UPLOAD_ALLOWED_EXTENSIONS`` and its content must be what the
  extension says (magic-number sniffing; a text check for txt/csv/log/eml): an ``.exe`` renamed
  ``.pdf`` or an HTML page named ``.png`` is refused;
- the stored bytes of a ticket (``UPLOAD_QUOTA_PER_TICKET_BYTES``) and of an organisation in
  one local day (``UPLOAD_QUOTA_PER_CUSTOMER_DAY_BYTES``) are bounded, counted from the stored
  attachments (email included). When a quota is reached or an upload would pass it, every
  support coordinator gets one alert per ticket / per organisation-day (the outbox key makes a
  second one impossible).

Email attachments are never refused (nothing is lost; the raw mail keeps them): they are stored
with their sniffed type, and those over a quota are noted on the message instead
(`intake.services.attachments`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import filetype
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import override

from contracts.models import Customer
from contracts.text import display_line
from escalation.selectors import COORDINATOR_GROUP, Recipient
from escalation.services.emails import render
from escalation.services.outbox import outbox_enqueue
from intake.models import InboundAttachment
from tickets.exceptions import TicketError
from tickets.models import Ticket, TicketMessage

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


# --- Quotas ----------------------------------------------------------------------------------


def local_day(now: datetime) -> tuple[datetime, datetime, str]:
    """Start and end of `now`'s day in the display time zone, and the date as text."""
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    today = now.astimezone(zone).date()
    start = datetime(today.year, today.month, today.day, tzinfo=zone)
    tomorrow = today + timedelta(days=1)
    end = datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=zone)
    return start, end, today.isoformat()


def ticket_stored_bytes(ticket_id: int | None) -> int:
    if ticket_id is None:
        return 0
    total = InboundAttachment.objects.filter(ticket_id=ticket_id).aggregate(s=Sum("size"))["s"]
    return int(total or 0)


def customer_day_stored_bytes(customer_id: int, now: datetime) -> int:
    start, end, _day = local_day(now)
    total = InboundAttachment.objects.filter(
        ticket__customer_id=customer_id, stored_at__gte=start, stored_at__lt=end
    ).aggregate(s=Sum("size"))["s"]
    return int(total or 0)


@dataclass(frozen=True)
class QuotaProblem:
    scope: str  # "ticket" or "day"
    message: str


def quota_problem(
    *, customer: Customer, ticket: Ticket | None, incoming: int, now: datetime
) -> QuotaProblem | None:
    """Would `incoming` more bytes pass the ticket's or the organisation's daily quota?"""
    ticket_quota = settings.UPLOAD_QUOTA_PER_TICKET_BYTES
    used = ticket_stored_bytes(ticket.pk if ticket else None)
    if used + incoming > ticket_quota:
        return QuotaProblem(
            "ticket",
            _(
                "The files (%(size)s) do not fit in the ticket's storage quota of %(quota)s "
                "(%(used)s already stored)."
            )
            % {
                "size": filesizeformat(incoming),
                "quota": filesizeformat(ticket_quota),
                "used": filesizeformat(used),
            },
        )
    day_quota = settings.UPLOAD_QUOTA_PER_CUSTOMER_DAY_BYTES
    used = customer_day_stored_bytes(customer.pk, now)
    if used + incoming > day_quota:
        return QuotaProblem(
            "day",
            _(
                "The files (%(size)s) do not fit in %(customer)s's daily upload quota of "
                "%(quota)s (%(used)s already stored today); try again tomorrow or ask the "
                "service desk."
            )
            % {
                "size": filesizeformat(incoming),
                "customer": customer.name,
                "quota": filesizeformat(day_quota),
                "used": filesizeformat(used),
            },
        )
    return None


@transaction.atomic
def upload_quota_alert(
    *, customer: Customer, ticket: Ticket | None, scope: str, now: datetime
) -> int:
    """Tell every support coordinator, once per ticket (scope "ticket") or once per organisation
    and local day (scope "day"), that a storage quota is reached. Returns the mails written."""
    _start, _end, day = local_day(now)
    if scope == "ticket" and ticket is not None:
        key = f"upload-quota:ticket:{ticket.pk}"
        quota = settings.UPLOAD_QUOTA_PER_TICKET_BYTES
    else:
        key = f"upload-quota:customer:{customer.pk}:{day}"
        quota = settings.UPLOAD_QUOTA_PER_CUSTOMER_DAY_BYTES
    coordinators = (
        get_user_model()
        .objects.filter(groups__name=COORDINATOR_GROUP, is_active=True)
        .exclude(email="")
        .distinct()
    )
    written = 0
    with override(settings.LANGUAGE_CODE):
        if scope == "ticket" and ticket is not None:
            subject = _("[%(customer)s] ticket %(number)s reached its storage quota") % {
                "customer": customer.name,
                "number": ticket.number,
            }
        else:
            subject = _("[%(customer)s] daily upload quota reached on %(day)s") % {
                "customer": customer.name,
                "day": day,
            }
        facts = [
            (_("Customer"), customer.name),
            (_("Quota"), str(filesizeformat(quota))),
        ]
        if ticket is not None:
            facts.append((_("Ticket"), f"{ticket.number} {ticket.subject}"))
        for user in coordinators:
            recipient = Recipient("support coordinator", user.get_full_name(), user.email)
            email = render(
                language=settings.LANGUAGE_CODE,
                recipient=recipient,
                subject=subject,
                heading=subject,
                intro=_(
                    "Further files are refused (email attachments are kept in the raw "
                    "message only) until the quota allows them again."
                ),
                facts=facts,
            )
            if outbox_enqueue(key=f"{key}:{user.pk}", email=email, now=now, ticket=ticket):
                written += 1
    return written


def upload_quota_check(
    *, customer: Customer, ticket: Ticket | None, sizes: Sequence[int], now: datetime
) -> None:
    """Refuse uploads that do not fit a quota (UploadRefused); the coordinators are alerted
    once, and that alert stays written although the upload is refused: call it before the
    transaction that stores (the forms do, in their validation)."""
    incoming = sum(sizes)
    if incoming <= 0:
        return
    problem = quota_problem(customer=customer, ticket=ticket, incoming=incoming, now=now)
    if problem is None:
        return
    upload_quota_alert(customer=customer, ticket=ticket, scope=problem.scope, now=now)
    raise UploadRefused(problem.message)


def _read(upload: UploadedFile[bytes]) -> bytes:
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    return bytes(content)


def uploaded_names_check(files: Sequence[UploadedFile[bytes]]) -> list[str]:
    """The refusal of each file that is not accepted (empty: all accepted)."""
    refusals: list[str] = []
    for upload in files:
        try:
            upload_check(name=upload.name or "", content=_read(upload))
        except UploadRefused as refused:
            refusals.append(str(refused))
    return refusals


@transaction.atomic
def uploads_store(
    files: Sequence[UploadedFile[bytes]],
    *,
    ticket: Ticket,
    message: TicketMessage | None,
    now: datetime,
) -> list[InboundAttachment]:
    """Store files uploaded in the portal or the back-office on a ticket. Every file is checked
    again (type, and both quotas under a lock on the organisation, so two uploads at once
    cannot both pass); a refusal raises UploadRefused and stores nothing of the batch."""
    from intake.services.attachments import safe_filename  # one naming rule with the email

    if not files:
        return []
    customer = Customer.objects.select_for_update().get(pk=ticket.customer_id)
    checked: list[tuple[UploadCheck, bytes]] = []
    for upload in files:
        content = _read(upload)
        checked.append((upload_check(name=upload.name or "", content=content), content))
    incoming = sum(len(content) for _check, content in checked)
    problem = quota_problem(customer=customer, ticket=ticket, incoming=incoming, now=now)
    if problem is not None:
        raise UploadRefused(problem.message)
    stored: list[InboundAttachment] = []
    for index, (check, content) in enumerate(checked, start=1):
        name = safe_filename(check.name, index, check.content_type)
        attachment = InboundAttachment(
            ticket=ticket,
            ticket_message=message,
            filename=name,
            content_type=check.content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            stored_at=now,
        )
        attachment.file.save(name, ContentFile(content), save=False)
        attachment.save()
        stored.append(attachment)
    quota_reached_alert(customer=customer, ticket=ticket, now=now)
    return stored


def quota_reached_alert(*, customer: Customer, ticket: Ticket | None, now: datetime) -> None:
    """After storing: alert once for each quota the stored bytes have now reached."""
    if ticket is not None and ticket_stored_bytes(ticket.pk) >= (
        settings.UPLOAD_QUOTA_PER_TICKET_BYTES
    ):
        upload_quota_alert(customer=customer, ticket=ticket, scope="ticket", now=now)
    if customer_day_stored_bytes(customer.pk, now) >= settings.UPLOAD_QUOTA_PER_CUSTOMER_DAY_BYTES:
        upload_quota_alert(customer=customer, ticket=ticket, scope="day", now=now)


# --- Serving ---------------------------------------------------------------------------------

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
