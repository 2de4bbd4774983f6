"""Attachments from email: bounded, safely named, type sniffed (issue #4 §2), within the storage
quotas (issue #10 §4): an attachment over a quota is not stored but noted on the message (the
raw mail keeps it), and the coordinators are alerted once."""

from __future__ import annotations

import filetype
from django.db import transaction

from contracts.models import Customer
from intake.models import InboundMessage
from intake.parsing import Parsed
from notifications.services.upload_alerts import quota_reached_alert, upload_quota_alert
from tickets.models import Attachment, Ticket
from tickets.services.attachments import attachment_file_write, safe_filename
from tickets.services.uploads import quota_problem, quota_use


def sniffed_type(content: bytes, declared: str) -> str:
    """The type the bytes really have; the sender's declaration only for plain text."""
    kind = filetype.guess(content[:8192])
    if kind is not None:
        return str(kind.mime)
    return declared if declared.startswith("text/") else "application/octet-stream"


def attachments_store(inbound: InboundMessage, parsed: Parsed, ticket: Ticket | None) -> None:
    """Store the message's attachments (quotas apply) and note what was not kept. A message
    without attachments costs no lock and no quota query (most mail has none)."""
    if parsed.attachments or parsed.skipped_attachments:
        _attachments_store(inbound, parsed, ticket)


@transaction.atomic(savepoint=False)  # the routing's transaction: all of it or nothing
def _attachments_store(inbound: InboundMessage, parsed: Parsed, ticket: Ticket | None) -> None:
    now = inbound.received_at
    customer = Customer.objects.select_for_update().get(pk=ticket.customer_id) if ticket else None
    # Asked once for the message (the customer's row lock holds the day's count still).
    use = quota_use(customer=customer, ticket=ticket, now=now) if customer else None
    not_kept = list(parsed.skipped_attachments)
    kept: list[Attachment] = []
    for index, part in enumerate(parsed.attachments, start=1):
        content_type = sniffed_type(part.content, part.declared_type)
        name = safe_filename(part.filename, index, content_type)
        if customer is not None:
            problem = quota_problem(
                customer=customer, ticket=ticket, incoming=len(part.content), now=now, use=use
            )
            if problem is not None:
                upload_quota_alert(customer=customer, ticket=ticket, scope=problem.scope, now=now)
                not_kept.append(f"{name} ({len(part.content)} bytes): {problem.message}")
                continue
        kept.append(
            attachment_file_write(
                content=part.content,
                name=name,
                content_type=content_type,
                ticket=ticket,
                now=now,
                inbound_id=inbound.pk,
            )
        )
        if use is not None:
            use.add(len(part.content))
    Attachment.objects.bulk_create(kept)  # one INSERT for the message's files
    if customer is not None:
        quota_reached_alert(customer=customer, ticket=ticket, now=now, use=use)
    if not_kept:
        inbound.reason = (inbound.reason + "\n" if inbound.reason else "") + (
            "attachments not kept: " + "; ".join(not_kept)
        )
        inbound.save(update_fields=["reason"])
