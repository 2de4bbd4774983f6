"""One pipeline behind every transport: store the raw message, then route it (D13).

`inbound_receive` is what IMAP, the SMTP listener and the MTA pipe call. The raw message is
committed before anything else; routing runs in its own transaction, and any failure there
quarantines the message with its error instead of losing it or stopping the messages behind it.
"""

from __future__ import annotations

import hashlib
import logging
import traceback
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from intake.models import InboundMessage, Outcome
from intake.parsing import Limits, MessageRejected, message_id_of, parse_message
from intake.services.route import inbound_route

log = logging.getLogger(__name__)

MAX_ROUTING_ATTEMPTS = 3
STUCK_AFTER = timedelta(minutes=5)


def intake_limits() -> Limits:
    return Limits(
        max_bytes=settings.INTAKE_MAX_BYTES,
        max_parts=settings.INTAKE_MAX_PARTS,
        max_depth=settings.INTAKE_MAX_DEPTH,
        max_attachments=settings.INTAKE_MAX_ATTACHMENTS,
        max_attachment_bytes=settings.INTAKE_MAX_ATTACHMENT_BYTES,
    )


def inbound_store(
    *, raw: bytes, transport: str, now: datetime, mailbox: str = ""
) -> tuple[InboundMessage, bool]:
    """Commit the raw message; (existing row, False) for a redelivery of the same message."""
    if len(raw) > settings.INTAKE_MAX_BYTES:
        raise MessageRejected(f"message of {len(raw)} bytes is over {settings.INTAKE_MAX_BYTES}")
    digest = hashlib.sha256(raw).hexdigest()
    message_id = message_id_of(raw)
    key = f"id:{message_id}" if message_id else f"sha256:{digest}"
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(
                dedupe_key=key,
                message_id=message_id,
                sha256=digest,
                size=len(raw),
                raw=raw,
                transport=transport,
                mailbox=mailbox,
                received_at=now,
            )
        return inbound, True
    except IntegrityError:  # stored before: a redelivery, acknowledged with no effect
        return InboundMessage.objects.get(dedupe_key=key), False


def inbound_process(*, inbound_id: int, now: datetime) -> InboundMessage:
    """Route a stored message once; a failure quarantines it with the error."""
    # Count the attempt first, committed on its own (autocommit): a router that dies while
    # routing still used an attempt, so a message that kills it every time ends quarantined.
    claimed = InboundMessage.objects.filter(
        pk=inbound_id, outcome=Outcome.RECEIVED, attempts__lt=MAX_ROUTING_ATTEMPTS
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        _quarantine_exhausted(inbound_id, now)
        return InboundMessage.objects.get(pk=inbound_id)
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.select_for_update().get(pk=inbound_id)
            if inbound.outcome != Outcome.RECEIVED:
                return inbound  # routed meanwhile by another worker
            parsed = parse_message(
                bytes(inbound.raw),
                intake_limits(),
                settings.MESSAGE_ID_DOMAIN,
                parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
            )
            inbound_route(inbound=inbound, parsed=parsed, now=now)
            return inbound
    except Exception as exc:
        log.exception("inbound message %s quarantined", inbound_id)
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        InboundMessage.objects.filter(pk=inbound_id, outcome=Outcome.RECEIVED).update(
            outcome=Outcome.QUARANTINED, error=detail[:4000], processed_at=now
        )
        return InboundMessage.objects.get(pk=inbound_id)


def _quarantine_exhausted(inbound_id: int, now: datetime) -> None:
    InboundMessage.objects.filter(
        pk=inbound_id, outcome=Outcome.RECEIVED, attempts__gte=MAX_ROUTING_ATTEMPTS
    ).update(
        outcome=Outcome.QUARANTINED,
        error=f"routing did not finish in {MAX_ROUTING_ATTEMPTS} attempts",
        processed_at=now,
    )


def inbound_receive(
    *, raw: bytes, transport: str, now: datetime, mailbox: str = ""
) -> tuple[InboundMessage, bool]:
    """Store, then route: (message, False) when it was a duplicate with no effect."""
    inbound, created = inbound_store(raw=raw, transport=transport, mailbox=mailbox, now=now)
    if not created:
        return inbound, False
    return inbound_process(inbound_id=inbound.pk, now=now), True


def inbound_retry_stuck(*, now: datetime) -> int:
    """Route messages stored but never routed (the router died after the raw was committed);
    a message that keeps failing ends quarantined, so the ones behind it go on."""
    stuck = InboundMessage.objects.filter(
        outcome=Outcome.RECEIVED, received_at__lte=now - STUCK_AFTER
    ).values_list("pk", flat=True)[:200]
    for inbound_id in list(stuck):
        inbound_process(inbound_id=inbound_id, now=now)
    return len(stuck)
