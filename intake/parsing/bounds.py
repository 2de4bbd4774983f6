"""The bounds of a parse (issue #10 §1): the only refusals, and the bounded header copy.

Nothing the sender wrote is refused for its shape: oversized headers are parsed from a bounded
copy, long texts are shortened for display with a note, parts beyond the part or depth bound and
attachments beyond their bound are noted, never a reason to quarantine (the raw message, stored
before parsing, stays whole). Only a MIME bomb (more MIME headers or multipart boundaries than
any mail needs, which no parser handles in bounded time) raises `MessageRejected`. No database
here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


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


_BOUNDARY = re.compile(rb"boundary\s*=\s*\"?([^\";\r\n]{1,100})")


def mime_counts(raw: bytes) -> tuple[int, int]:
    """(Content-Type header lines, distinct multipart boundaries) of `raw`.

    Case-insensitive searches of bytes fold ASCII letters only, as bytes.lower() does: the
    lowered copy (the same length) is searched with plain literals, many times faster than a
    case-insensitive pattern (every message passes here). The boundaries are taken as written,
    from the same places in `raw`: two differing in case are two."""
    lowered = raw.lower()
    headers = lowered.count(b"\ncontent-type:") + lowered.startswith(b"content-type:")
    boundaries = len({raw[m.start(1) : m.end(1)] for m in _BOUNDARY.finditer(lowered)})
    return headers, boundaries


def check_bounds(raw: bytes, limits: Limits) -> None:
    """The only refusals (issue #10 §1): over the size bound, or a MIME bomb."""
    if len(raw) > limits.max_bytes:
        raise MessageRejected(f"message of {len(raw)} bytes is over {limits.max_bytes}")
    headers, boundaries = mime_counts(raw)
    if headers > limits.max_mime_headers:
        raise MessageRejected(
            f"MIME bomb: {headers} MIME parts, more than {limits.max_mime_headers} can be parsed"
        )
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
