"""Tolerant, bounded parsing of one RFC 5322 message (issue #4 §2, issue #10 §1, §1b). No
database here.

Nothing the sender wrote is refused for its shape: oversized headers are parsed from a bounded
copy, long texts are shortened for display with a note, parts beyond the part or depth bound and
attachments beyond their bound are noted, never a reason to quarantine (the raw message, stored
before parsing, stays whole). Only a MIME bomb (more MIME headers or multipart boundaries than
any mail needs, which no parser handles in bounded time) raises `MessageRejected`; nothing else
escapes `parse_message`. Texts are decoded as the sender wrote them (`charsets`), markup shown as
text (`render`), one alternative of a `multipart/alternative` shown, forwarded mail kept as an
`.eml` attachment and summarised, and the parser's defects recorded.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from dataclasses import dataclass, field
from email import policy
from email.generator import BytesGenerator
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from io import BytesIO

import nh3
from django.utils.translation import gettext

from contracts.text import display_line, display_text
from intake.parsing.charsets import decode_bytes, decode_header_bytes, surrogate_bytes
from intake.parsing.quoting import _QUOTE_MARKERS, trim_reply
from intake.parsing.render import (
    calendar_summary,
    enriched_to_text,
    html_to_text,
    richtext_to_text,
)

__all__ = [
    "AUTO_PRECEDENCE",
    "BOUNCE_SENDERS",
    "_QUOTE_MARKERS",
    "Limits",
    "MessageRejected",
    "Parsed",
    "ParsedAttachment",
    "check_bounds",
    "clean_text",
    "header",
    "html_to_text",
    "message_id_of",
    "normalise_message_id",
    "parse_message",
    "raw_header",
    "trim_reply",
]


class MessageRejected(Exception):
    """Over the size bound, or a MIME bomb no parser handles in bounded time."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 25 * 1024 * 1024
    max_parts: int = 200  # leaf parts shown or kept; containers do not count
    max_depth: int = 10
    max_attachments: int = 20
    max_attachment_bytes: int = 10 * 1024 * 1024
    # The stdlib parser is slow on pathological headers: beyond these a bounded copy is parsed.
    max_header_bytes: int = 64 * 1024
    max_header_line: int = 8 * 1024
    max_text_chars: int = 100_000  # the text shown; the raw message keeps the rest

    @property
    def max_mime_headers(self) -> int:
        """Content-Type headers beyond which a message is a MIME bomb (refused before parsing)."""
        return self.max_parts * 25

    @property
    def max_boundaries(self) -> int:
        """Multipart boundaries beyond which a message is a MIME bomb (nesting is quadratic)."""
        return max(self.max_parts, self.max_depth * 4)


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content: bytes
    declared_type: str


@dataclass
class Parsed:
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    sender_email: str = ""
    sender_name: str = ""
    subject: str = ""
    text: str = ""
    html: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    skipped_attachments: list[str] = field(default_factory=list)
    automatic: str = ""  # why this is machine mail ("" for a person's mail)
    auto_reply: bool = False  # an out-of-office style reply (may become an internal note)
    suppress_receipt: bool = False
    # The parser's defects per part and what was shortened or not kept (stored on the message).
    defects: list[str] = field(default_factory=list)


_MSGID = re.compile(r"<([^<>\s]+)>")
MAX_DEFECTS = 100


def normalise_message_id(value: str) -> str:
    value = "".join(ch for ch in (value or "") if ch >= " " and ch != "\x7f")
    found = _MSGID.search(value)
    return (found.group(1) if found else value.strip()).lower()[:290]


def _raw_value(message: Message, name: str) -> str | None:
    wanted = name.lower()
    for key, value in message.raw_items():
        if key.lower() == wanted:
            return str(value)
    return None


def header(message: Message, name: str) -> str:
    """A header as one line of text: encoded words in any charset, raw 8-bit bytes decoded by
    the fallback chain, invisible characters removed."""
    value = _raw_value(message, name)
    if value is None:
        return ""
    return display_line(decode_header_bytes(surrogate_bytes(value)))


def raw_header(message: Message, name: str) -> str:
    """A header's unparsed value (first occurrence): enough for presence and token checks, and
    much cheaper than a structured parse."""
    value = _raw_value(message, name)
    return clean_text(value).strip() if value is not None else ""


