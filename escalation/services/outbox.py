"""The outbox (DECISIONS D12): written with the change, sent by a task, re-sent by a relay.

A broker outage delays mail; it never loses it or sends it twice. A send first claims the row
(attempt counted, short lease, committed), talks SMTP outside any transaction, then marks it
sent: a worker killed mid-send leaves the row to the relay after the lease, so at most one
duplicate, only when the kill falls after the server accepted (same Message-ID, recognisable).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction

from escalation.models import Escalation, OutboxEmail, OutboxState
from tickets.models import Ticket

log = logging.getLogger(__name__)

SEND_TASK = "escalation.tasks.outbox_send_task"


@dataclass(frozen=True)
class Email:
    to_email: str
    to_name: str
    language: str
    subject: str
    body_text: str
    body_html: str


def message_id_for(key: str) -> str:
    """Deterministic: a re-send of the same row carries the same Message-ID."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<{digest}@{settings.MESSAGE_ID_DOMAIN}>"


def outbox_dispatch(outbox_id: int) -> None:
    """Ask a worker to send now; if the broker is down the relay sends it later."""
    try:
        current_app.send_task(SEND_TASK, args=[outbox_id])
    except Exception:
        log.warning("broker unavailable; outbox row %s left for the relay", outbox_id)


def outbox_enqueue(
    *,
    key: str,
    email: Email,
    now: datetime,
    send_after: datetime | None = None,
    ticket: Ticket | None = None,
    escalation: Escalation | None = None,
) -> OutboxEmail | None:
    """Write one email in the caller's transaction; None if `key` was already written."""
    row, created = OutboxEmail.objects.get_or_create(
        key=key,
        defaults={
            "message_id": message_id_for(key),
            "to_email": email.to_email,
            "to_name": email.to_name,
            "language": email.language,
            "subject": email.subject,
            "body_text": email.body_text,
            "body_html": email.body_html,
            "ticket": ticket,
            "escalation": escalation,
            "created_at": now,
            "send_after": send_after or now,
        },
    )
    if not created:
        return None
    if row.send_after <= now:
        transaction.on_commit(lambda: outbox_dispatch(row.pk))
    return row


def outbox_enqueue_many(
    emails: list[tuple[str, Email]],
    *,
    now: datetime,
    send_after: datetime,
    ticket: Ticket | None = None,
    escalation: Escalation | None = None,
) -> list[OutboxEmail]:
    """Write several new emails in one INSERT (their keys must be new, e.g. a new escalation's);
    a clash raises IntegrityError rather than sending twice."""
    rows = OutboxEmail.objects.bulk_create(
        OutboxEmail(
            key=key,
            message_id=message_id_for(key),
            to_email=email.to_email,
            to_name=email.to_name,
            language=email.language,
            subject=email.subject,
            body_text=email.body_text,
            body_html=email.body_html,
            ticket=ticket,
            escalation=escalation,
            created_at=now,
            send_after=send_after,
        )
        for key, email in emails
    )
    if send_after <= now:
        for row in rows:
            transaction.on_commit(functools.partial(outbox_dispatch, row.pk))
    return rows


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def _claim(outbox_id: int, now: datetime) -> OutboxEmail | None:
    """Count the attempt and take a short lease, committed before any SMTP traffic: a worker
    that dies mid-send still used an attempt, so repeated crashes end in `failed`."""
    with transaction.atomic():
        row = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=outbox_id, state=OutboxState.PENDING, send_after__lte=now)
            .first()
        )
        if row is None:
            return None
        if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            # Every attempt so far ended without a verdict (the sender died): stop here.
            row.state = OutboxState.FAILED
            row.last_error = row.last_error or f"gave up after {row.attempts} unfinished attempts"
            row.save(update_fields=["state", "last_error"])
            return None
        row.attempts += 1
        row.send_after = now + timedelta(seconds=settings.OUTBOX_SEND_LEASE_SECONDS)
        row.save(update_fields=["attempts", "send_after"])
        return row


def outbox_send(*, outbox_id: int, now: datetime) -> bool:
    """Send one pending row if it is due and nobody else holds it; True if it was sent.

    Three steps: claim (committed), the SMTP exchange outside any transaction, then a
    compare-and-set to `sent`. A crash after the server accepted but before the last step
    leaves the row to be re-sent after the lease: one duplicate, with the same Message-ID."""
    row = _claim(outbox_id, now)
    if row is None:
        return False
    try:
        _smtp_send(row)
    except Exception as exc:
        failed = row.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        OutboxEmail.objects.filter(pk=row.pk, state=OutboxState.PENDING).update(
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            state=OutboxState.FAILED if failed else OutboxState.PENDING,
            send_after=now + _backoff(row.attempts),
        )
        log.warning("outbox row %s: attempt %s failed: %s", row.pk, row.attempts, exc)
        return False
    OutboxEmail.objects.filter(pk=row.pk, state=OutboxState.PENDING).update(
        state=OutboxState.SENT, sent_at=now
    )
    return True


def _smtp_send(row: OutboxEmail) -> None:
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[f"{row.to_name} <{row.to_email}>" if row.to_name else row.to_email],
        headers={"Message-ID": row.message_id, "Auto-Submitted": "auto-generated"},
        connection=get_connection(fail_silently=False),
    )
    message.attach_alternative(row.body_html, "text/html")
    message.send(fail_silently=False)


def outbox_due_ids(*, now: datetime, limit: int = 500) -> list[int]:
    """Pending rows whose time has come, oldest first (the relay's one indexed query)."""
    return list(
        OutboxEmail.objects.filter(state=OutboxState.PENDING, send_after__lte=now)
        .order_by("send_after")
        .values_list("pk", flat=True)[:limit]
    )
