"""Tolerant, bounded parsing of one RFC 5322 message (issue #4 §2). No database here.

Malformed input never raises out of `parse_message` except `MessageRejected` for the bounds;
charsets, broken MIME, encoded words and missing headers degrade to the best readable text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

import nh3


class MessageRejected(Exception):
    """Over a configured bound (size, parts, depth)."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 25 * 1024 * 1024
    max_parts: int = 200
    max_depth: int = 10
    max_attachments: int = 20
    max_attachment_bytes: int = 10 * 1024 * 1024
    # The stdlib parser is slow on pathological headers: bound them before parsing.
    max_header_bytes: int = 64 * 1024
    max_header_line: int = 8 * 1024


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


_MSGID = re.compile(r"<([^<>\s]+)>")


def normalise_message_id(value: str) -> str:
    value = "".join(ch for ch in (value or "") if ch >= " " and ch != "\x7f")
    found = _MSGID.search(value)
    return (found.group(1) if found else value.strip()).lower()[:290]


def header(message: Message, name: str) -> str:
    """A header as text; a header that cannot be decoded becomes its raw form."""
    try:
        value = message.get(name)
    except Exception:
        value = None
        for key, raw in message.raw_items() if hasattr(message, "raw_items") else []:
            if key.lower() == name.lower():
                value = raw
                break
    return clean_text(str(value)).strip() if value is not None else ""


def raw_header(message: Message, name: str) -> str:
    """A header's unparsed value (first occurrence): enough for presence and token checks, and
    much cheaper than the structured parse `policy.default` does on every access."""
    wanted = name.lower()
    for key, value in message.raw_items():
        if key.lower() == wanted:
            return clean_text(str(value)).strip()
    return ""


def message_id_of(raw: bytes) -> str:
    """The normalised Message-ID, read from the headers only (for duplicate detection)."""
    try:
        headers = BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True)
        return normalise_message_id(str(headers.get("Message-ID", "")))
    except Exception:
        return ""