def message_id_of(raw: bytes) -> str:
    """The normalised Message-ID, read from the headers only (for duplicate detection)."""
    try:
        headers = BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True)
        return normalise_message_id(str(headers.get("Message-ID", "")))
    except Exception:
        return ""


def clean_text(value: str) -> str:
    """One line-ending convention, no NUL and no lone surrogates (not storable as text)."""
    value = value.encode("utf-8", "replace").decode("utf-8")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


# --- Bounds before parsing ---------------------------------------------------------------------
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_FIELD_START = re.compile(rb"\r?\n(?![ \t])")
# The headers the intake reads: kept in a bounded copy even when the header budget is spent.
_NEEDED = {
    b"from",
    b"sender",
    b"reply-to",
    b"subject",
    b"message-id",
    b"in-reply-to",
    b"references",
    b"date",
    b"to",
    b"mime-version",
    b"content-type",
    b"content-transfer-encoding",
    b"content-disposition",
    b"auto-submitted",
    b"precedence",
    b"list-id",
    b"list-unsubscribe",
    b"x-autoreply",
    b"x-autorespond",
    b"x-auto-response-suppress",
    b"return-path",
    b"authentication-results",
}


def check_bounds(raw: bytes, limits: Limits) -> None:
    """The only refusals (issue #10 §1): over the size bound, or a MIME bomb."""
    if len(raw) > limits.max_bytes:
        raise MessageRejected(f"message of {len(raw)} bytes is over {limits.max_bytes}")
    headers = len(re.findall(rb"(?im)^content-type:", raw))
    if headers > limits.max_mime_headers:
        raise MessageRejected(
            f"MIME bomb: {headers} MIME parts, more than {limits.max_mime_headers} can be parsed"
        )
    boundaries = len(set(re.findall(rb"(?i)boundary\s*=\s*\"?([^\";\r\n]{1,100})", raw)))
    if boundaries > limits.max_boundaries:
        raise MessageRejected(
            f"MIME bomb: {boundaries} multipart boundaries, more than {limits.max_boundaries}"
        )


def _shorten_field(field_bytes: bytes, limit: int) -> bytes:
    """A header field cut to `limit` bytes at a word boundary (no half encoded word)."""
    cut = field_bytes[:limit]
    space = max(cut.rfind(b" "), cut.rfind(b"\t"))
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(b"\r\n")


def bounded_copy(raw: bytes, limits: Limits) -> tuple[bytes, list[str]]:
    """`raw` with a header block the parser handles in bounded time, and what was shortened.

    Over-long header fields are cut; beyond the header budget only the headers the intake reads
    are kept (three of each at most). The body is untouched; the stored raw message stays whole.
    """
    found = _HEAD_END.search(raw)
    head, rest = (raw[: found.start()], raw[found.start() :]) if found else (raw, b"")
    fields = _FIELD_START.split(head)
    if len(head) <= limits.max_header_bytes and all(
        len(f) <= limits.max_header_line for f in fields
    ):
        return raw, []
    kept: list[bytes] = []
    total, dropped, shortened = 0, 0, []
    over_budget: dict[bytes, int] = {}
    for field_bytes in fields:
        name = field_bytes.split(b":", 1)[0].strip().lower()[:60]
        if len(field_bytes) > limits.max_header_line:
            field_bytes = _shorten_field(field_bytes, limits.max_header_line)
            shortened.append(name.decode("latin-1"))
        if total + len(field_bytes) > limits.max_header_bytes:
            over_budget[name] = over_budget.get(name, 0) + 1
            if name not in _NEEDED or over_budget[name] > 3:
                dropped += 1
                continue
        kept.append(field_bytes)
        total += len(field_bytes) + 2
    notes = [f"headers of {len(head)} bytes parsed from a bounded copy"]
    if shortened:
        notes.append("header fields shortened: " + ", ".join(sorted(set(shortened))[:20]))
    if dropped:
        notes.append(f"{dropped} header fields over the {limits.max_header_bytes}-byte budget")
    return b"\r\n".join(kept) + rest, notes


