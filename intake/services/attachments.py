"""Attachments from email: bounded, safely named, type sniffed (issue #4 §2)."""

from __future__ import annotations

import hashlib
import mimetypes
import re
import unicodedata

import filetype
from django.core.files.base import ContentFile

from intake.models import InboundAttachment, InboundMessage
from intake.parsing import Parsed
from tickets.models import Ticket

_UNSAFE = re.compile(r"[^\w.\- ()+,@]")


def safe_filename(name: str, index: int, content_type: str) -> str:
    """No path parts, no control characters, no leading dots; always something usable."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C"
    )
    name = _UNSAFE.sub("_", name).strip(" .")[:150]
    if not name:
        extension = mimetypes.guess_extension(content_type) or ".bin"
        name = f"attachment-{index}{extension}"
    return name


def sniffed_type(content: bytes, declared: str) -> str:
    """The type the bytes really have; the sender's declaration only for plain text."""
    kind = filetype.guess(content[:8192])
    if kind is not None:
        return kind.mime
    return declared if declared.startswith("text/") else "application/octet-stream"


def attachments_store(inbound: InboundMessage, parsed: Parsed, ticket: Ticket | None) -> None:
    for index, part in enumerate(parsed.attachments, start=1):
        content_type = sniffed_type(part.content, part.declared_type)
        name = safe_filename(part.filename, index, content_type)
        digest = hashlib.sha256(part.content).hexdigest()
        attachment = InboundAttachment(
            inbound=inbound,
            ticket=ticket,
            filename=name,
            content_type=content_type,
            size=len(part.content),
            sha256=digest,
        )
        attachment.file.save(name, ContentFile(part.content), save=False)
        attachment.save()
    if parsed.skipped_attachments:
        inbound.reason = (inbound.reason + "\n" if inbound.reason else "") + (
            "attachments not kept: " + "; ".join(parsed.skipped_attachments)
        )
        inbound.save(update_fields=["reason"])
