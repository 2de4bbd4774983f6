"""Tolerant, bounded parsing of one RFC 5322 message (issue #4 §2, issue #10 §1, §1b). No
database here.

Nothing the sender wrote is refused for its shape (`bounds`): only a MIME bomb raises
`MessageRejected`; nothing else escapes `parse_message`. Headers are read from a bounded copy
(`bounds`, `headers`), machine mail is recognised (`machine`), the body walked and one text
chosen (`body`, `parts`), attachments and forwarded mail kept (`attachments`), texts decoded as
the sender wrote them (`charsets`), markup shown as text (`render`), and the parser's defects
recorded (`result`).
"""

from __future__ import annotations

from contracts.text import display_line
from intake.parsing.attachments import _binary_file, _is_binary_file
from intake.parsing.body import _Body
from intake.parsing.bounds import Limits, MessageRejected, bounded_copy, check_bounds
from intake.parsing.headers import (
    _ids,
    _parser,
    _sender,
    clean_text,
    header,
    message_id_of,
    normalise_message_id,
    raw_header,
)
from intake.parsing.machine import AUTO_PRECEDENCE, BOUNCE_SENDERS, _machine_mail
from intake.parsing.parts import CALENDAR as CALENDAR
from intake.parsing.parts import HTML as HTML
from intake.parsing.parts import OTHER as OTHER
from intake.parsing.parts import PLAIN as PLAIN
from intake.parsing.quoting import _QUOTE_MARKERS, trim_reply
from intake.parsing.render import html_to_text
from intake.parsing.result import MAX_DEFECTS, Parsed, ParsedAttachment

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