# --- The parse ---------------------------------------------------------------------------------
def _parser() -> BytesParser:
    """The legacy policy: its header access is plain string work. `policy.default` parses a
    structured header on every access, quadratic in its parameters and comments; the headers
    shown are decoded here (`header`, `charsets`), not by the policy."""
    return BytesParser(policy=policy.compat32)


def parse_message(raw: bytes, limits: Limits, own_domain: str, own_address: str) -> Parsed:
    """Parse within bounds. Raises only MessageRejected: over the size bound, a MIME bomb, or
    (should the standard library fail in a way no guard here foresaw) an unreadable message."""
    check_bounds(raw, limits)
    try:
        return _parse(raw, limits, own_domain, own_address)
    except MessageRejected:
        raise
    except Exception as exc:
        raise MessageRejected(f"unreadable message: {type(exc).__name__}: {exc}") from exc


def _parse(raw: bytes, limits: Limits, own_domain: str, own_address: str) -> Parsed:
    bounded, notes = bounded_copy(raw, limits)
    message = _parser().parsebytes(bounded)
    parsed = Parsed(defects=list(notes))
    parsed.message_id = normalise_message_id(raw_header(message, "Message-ID"))
    parsed.in_reply_to = _ids(raw_header(message, "In-Reply-To"))
    parsed.references = _ids(raw_header(message, "References"))
    _sender(message, parsed)
    subject = header(message, "Subject")
    if len(subject) > 500:
        parsed.defects.append(f"subject of {len(subject)} characters shortened to 500")
        subject = subject[:499].rstrip() + "\u2026"
    parsed.subject = subject
    _machine_mail(message, parsed, own_domain, own_address)
    if _is_binary_file(raw, message):
        _binary_file(raw, limits, parsed)
    else:
        _Body(limits, parsed).collect(message)
    parsed.defects = [display_line(defect)[:300] for defect in parsed.defects[:MAX_DEFECTS]]
    return parsed


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an Outlook .msg (compound file)


def _is_binary_file(raw: bytes, message: Message) -> bool:
    """A file, not a mail (an Outlook .msg piped in): it starts with its magic, or has NUL
    bytes up front and not one header a mail has."""
    if raw.startswith(_OLE_MAGIC):
        return True
    named = any(_raw_value(message, name) for name in ("From", "Content-Type", "Subject", "Date"))
    return b"\x00" in raw[:1024] and not named


def _binary_file(raw: bytes, limits: Limits, parsed: Parsed) -> None:
    """Kept whole as an attachment with a note instead of its bytes shown as text."""
    name = "message.msg" if raw.startswith(_OLE_MAGIC) else "message.bin"
    parsed.defects.append("not a mail: binary content kept as an attachment")
    parsed.text = "[%s]" % (
        gettext(
            "This message is not a readable mail but a file; it is kept whole as the "
            "attachment %(name)s."
        )
        % {"name": name}
    )
    if len(raw) <= limits.max_attachment_bytes:
        parsed.attachments.append(ParsedAttachment(name, raw, "application/octet-stream"))
    else:
        parsed.skipped_attachments.append(f"{name} ({len(raw)} bytes, over the limit)")


def _address_source(message: Message, name: str) -> str:
    """An address header as one line in which every byte is one character (Latin-1): address
    syntax is parsed before any encoded word is decoded, so a decoded name never becomes an
    address."""
    value = _raw_value(message, name)
    if value is None:
        return ""
    data = re.sub(rb"\r?\n(?=[ \t])", b"", surrogate_bytes(value))
    return data.replace(b"\x00", b"").decode("latin-1")


def _sender(message: Message, parsed: Parsed) -> None:
    try:
        name, address = parseaddr(_address_source(message, "From"))
        if not address:
            sources = [_address_source(message, "Sender"), _address_source(message, "Reply-To")]
            name, address = next(((n, a) for n, a in getaddresses(sources) if a), ("", ""))
    except Exception:  # a pathological address header: no sender (triage), never a crash
        name, address = "", ""
    parsed.sender_name = display_line(decode_header_bytes(name.encode("latin-1")))[:200]
    email = display_line(decode_bytes(address.encode("latin-1"), "utf-8"))
    parsed.sender_email = email.replace(" ", "").lower()[:254]


