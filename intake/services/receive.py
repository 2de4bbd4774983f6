"""One pipeline behind every transport: store the raw message, then route it (D13).

`inbound_receive` is what IMAP, the SMTP listener and the MTA pipe call. The raw message is
committed before anything else; routing runs in its own transaction, and any failure there
quarantines the message with its error instead of losing it or stopping the messages behind it.

A duplicate is the same message delivered again: the same Message-ID and the same content
(`intake.identity.dedupe_key_for`); a different message reusing a Message-ID is stored and
routed as its own. A message refused at the door (over INTAKE_MAX_BYTES) still leaves a record:
a quarantined stub with its headers and size, flagged `refused`, and its sender is told once
(issue #10 §1).
"""

from __future__ import annotations

import hashlib
import logging
import traceback
from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from contracts.bulk_sql import execute_unsynced
from contracts.inserts import insert_statement, mark_saved
from contracts.text import display_line
from intake.identity import (
    dedupe_key_for,
    identity_of,
    refusal_key_for,
    split_head,
    subject_of,
)
from intake.models import Flag, InboundMessage, Outcome
from intake.parsing import Limits, MessageRejected, message_id_of, parse_message
from intake.raw import raw_object_put, raw_on_objects
from intake.services.receipt import refusal_notice_send
from intake.services.route import RoutedMeanwhile, inbound_route

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


class InboundRefused(MessageRejected):
    """Refused at the door (the transport answers 552 / exit 65); `inbound` is its record."""

    def __init__(self, reason: str, inbound: InboundMessage) -> None:
        super().__init__(reason)
        self.inbound = inbound


def size_refusal(size: int) -> str:
    return f"message of {size} bytes is over {settings.INTAKE_MAX_BYTES}"


def _subject_of(head: bytes) -> str:
    try:
        return display_line(subject_of(head))[:500]
    except Exception:
        return ""


def inbound_refuse(
    *, raw: bytes, size: int, reason: str, transport: str, now: datetime, mailbox: str = ""
) -> tuple[InboundMessage, bool]:
    """Record a refused message once: a quarantined stub with its headers (the first
    INTAKE_REFUSED_KEEP_BYTES) and its size; the sender is told once, when it is a person.
    `raw` is what the transport has of the message (all of it, or at least its start)."""
    head = split_head(raw)[0][: settings.INTAKE_REFUSED_KEEP_BYTES]
    identity = identity_of(head, authserv_id=settings.INTAKE_AUTHSERV_ID)
    key = refusal_key_for(raw)
    try:
        with transaction.atomic():
            inbound = InboundMessage.objects.create(
                dedupe_key=key,
                message_id=message_id_of(head),
                sha256=hashlib.sha256(raw).hexdigest(),
                size=size,
                raw=head,
                transport=transport,
                mailbox=mailbox,
                received_at=now,
                outcome=Outcome.QUARANTINED,
                flag=Flag.REFUSED,
                reason=f"refused: {reason}; only the headers were kept",
                error=reason,
                sender_email=identity.address[:254],
                sender_name=display_line(identity.name)[:200],
                subject=_subject_of(head),
                processed_at=now,
            )
            refusal_notice_send(inbound=inbound, identity=identity, now=now)
        return inbound, True
    except IntegrityError:  # the same message refused before: recorded and answered then
        return InboundMessage.objects.get(dedupe_key=key), False


def _insert(*, routed_next: bool, **fields: object) -> InboundMessage:
    """One INSERT, committed on its own when no transaction is open (autocommit: no BEGIN and
    COMMIT round trips); inside a caller's transaction a savepoint keeps a duplicate's
    IntegrityError from breaking it.

    `routed_next`: the caller routes the message right away and answers its transport only
    after that. Then the commit does not wait for the disk (PostgreSQL's synchronous_commit
    off for this one statement, contracts.bulk_sql): the routing's own commit waits for it,
    and the log reaches the disk in order, so the raw bytes are on disk before the routing's
    outcome is, and before the transport is told the message was taken (a crash of the
    database before that loses a message the transport still holds and delivers again)."""
    if connection.in_atomic_block:
        with transaction.atomic():
            return InboundMessage.objects.create(**fields)
    if not routed_next:
        return InboundMessage.objects.create(**fields)
    inbound = InboundMessage(**fields)
    sql, params = insert_statement([inbound])
    [(pk,)] = execute_unsynced(sql, params)
    mark_saved(inbound, pk)
    return inbound


