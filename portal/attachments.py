"""Files uploaded in the portal: the intake's safe naming and type sniffing (issue #4/#5)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files.base import ContentFile

from intake.models import InboundAttachment
from intake.services.attachments import safe_filename, sniffed_type
from tickets.models import Ticket, TicketMessage


def uploads_store(files: list[Any], *, ticket: Ticket, message: TicketMessage | None) -> None:
    for index, upload in enumerate(files, start=1):
        content = upload.read()
        content_type = sniffed_type(content, upload.content_type or "")
        name = safe_filename(upload.name or "", index, content_type)
        attachment = InboundAttachment(
            ticket=ticket,
            ticket_message=message,
            filename=name,
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        attachment.file.save(name, ContentFile(content), save=False)
        attachment.save()