# --- The body ----------------------------------------------------------------------------------
PLAIN, HTML, CALENDAR, OTHER = "plain", "html", "calendar", "other"
_BOILERPLATE = re.compile(
    r"(?im)^.*\b(mime[- ](format|encapsulated)|multi-?part message|"
    r"(reader|client|program|software) (does not|doesn't|cannot) (support|understand|read))\b.*$"
)
_SHOWN_NAMED = {"text/plain", "text/html", "text/enriched", "text/richtext", "text/markdown"}
_NOT_SHOWN = {"text/rfc822-headers", "text/x-vcard", "text/vcard", "text/directory"}
_MARKUP = {"text/xml", "application/xhtml+xml", "text/sgml"}


@dataclass
class _Out:
    """What one subtree shows: (kind, text) pieces in document order, and its HTML."""

    pieces: list[tuple[str, str]] = field(default_factory=list)
    html: list[str] = field(default_factory=list)

    def extend(self, other: _Out) -> None:
        self.pieces += other.pieces
        self.html += other.html

    def has(self, *kinds: str) -> bool:
        return any(kind in kinds and text.strip() for kind, text in self.pieces)

    def text(self) -> str:
        shown = [(k, t.strip()) for k, t in self.pieces if t.strip()]
        if any(kind == PLAIN for kind, _ in shown):
            shown = [(k, t) for k, t in shown if k != HTML]  # the plain text says it already
        return "\n\n".join(t for _, t in shown)


