"""Reading one MIME part (issue #10 §1, §1b): what a subtree shows, a leaf's bytes and text
within the text bound, the parser's defects per part, and what a part or a text turns out to be
(named, a mail file, a boundary left in a text, a header block in a body or a text). No database
here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import Message

from intake.parsing.bounds import Limits
from intake.parsing.charsets import decode_bytes, surrogate_bytes
from intake.parsing.headers import raw_header
from intake.parsing.result import MAX_DEFECTS, Parsed

PLAIN, HTML, CALENDAR, OTHER = "plain", "html", "calendar", "other"


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


class _PartReader:
    """The state of one body walk, and the reading of its parts."""

    def __init__(self, limits: Limits, parsed: Parsed) -> None:
        self.limits, self.parsed = limits, parsed
        self.leaves = 0
        self.over_parts = 0
        self.too_deep = 0
        self.keep_attachments = True
        self.named_texts: list[str] = []

    def walk(self, part: Message, depth: int, out: _Out, path: str) -> None:
        """Walk `part` into `out`: the body walk (`body._Body`), which a forwarded mail's
        summary walks too."""
        raise NotImplementedError

    def _defects(self, part: Message, path: str) -> None:
        for defect in getattr(part, "defects", [])[:10]:
            entry = f"{type(defect).__name__} ({path})"
            if entry not in self.parsed.defects and len(self.parsed.defects) < MAX_DEFECTS:
                self.parsed.defects.append(entry)

    def _children(self, part: Message) -> list[Message]:
        payload = part.get_payload()
        return [c for c in payload if isinstance(c, Message)] if isinstance(payload, list) else []

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
    # Most texts have none: one scan in C, not a loop over lines. A lowered copy and a plain
    # search: for these letters lower() and a case-insensitive pattern agree character for
    # character, and the plain search is many times faster.
    if "content-type:" not in text.lower():
        return -1
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
