"""The headers of one message (issue #4 §2, issue #10 §1b): read as the sender wrote them,
decoded by the fallback chain (`charsets`), one line each with invisible characters removed; the
sender's address parsed before any encoded word is decoded. No database here."""

from __future__ import annotations

import re
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from contracts.text import display_line
from intake.parsing.charsets import decode_bytes, decode_header_bytes, surrogate_bytes
from intake.parsing.result import Parsed

_MSGID = re.compile(r"<([^<>\s]+)>")
_HEAD_END = re.compile(rb"\r?\n\r?\n")


def head_only(raw: bytes) -> bytes:
    """The header block of `raw` up to and with its blank line: all a headers-only parse
    reads (handing it the whole message costs a decode of every body byte)."""
    found = _HEAD_END.search(raw)
    return raw if found is None else raw[: found.end()]


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
        headers = BytesParser(policy=policy.compat32).parsebytes(head_only(raw), headersonly=True)
        return normalise_message_id(str(headers.get("Message-ID", "")))
    except Exception:
        return ""


def clean_text(value: str) -> str:
    """One line-ending convention, no NUL and no lone surrogates (not storable as text)."""
    value = value.encode("utf-8", "replace").decode("utf-8")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")


def _parser() -> BytesParser:
    """The legacy policy: its header access is plain string work. `policy.default` parses a
    structured header on every access, quadratic in its parameters and comments; the headers
    shown are decoded here (`header`, `charsets`), not by the policy."""
    return BytesParser(policy=policy.compat32)


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


def _ids(value: str) -> list[str]:
    return [normalise_message_id(f"<{i}>") for i in _MSGID.findall(value or "")][:50]