class _Body:
    def __init__(self, limits: Limits, parsed: Parsed) -> None:
        self.limits, self.parsed = limits, parsed
        self.leaves = 0
        self.over_parts = 0
        self.too_deep = 0
        self.keep_attachments = True
        self.named_texts: list[str] = []

    # entry
    def collect(self, message: Message) -> None:
        out = _Out()
        self.walk(message, 0, out, "message")
        text = out.text() or "\n\n".join(t for t in self.named_texts if t.strip())
        text = display_text(text).strip()
        notes = self._notes(text)
        if len(text) > self.limits.max_text_chars:
            self.parsed.defects.append(f"text of {len(text)} characters shortened")
            notes.insert(
                0,
                gettext(
                    "The text is shortened: the first %(shown)s of %(total)s characters are "
                    "shown. The whole message is kept."
                )
                % {"shown": self.limits.max_text_chars, "total": len(text)},
            )
            text = text[: self.limits.max_text_chars].rstrip() + "\u2026"
        self.parsed.text = "\n\n".join([text, *(f"[{note}]" for note in notes)]).strip()
        markup = "\n".join(out.html)[: self.limits.max_text_chars * 4]
        self.parsed.html = display_text(nh3.clean(markup)) if markup.strip() else ""
        del self.parsed.defects[MAX_DEFECTS:]

    def _notes(self, text: str) -> list[str]:
        """Display notes (in the active language) on what is not shown; the raw keeps it."""
        notes = []
        limit = self.limits
        if self.over_parts:
            self.parsed.defects.append(
                f"parts over the bound of {limit.max_parts}: {self.over_parts}"
            )
            notes.append(
                gettext(
                    "Parts of this message not shown (over the limit of %(limit)s parts): "
                    "%(count)s. The whole message is kept."
                )
                % {"count": self.over_parts, "limit": limit.max_parts}
            )
        if self.too_deep:
            self.parsed.defects.append(
                f"parts nested deeper than {limit.max_depth}: {self.too_deep}"
            )
            notes.append(
                gettext(
                    "Parts of this message not shown (nested deeper than %(limit)s levels): "
                    "%(count)s. The whole message is kept."
                )
                % {"count": self.too_deep, "limit": limit.max_depth}
            )
        if self.parsed.skipped_attachments:
            self.parsed.defects += [f"not kept: {s}" for s in self.parsed.skipped_attachments]
            notes.append(
                gettext(
                    "Attachments not kept (over the limit of %(limit)s attachments or %(size)s "
                    "bytes each): %(count)s. The whole message is kept."
                )
                % {
                    "count": len(self.parsed.skipped_attachments),
                    "limit": limit.max_attachments,
                    "size": limit.max_attachment_bytes,
                }
            )
        return notes

    # the tree
    def walk(self, part: Message, depth: int, out: _Out, path: str) -> None:
        self._defects(part, path)
        if depth > self.limits.max_depth:
            self.too_deep += 1
            return
        try:
            content_type = part.get_content_type()
        except Exception:
            content_type = "text/plain"
        try:
            if content_type in ("message/rfc822", "message/global"):
                self._forwarded_part(part, depth, out, path)
            elif part.is_multipart():
                self._multipart(part, content_type, depth, out, path)
            elif content_type.startswith("multipart/"):
                self._broken_multipart(part, depth, out, path)
            else:
                self._leaf(part, content_type, depth, out, path)
        except MessageRejected:
            raise
        except Exception as exc:  # one unreadable part never costs the others
            self.parsed.defects.append(f"unreadable part {path}: {type(exc).__name__}")

    def _defects(self, part: Message, path: str) -> None:
        for defect in getattr(part, "defects", [])[:10]:
            entry = f"{type(defect).__name__} ({path})"
            if entry not in self.parsed.defects and len(self.parsed.defects) < MAX_DEFECTS:
                self.parsed.defects.append(entry)

    def _children(self, part: Message) -> list[Message]:
        payload = part.get_payload()
        return [c for c in payload if isinstance(c, Message)] if isinstance(payload, list) else []

    def _multipart(
        self, part: Message, content_type: str, depth: int, out: _Out, path: str
    ) -> None:
        children = self._children(part)
        mine = _Out()
        if content_type == "multipart/alternative":
            self._alternative(children, depth, mine, path)
        else:
            for index, child in enumerate(children, start=1):
                self.walk(child, depth + 1, mine, f"{path}.{index}")
        boundary = _boundary(part)
        if boundary:  # a boundary line left in a text when the closing one was broken
            mine.pieces = [(kind, _without_boundary(text, boundary)) for kind, text in mine.pieces]
        if not mine.has(PLAIN, HTML, OTHER):
            # No readable text part: the text may sit in the preamble (or after the end).
            for extra in (part.preamble, part.epilogue):
                text = _BOILERPLATE.sub("", extra or "")
                if text.strip():
                    mine.pieces.append((PLAIN, decode_bytes(surrogate_bytes(text))))
        out.extend(mine)

    def _alternative(self, children: list[Message], depth: int, out: _Out, path: str) -> None:
        """One alternative: the first with plain text, else the richest (last) with any text;
        a calendar alternative adds its summary."""
        options: list[_Out] = []
        for index, child in enumerate(children, start=1):
            option = _Out()
            self.walk(child, depth + 1, option, f"{path}.{index}")
            options.append(option)
        chosen = next((o for o in options if o.has(PLAIN)), None)
        chosen = chosen or next((o for o in reversed(options) if o.has(HTML, OTHER)), None)
        if chosen is not None:
            out.pieces += [(k, t) for k, t in chosen.pieces if k != CALENDAR]
        # The HTML rendition (for the sanitised view): the chosen one's, else the richest.
        with_html = [o for o in options if o.html]
        if with_html:
            out.html += chosen.html if chosen is not None and chosen.html else with_html[-1].html
        summaries = {t for o in options for k, t in o.pieces if k == CALENDAR and t.strip()}
        out.pieces += [(CALENDAR, t) for t in sorted(summaries)]

    def _broken_multipart(self, part: Message, depth: int, out: _Out, path: str) -> None:
        """A multipart whose boundary was not found: find the boundary its lines use, else show
        the content as text."""
        body = self._payload_bytes(part)
        found = re.search(rb"(?m)^--([^\s]{1,70}?)(--)?\r?$", body)
        if found and depth < self.limits.max_depth:
            boundary = found.group(1).replace(b'"', b"")
            wrapper = b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n'
            reparsed = _parser().parsebytes(wrapper + body)
            if reparsed.is_multipart() and self._children(reparsed):
                self.parsed.defects.append(f"boundary of part {path} recovered")
                for index, child in enumerate(self._children(reparsed), start=1):
                    self.walk(child, depth + 1, out, f"{path}.{index}")
                return
        text = _BOILERPLATE.sub("", decode_bytes(body, self._charset(part)))
        out.pieces.append((PLAIN, text))

    def _leaf(self, part: Message, content_type: str, depth: int, out: _Out, path: str) -> None:
        self.leaves += 1
        if self.leaves > self.limits.max_parts:
            self.over_parts += 1
            return
        named = _is_named(part)
        if content_type in ("text/calendar", "application/ics"):
            summary = calendar_summary(self._text(part))
            out.pieces.append((CALENDAR, summary))
            if named or not summary:
                self._attachment(part, content_type)
            return
        if _is_mail_file(part, content_type):
            self._forwarded_bytes(self._payload_bytes(part), part, depth, out, path)
            return
        if depth == 0 and not named and self._entity_in_body(part, out, path):
            return
        if content_type.startswith("text/") and not named and content_type not in _NOT_SHOWN:
            self._show(part, content_type, out, depth)
            return
        if content_type in _SHOWN_NAMED:
            shown = _Out()
            self._show(part, content_type, shown, depth)
            self.named_texts.append(shown.text() or "\n\n".join(t for _, t in shown.pieces))
        self._attachment(part, content_type)

    def _entity_in_body(self, part: Message, out: _Out, path: str) -> bool:
        """A message without MIME headers whose body starts with them (a blank line too many
        after the headers): the body is read as the MIME entity it is."""
        if part.get("Content-Type") is not None:
            return False
        body = self._payload_bytes(part).lstrip(b"\r\n")
        if not _starts_with_mime_headers(body):
            return False
        inner = _parser().parsebytes(body)
        if inner.get("Content-Type") is None:
            return False
        self.parsed.defects.append("MIME headers found in the body")
        self.leaves -= 1  # the inner entity's parts are counted instead
        self.walk(inner, 1, out, f"{path}.body")
        return True

    def _show(self, part: Message, content_type: str, out: _Out, depth: int) -> None:
        text = self._text(part)
        if content_type == "text/html" or content_type in _MARKUP:
            if content_type == "text/html":
                out.html.append(text)
            out.pieces.append((HTML, html_to_text(text)))
        elif content_type == "text/enriched":
            out.pieces.append((OTHER, enriched_to_text(text)))
        elif content_type == "text/richtext":
            out.pieces.append((OTHER, richtext_to_text(text)))
        else:
            out.pieces.append((PLAIN, self._embedded(text, depth)))

    def _embedded(self, text: str, depth: int) -> str:
        """A plain text that carries a mail inline from a header block on (a bounce's "original
        message follows", a forward pasted as text): that mail summarised, not its raw MIME."""
        start = _embedded_start(text)
        if start < 0 or depth >= self.limits.max_depth:
            return text
        inner = _parser().parsebytes(text[start:].encode("utf-8", "surrogateescape"))
        self.parsed.defects.append("a mail inline in a text part summarised")
        return text[:start] + self._summary(inner, depth + 1, "inline")

    # forwarded mail
    def _forwarded_part(self, part: Message, depth: int, out: _Out, path: str) -> None:
        self.leaves += 1
        if self.leaves > self.limits.max_parts:
            self.over_parts += 1
            return
        inner = self._children(part)
        encoding = raw_header(part, "Content-Transfer-Encoding").lower()
        content = _as_bytes(inner[0]) if inner else self._payload_bytes(part)
        if encoding == "base64":  # a mis-encoded attached mail: its real bytes
            content = _b64(content.split(b"\n\n", 1)[-1] if b":" not in content[:80] else content)
        elif encoding == "quoted-printable":
            content = quopri.decodestring(content)
        self._forwarded_bytes(content, part, depth, out, path)

    def _forwarded_bytes(
        self, content: bytes, part: Message, depth: int, out: _Out, path: str
    ) -> None:
        """An attached or forwarded mail: kept as `<Subject>.eml`, summarised in the text."""
        inner = _parser().parsebytes(content)
        subject = header(inner, "Subject")
        out.pieces.append((OTHER, self._summary(inner, depth + 1, path)))
        name = _eml_name(subject, part)
        self._keep(name, content, "message/rfc822")

    def _summary(self, inner: Message, depth: int, path: str) -> str:
        """From, Date, Subject and To of a mail, then its text (its attachments stay in it)."""
        lines = [
            f"---------- {gettext('Forwarded message')} ----------",
            *(
                line % {"value": value}
                for line, value in (
                    (gettext("From: %(value)s"), header(inner, "From")),
                    (gettext("Date: %(value)s"), header(inner, "Date")),
                    (gettext("Subject: %(value)s"), header(inner, "Subject")),
                    (gettext("To: %(value)s"), header(inner, "To")),
                )
                if value
            ),
        ]
        inner_out = _Out()
        named = len(self.named_texts)
        keep, self.keep_attachments = self.keep_attachments, False  # they are in the mail
        try:
            self.walk(inner, depth, inner_out, f"{path}.1")
        finally:
            self.keep_attachments = keep
        body = inner_out.text() or "\n\n".join(t for t in self.named_texts[named:] if t.strip())
        del self.named_texts[named:]
        return "\n".join(lines) + "\n\n" + body.strip()

    # attachments
    def _attachment(self, part: Message, content_type: str) -> None:
        try:
            name = part.get_filename() or ""
        except Exception:
            name = ""
        self._keep(display_line(name), self._payload_bytes(part), content_type)

    def _keep(self, name: str, content: bytes, content_type: str) -> None:
        if not self.keep_attachments:
            return
        limit = self.limits
        label = name or content_type
        if len(self.parsed.attachments) >= limit.max_attachments:
            self.parsed.skipped_attachments.append(f"{label} (more than {limit.max_attachments})")
        elif len(content) > limit.max_attachment_bytes:
            self.parsed.skipped_attachments.append(
                f"{label} ({len(content)} bytes, over the limit)"
            )
        else:
            self.parsed.attachments.append(
                ParsedAttachment(name, content, display_line(content_type))
            )

    # bytes and text of a leaf
    def _payload_bytes(self, part: Message) -> bytes:
        try:
            payload = part.get_payload(decode=True)
        except Exception:
            payload = None
        if isinstance(payload, bytes):
            return payload
        source = part.get_payload()
        if isinstance(source, str):
            return surrogate_bytes(source)
        return b""

    def _charset(self, part: Message) -> str | None:
        try:
            return part.get_content_charset()
        except Exception:
            return None

    def _text(self, part: Message) -> str:
        data = self._payload_bytes(part)
        bound = self.limits.max_text_chars * 4
        if len(data) > bound:
            cut = bound
            while cut > bound - 8 and data[cut - 1] >= 0x80:
                cut -= 1  # not inside a multi-byte character
            data = data[:cut]
        return decode_bytes(data, self._charset(part))


