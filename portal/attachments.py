"""Files uploaded in the portal and the back-office: checked and stored by tickets' upload
policy (`tickets.services.uploads`, issue #10 §4), and the coordinators alerted, in the same
transaction, when a quota is now reached (a mail: `notifications.services.upload_alerts`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from notifications.services.upload_alerts import quota_reached_alert
from tickets.models import Attachment, Ticket, TicketMessage
from tickets.services.uploads import UploadRefused
from tickets.services.uploads import uploads_store as tickets_uploads_store

__all__ = ["UploadRefused", "uploads_store"]


@transaction.atomic
def uploads_store(
    files: Sequence[UploadedFile[bytes]],
    *,
    ticket: Ticket,
    message: TicketMessage | None,
    now: datetime,
) -> list[Attachment]:
    """Store the files on the ticket (every file checked again; a refusal raises UploadRefused
    and stores nothing), then alert once for each quota the stored bytes have now reached."""
    stored = tickets_uploads_store(files, ticket=ticket, message=message, now=now)
    if stored:
        quota_reached_alert(customer=ticket.customer, ticket=ticket, now=now)
    return stored