def html_to_text(markup: str) -> str:
    breaks = r"(?i)<br\s*/?>|</p>|</div>|</li>|</tr>|</h[1-6]>|</table>|</blockquote>"
    markup = re.sub(r"(?i)</td>|</th>", " ", re.sub(breaks, "\n", markup))
    text = nh3.clean(markup, tags=set())
    lines = [line.strip() for line in html.unescape(text).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def clean_text(value: str) -> str:
    """One line-ending convention, no NUL and no lone surrogates (not storable as text)."""
    value = value.encode("utf-8", "replace").decode("utf-8")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _decode(part: Message) -> str:
    return clean_text(_decode_raw(part))


def _decode_raw(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
        return content if isinstance(content, str) else content.decode("utf-8", "replace")
    except Exception:
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            return str(payload or "")
        for charset in (part.get_content_charset() or "", "utf-8", "cp1252"):
            try:
                return payload.decode(charset or "utf-8")
            except (LookupError, UnicodeDecodeError, ValueError):
                continue
        return payload.decode("latin-1")


def _walk(message: Message, limits: Limits) -> list[Message]:
    """All leaf parts, refusing absurd nesting or part counts."""
    leaves: list[Message] = []
    stack = [(message, 0)]
    count = 0
    while stack:
        part, depth = stack.pop()
        count += 1
        if count > limits.max_parts:
            raise MessageRejected(f"more than {limits.max_parts} MIME parts")
        if depth > limits.max_depth:
            raise MessageRejected(f"MIME nesting deeper than {limits.max_depth}")
        if part.is_multipart():
            children = part.get_payload()
            if isinstance(children, list):
                stack.extend(
                    (child, depth + 1) for child in reversed(children) if isinstance(child, Message)
                )
            continue
        leaves.append(part)
    return leaves


def _is_attachment(part: Message) -> bool:
    disposition = raw_header(part, "Content-Disposition").lower()
    return (
        "attachment" in disposition
        or bool(part.get_filename())
        or (part.get_content_maintype() not in ("text", "multipart"))
    )


def _body_and_attachments(message: Message, limits: Limits, parsed: Parsed) -> None:
    texts: list[str] = []
    htmls: list[str] = []
    for part in _walk(message, limits):
        if _is_attachment(part):
            _attachment(part, limits, parsed)
        elif part.get_content_type() == "text/html":
            htmls.append(_decode(part))
        else:
            texts.append(_decode(part))
    joined_html = "\n".join(htmls)
    parsed.html = nh3.clean(joined_html) if joined_html else ""
    parsed.text = "\n\n".join(t.strip() for t in texts if t.strip()) or html_to_text(joined_html)


def _attachment(part: Message, limits: Limits, parsed: Parsed) -> None:
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    content = part.get_payload(decode=True) or b""
    if not isinstance(content, bytes):
        content = str(content).encode()
    name = clean_text(name)  # a NUL or surrogate in a file name must not reach the database
    label = name or part.get_content_type()
    if len(parsed.attachments) >= limits.max_attachments:
        parsed.skipped_attachments.append(f"{label} (more than {limits.max_attachments})")
    elif len(content) > limits.max_attachment_bytes:
        parsed.skipped_attachments.append(f"{label} ({len(content)} bytes, over the limit)")
    else:
        parsed.attachments.append(
            ParsedAttachment(name, content, clean_text(part.get_content_type()))
        )


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


def check_bounds(raw: bytes, limits: Limits) -> None:
    """Cheap checks on the bytes that keep the parser's time bounded (issue #4 §2)."""
    if len(raw) > limits.max_bytes:
        raise MessageRejected(f"message of {len(raw)} bytes is over {limits.max_bytes}")
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    if len(head) > limits.max_header_bytes:
        raise MessageRejected(f"headers of {len(head)} bytes are over {limits.max_header_bytes}")
    longest = max((len(h) for h in re.split(rb"\r?\n(?![ \t])", head)), default=0)
    if longest > limits.max_header_line:
        raise MessageRejected(f"a header of {longest} bytes is over {limits.max_header_line}")
    parts = len(re.findall(rb"(?im)^content-type:", raw))
    if parts > limits.max_parts:
        raise MessageRejected(f"more than {limits.max_parts} MIME parts")


def parse_message(raw: bytes, limits: Limits, own_domain: str, own_address: str) -> Parsed:
    """Parse within bounds; anything unreadable raises MessageRejected with the reason."""
    check_bounds(raw, limits)
    try:
        return _parse(raw, limits, own_domain, own_address)
    except MessageRejected:
        raise
    except (
        RecursionError,
        UnicodeError,
        ValueError,
        LookupError,
        TypeError,
        AttributeError,
        IndexError,
        KeyError,
    ) as exc:
        raise MessageRejected(f"unreadable message: {type(exc).__name__}: {exc}") from exc


def _parse(raw: bytes, limits: Limits, own_domain: str, own_address: str) -> Parsed:
    message: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)
    parsed = Parsed()
    parsed.message_id = normalise_message_id(raw_header(message, "Message-ID"))
    parsed.in_reply_to = _ids(raw_header(message, "In-Reply-To"))
    parsed.references = _ids(raw_header(message, "References"))
    name, address = parseaddr(header(message, "From"))
    if not address:
        addresses = getaddresses([header(message, "Sender"), header(message, "Reply-To")])
        name, address = next(((n, a) for n, a in addresses if a), ("", ""))
    parsed.sender_name = clean_text(name)[:200]
    parsed.sender_email = clean_text(address).strip().lower()[:254]
    parsed.subject = " ".join(header(message, "Subject").split())[:500]
    _machine_mail(message, parsed, own_domain, own_address)
    _body_and_attachments(message, limits, parsed)
    return parsed


_QUOTE_MARKERS = [
    re.compile(p, re.IGNORECASE | re.MULTILINE)
    for p in (
        r"^On .{1,200}wrote:\s*$",
        r"^Op .{1,200}schreef .{0,100}:\s*$",
        r"^-{2,}\s*Original Message\s*-{2,}",
        r"^-{2,}\s*Oorspronkelijk bericht\s*-{2,}",
        r"^From: .+\n(Sent|Date): ",
        r"^Van: .+\n(Verzonden|Datum): ",
        r"^-- ?$",
        r"^Sent from my (iPhone|iPad|Android|mobile)",
        r"^Verzonden vanaf mijn (iPhone|iPad|Android)",
    )
]


def trim_reply(text: str) -> str:
    """The new part of a reply, without quoted history or signature (for display)."""
    cut = len(text)
    for marker in _QUOTE_MARKERS:
        found = marker.search(text)
        if found:
            cut = min(cut, found.start())
    lines = text[:cut].rstrip().splitlines()
    while lines and lines[-1].lstrip().startswith(">"):
        lines.pop()
    trimmed = "\n".join(lines).strip()
    return trimmed or text.strip()