_HEADER_LINE = re.compile(rb"[\w-]{1,60}:|[ \t]")


def _starts_with_mime_headers(body: bytes) -> bool:
    """The first block of `body` is a header block with a Content-Type."""
    block = re.split(rb"\r?\n\r?\n", body[:8192], maxsplit=1)[0]
    lines = block.splitlines()
    return (
        bool(lines)
        and all(_HEADER_LINE.match(line) for line in lines)
        and any(line.lower().startswith(b"content-type:") for line in lines)
    )


_DASHED_LINE = re.compile(r"(?m)^--(\S{8,200})[ \t]*$")


def _without_boundary(text: str, boundary: str) -> str:
    """`text` without lines that are (a cut-off piece of) the multipart's boundary line."""

    def strip(found: re.Match[str]) -> str:
        line = found.group(1).rstrip("-")
        return "" if boundary.startswith(line) or line.startswith(boundary) else found.group(0)

    return _DASHED_LINE.sub(strip, text)


def _boundary(part: Message) -> str:
    try:
        return str(part.get_boundary() or "")
    except Exception:
        return ""


_HEADER_TEXT_LINE = re.compile(r"[A-Za-z][\w-]{0,60}:( |$)")
_WHO_HEADERS = re.compile(r"(?i)(from|subject|date|mime-version):")


