"""Attachments and forwarded mail (issue #10 §1, §1b): attachments kept within their bounds
(those beyond noted, never a reason to quarantine), forwarded or attached mail kept as an `.eml`
attachment and summarised in the text, and a file piped in instead of a mail kept whole. No
database here."""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from email import policy
from email.generator import BytesGenerator
from email.message import Message
from io import BytesIO

from django.utils.translation import gettext

from contracts.text import display_line
from intake.parsing.bounds import Limits
from intake.parsing.headers import _parser, _raw_value, header, raw_header
from intake.parsing.parts import OTHER, _Out, _PartReader
from intake.parsing.result import Parsed, ParsedAttachment

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


class _Attachments(_PartReader):
    """The body walk's attachments and forwarded mail."""

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