def inbound_store(
    *, raw: bytes, transport: str, now: datetime, mailbox: str = "", claimed: bool = False
) -> tuple[InboundMessage, bool]:
    """Commit the raw message; (existing row, False) for a redelivery of the same message.
    `claimed`: the caller routes it right away, so the row is written with that routing
    attempt already counted (a router that dies still used it). Over INTAKE_MAX_BYTES: the
    refusal is recorded and InboundRefused raised."""
    if len(raw) > settings.INTAKE_MAX_BYTES:
        reason = size_refusal(len(raw))
        stub, _ = inbound_refuse(
            raw=raw, size=len(raw), reason=reason, transport=transport, mailbox=mailbox, now=now
        )
        raise InboundRefused(reason, stub)
    message_id = message_id_of(raw)
    key = dedupe_key_for(raw, message_id)
    digest = hashlib.sha256(raw).hexdigest()
    # On object storage the bytes are written first and the row names them (intake.raw).
    raw_file = raw_object_put(raw, digest) if raw_on_objects() else ""
    try:
        inbound = _insert(
            dedupe_key=key,
            message_id=message_id,
            sha256=digest,
            size=len(raw),
            raw=b"" if raw_file else raw,
            raw_file=raw_file,
            transport=transport,
            mailbox=mailbox,
            received_at=now,
            attempts=1 if claimed else 0,
            routed_next=claimed,
        )
        inbound.raw_in_hand = raw
        return inbound, True
    except IntegrityError:  # stored before: a redelivery, acknowledged with no effect
        existing = InboundMessage.objects.filter(dedupe_key=key).first()
        if existing is None:  # another constraint: the error itself, not "no such row"
            raise
        return existing, False


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
    return _route(InboundMessage.objects.get(pk=inbound_id), now)


def _route(inbound: InboundMessage, now: datetime) -> InboundMessage:
    """Route `inbound` (its attempt counted) in one transaction. No lock is taken up front:
    the outcome is written only while the row still says "received" (`RoutedMeanwhile`
    otherwise), so of two routers racing for one message one commits and the other's work
    is rolled back whole."""
    try:
        with transaction.atomic():
            parsed = parse_message(
                inbound.raw_message(),
                intake_limits(),
                settings.MESSAGE_ID_DOMAIN,
                parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
            )
            inbound_route(inbound=inbound, parsed=parsed, now=now)
            return inbound
    except RoutedMeanwhile:
        return InboundMessage.objects.get(pk=inbound.pk)
    except Exception as exc:
        log.exception("inbound message %s quarantined", inbound.pk)
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        InboundMessage.objects.filter(pk=inbound.pk, outcome=Outcome.RECEIVED).update(
            outcome=Outcome.QUARANTINED, error=detail[:4000], processed_at=now
        )
        return InboundMessage.objects.get(pk=inbound.pk)


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
    inbound, created = inbound_store(
        raw=raw, transport=transport, mailbox=mailbox, now=now, claimed=True
    )
    if not created:
        return inbound, False
    # Routed from the row in hand: the raw bytes are not read back from the database.
    return _route(inbound, now), True


def inbound_retry_stuck(*, now: datetime) -> int:
    """Route messages stored but never routed (the router died after the raw was committed);
    a message that keeps failing ends quarantined, so the ones behind it go on."""
    stuck = InboundMessage.objects.filter(
        outcome=Outcome.RECEIVED, received_at__lte=now - STUCK_AFTER
    ).values_list("pk", flat=True)[:200]
    for inbound_id in list(stuck):
        inbound_process(inbound_id=inbound_id, now=now)
    return len(stuck)