def _embedded_start(text: str) -> int:
    """Where a header block of a mail starts in a text (-1 for none): header lines, one of them
    a Content-Type with a type and one naming the mail (From, Subject, Date, MIME-Version),
    then an empty line."""
    offset, block_start = 0, -1
    block: list[str] = []
    for line in text.splitlines(keepends=True):
        bare = line.rstrip("\r\n")
        if _HEADER_TEXT_LINE.match(bare) or (block and bare[:1] in (" ", "\t") and bare.strip()):
            if not block:
                block_start = offset
            block.append(bare)
        elif not bare.strip() and len(block) >= 2:
            typed = any(re.match(r"(?i)content-type:\s*\w+/\w", b) for b in block)
            if typed and any(_WHO_HEADERS.match(b) for b in block):
                return block_start
            block = []
        else:
            block = []
        offset += len(line)
    return -1


def _is_named(part: Message) -> bool:
    disposition = raw_header(part, "Content-Disposition").lower()
    try:
        filename = part.get_filename()
    except Exception:
        filename = None
    return disposition.startswith("attachment") or bool(filename)


def _is_mail_file(part: Message, content_type: str) -> bool:
    """An attached mail that is not declared message/rfc822 (a `.eml` file)."""
    try:
        name = (part.get_filename() or "").lower()
    except Exception:
        name = ""
    return name.endswith(".eml") and not content_type.startswith("text/plain")


