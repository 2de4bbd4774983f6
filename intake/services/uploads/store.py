"""Storing files uploaded in the portal or the back-office (issue #10 §4): every file is
checked again (type, and both quotas), so the storing service refuses too."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from contracts.models import Customer
from intake.models import InboundAttachment
from intake.services.uploads.filetypes import UploadCheck, UploadRefused, _read, upload_check
from intake.services.uploads.quotas import quota_problem, quota_reached_alert
from tickets.models import Ticket, TicketMessage


@transaction.atomic
def uploads_store(
    files: Sequence[UploadedFile[bytes]],
    *,
    ticket: Ticket,
    message: TicketMessage | None,
    now: datetime,
) -> list[InboundAttachment]:
    """Store files uploaded in the portal or the back-office on a ticket. Every file is checked
    again (type, and both quotas under a lock on the organisation, so two uploads at once
    cannot both pass); a refusal raises UploadRefused and stores nothing of the batch."""
    from intake.services.attachments import safe_filename  # one naming rule with the email

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
    stored: list[InboundAttachment] = []
    for index, (check, content) in enumerate(checked, start=1):
        name = safe_filename(check.name, index, check.content_type)
        attachment = InboundAttachment(
            ticket=ticket,
            ticket_message=message,
            filename=name,
            content_type=check.content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            stored_at=now,
        )
        attachment.file.save(name, ContentFile(content), save=False)
        attachment.save()
        stored.append(attachment)
    quota_reached_alert(customer=customer, ticket=ticket, now=now)
    return stored
