"""Storing a file on a ticket: one naming rule and one way to write the file and its row, for
email attachments and for files uploaded in the portal or the back-office.

The checks are the caller's: intake's upload policy (type, quotas, the coordinators' alert,
`intake.services.uploads`) runs them before it stores anything here.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import unicodedata
from datetime import datetime

from django.core.files.base import ContentFile

from contracts.text import display_line
from tickets.models import Attachment, Ticket, TicketMessage

_UNSAFE = re.compile(r"[^\w.\- ()+,@]")


def safe_filename(name: str, index: int, content_type: str) -> str:
    """No path parts, no control, bidi or zero-width characters, no leading dots; always
    something usable."""
    name = display_line(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C"
    )
    name = _UNSAFE.sub("_", name).strip(" .")[:150]
    if not name:
        extension = mimetypes.guess_extension(content_type) or ".bin"
        name = f"attachment-{index}{extension}"
    return name


def attachment_file_write(
    *,
    content: bytes,
    name: str,
    content_type: str,
    ticket: Ticket | None,
    now: datetime,
    message: TicketMessage | None = None,
    inbound_id: int | None = None,
) -> Attachment:
    """Write one checked file (named by `safe_filename`) and make its row, not yet inserted: a
    caller storing several inserts their rows at once (`Attachment.objects.bulk_create`);
    `inbound_id` for a file that came with an email, `message` for one uploaded with a ticket
    message."""
    attachment = Attachment(
        inbound_id=inbound_id,
        ticket=ticket,
        ticket_message=message,
        filename=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        stored_at=now,
    )
    attachment.file.save(name, ContentFile(content), save=False)
    return attachment