def _eml_name(subject: str, part: Message) -> str:
    try:
        given = part.get_filename() or ""
    except Exception:
        given = ""
    if given.lower().endswith(".eml"):
        return display_line(given)
    stem = re.sub(r"[\\/:*?\"<>|]+", "_", display_line(subject)).strip(" ._")[:100]
    return f"{stem or gettext('Forwarded message')}.eml"


def _as_bytes(message: Message) -> bytes:
    """A parsed mail back as bytes, its headers as received (not refolded)."""
    buffer = BytesIO()
    try:
        BytesGenerator(buffer, mangle_from_=False, policy=policy.compat32).flatten(message)
        return buffer.getvalue()
    except Exception:
        try:
            return message.as_bytes(policy=policy.compat32)
        except Exception:
            return str(message.get_payload()).encode("utf-8", "replace")


def _b64(value: bytes) -> bytes:
    compact = re.sub(rb"[^A-Za-z0-9+/]", b"", value)
    try:
        return base64.b64decode(compact + b"=" * (-len(compact) % 4))
    except (binascii.Error, ValueError):
        return value


# --- Machine mail ------------------------------------------------------------------------------
AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
BOUNCE_SENDERS = {"mailer-daemon", "postmaster"}


def _machine_mail(message: Message, parsed: Parsed, own_domain: str, own_address: str) -> None:
    """RFC 3834 and friends: mail no ticket or reply may come from (D13)."""
    auto_submitted = raw_header(message, "Auto-Submitted").lower()
    precedence = raw_header(message, "Precedence").lower()
    checks = [
        (auto_submitted not in ("", "no"), f"Auto-Submitted: {auto_submitted}"),
        (precedence in AUTO_PRECEDENCE, f"Precedence: {precedence}"),
        (
            bool(raw_header(message, "List-Id") or raw_header(message, "List-Unsubscribe")),
            "list mail",
        ),
        (
            bool(raw_header(message, "X-Autoreply") or raw_header(message, "X-Autorespond")),
            "auto-reply header",
        ),
        (bool(raw_header(message, "X-Auto-Response-Suppress")), "X-Auto-Response-Suppress"),
        (raw_header(message, "Return-Path").strip() in ("<>", ""), "null return path")
        if "Return-Path" in message
        else (False, ""),
        (message.get_content_type() == "multipart/report", "delivery report"),
        (parsed.sender_email.split("@")[0] in BOUNCE_SENDERS, "bounce sender"),
        (parsed.message_id.endswith("@" + own_domain.lower()), "the desk's own message"),
        (
            bool(own_address) and parsed.sender_email == own_address.lower(),
            "sent from the desk's own address",
        ),
    ]
    reasons = [reason for hit, reason in checks if hit]
    parsed.automatic = "; ".join(reasons)
    parsed.auto_reply = "auto-replied" in auto_submitted or bool(
        raw_header(message, "X-Autoreply") or raw_header(message, "X-Autorespond")
    )
    parsed.suppress_receipt = bool(reasons)


def _ids(value: str) -> list[str]:
    return [normalise_message_id(f"<{i}>") for i in _MSGID.findall(value or "")][:50]
