"""Storing files uploaded in the portal or the back-office (issue #10 §4): every file is
checked again (type, and both quotas), so the storing service refuses too; the files are
written by the one storing helper (`tickets.services.attachments`). The coordinators' alert
when a quota is now reached is a mail: the caller writes it in the same transaction
(`notifications.services.upload_alerts.quota_reached_alert`, called by `portal.attachments`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from contracts.models import Customer
from tickets.models import Attachment, Ticket, TicketMessage
from tickets.services.attachments import attachment_file_write, safe_filename
from tickets.services.uploads.filetypes import UploadCheck, UploadRefused, _read, upload_check
from tickets.services.uploads.quotas import quota_problem


@transaction.atomic
def uploads_store(
    files: Sequence[UploadedFile[bytes]],
    *,
    ticket: Ticket,
    message: TicketMessage | None,
    now: datetime,
) -> list[Attachment]:
    """Store files uploaded in the portal or the back-office on a ticket. Every file is checked
    again (type, and both quotas under a lock on the organisation, so two uploads at once
    cannot both pass); a refusal raises UploadRefused and stores nothing of the batch."""
    if not files:
        return []
    customer = Customer.objects.select_for_update().get(pk=ticket.customer_id)
    checked: list[tuple[UploadCheck, bytes]] = []
    for upload in files:
        content = _read(upload)
        checked.append((upload_check(name=upload.name or "", content=content), content))
    incoming = sum(len(content) for _check, content in checked)
    problem = quota_problem(customer=customer, ticket=ticket, incoming=incoming, now=now)
    if problem is not None:
        raise UploadRefused(problem.message)
    stored: list[Attachment] = []
    for index, (check, content) in enumerate(checked, start=1):
        name = safe_filename(check.name, index, check.content_type)
        stored.append(
            attachment_file_write(
                content=content,
                name=name,
                content_type=check.content_type,
                ticket=ticket,
                message=message,
                now=now,
            )
        )
    return Attachment.objects.bulk_create(stored)  # one INSERT for the batch
