"""The outbox (DECISIONS D12): written with the change, sent by a task, re-sent by a relay.

A broker outage delays mail; it never loses it or sends it twice. A send first claims the row
(attempt counted, short lease, committed), talks SMTP outside any transaction, then marks it
sent: a worker killed mid-send leaves the row to the relay after the lease, so at most one
duplicate, only when the kill falls after the server accepted (same Message-ID, recognisable).

A publish never blocks the request that wrote the row: the broker timeouts are short (settings)
and a failed publish is only logged; the relay sends the row later. A server's permanent
refusal (5xx) fails the row at once; a temporary one (4xx, no connection) backs off. After an
outage the relay catches up itself, a bounded number per run, each ticket's mails in level
order, and a mail sent well after it was meant to go says how late it is.
"""

from __future__ import annotations

import atexit
import functools
import logging
import smtplib
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.header import Header
from email.message import Message as PlainMessage
from email.utils import formataddr
from typing import Any
from zoneinfo import ZoneInfo

from celery import current_app
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, models, transaction
from django.db.models import F, Min, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import override

from contracts.inserts import insert_returning, insert_statement, mark_saved
from contracts.text import display_line
from notifications.models import OutboxEmail, OutboxState
from notifications.services.publisher import BackgroundPublisher
from notifications.signals import outbox_refused
from tickets.models import Ticket

log = logging.getLogger(__name__)

SEND_TASK = "escalation.tasks.outbox_send_task"
SEND_MANY_TASK = "notifications.tasks.outbox_send_many_task"


@dataclass(frozen=True)
class EmailAttachment:
    """A file kept in the default storage, sent with the mail: read when the mail is sent, so
    a row stays small and a re-send carries the very same bytes."""

    path: str
    name: str
    content_type: str


@dataclass(frozen=True)
class Email:
    to_email: str
    to_name: str
    language: str
    subject: str
    body_text: str
    body_html: str
    attachment: EmailAttachment | None = None


def message_id_for(key: str) -> str:
    """Stored with the row, so a re-send carries the same Message-ID; keyed with SECRET_KEY,
    so nobody outside can compute the id of a ticket's mail and forge a reply into its thread.
    Intake threading looks the stored id up; rows written before keep theirs."""
    digest = salted_hmac("servicedesk.outbox.message-id", key, algorithm="sha256").hexdigest()
    return f"<{digest[:40]}@{settings.MESSAGE_ID_DOMAIN}>"


@dataclass
class _PublishPause:
    """After a failed publish, this process skips publishing for OUTBOX_PUBLISH_PAUSE_SECONDS:
    a request that writes several rows waits for the broker once, not once per row, and the
    requests after it not at all while the broker is known to be down."""

    until: float = 0.0


_publish_pause = _PublishPause()


def outbox_publish_pause_end() -> None:
    """Publish again at once (the broker is back, or a test starts afresh)."""
    _publish_pause.until = 0.0


def task_publish(task: str, arg: int | list[int], what: str) -> None:
    """Ask a worker to run `task` for one row (or a list of rows) now; if the broker is down or
    stalls, the row's relay handles it later (the outbox's, the webhooks').

    Runs on commit, often inside a web request. With TASK_PUBLISH_BACKGROUND (the default) the
    message is only queued here and published by the process's publisher thread, several rows
    of a task to one message (notifications.services.publisher); else it is published here,
    within the broker timeouts of the settings."""
    if settings.TASK_PUBLISH_BACKGROUND:
        _publisher.submit(task, arg, what)
    else:
        task_send(task, arg, what, current_app)


def task_send(task: str, arg: int | list[int], what: str, app: Any) -> None:
    """Publish one message through the Celery `app` now; a failure pauses publishing for a
    while, and no failure reaches the caller (the row is saved and stays pending)."""
    if time.monotonic() < _publish_pause.until:
        log.warning("broker unavailable; %s %s left for the relay (paused)", what, arg)
        return
    try:
        app.send_task(task, args=[arg])
    except Exception as exc:  # any broker or network failure: the relay is the fallback
        _publish_pause.until = time.monotonic() + settings.OUTBOX_PUBLISH_PAUSE_SECONDS
        log.warning(
            "broker unavailable; %s %s left for the relay (%s: %s)",
            what,
            arg,
            type(exc).__name__,
            exc,
        )


def task_publish_flush(timeout: float | None = None) -> bool:
    """Wait until this process's queued publishes are published (True), or `timeout` seconds
    (default: the broker's connection and publish timeouts): at exit, after a Celery task."""
    if timeout is None:
        timeout = settings.CELERY_BROKER_CONNECTION_TIMEOUT + settings.CELERY_BROKER_PUBLISH_TIMEOUT
    return _publisher.flush(timeout)


# Rows a worker is asked to send in one message: a sweep or a change that writes many mails
# publishes once per this many (one publish costs about as much as writing ten rows), and the
# rows still spread over the workers.
SEND_CHUNK = 25

# Other tasks publish one id a message (webhook deliveries, pager steps).
_publisher = BackgroundPublisher(
    send=task_send,
    capture=lambda: current_app._get_current_object(),
    many={SEND_TASK: SEND_MANY_TASK},
    chunk=SEND_CHUNK,
    linger=settings.TASK_PUBLISH_LINGER_SECONDS,
)
atexit.register(task_publish_flush)


def outbox_dispatch(outbox_id: int | list[int]) -> None:
    """Ask a worker to send one row now, or several (one message per SEND_CHUNK rows); if the
    broker is down or stalls the relay sends them later."""
    if isinstance(outbox_id, int):
        task_publish(SEND_TASK, outbox_id, "outbox row")
        return
    for start in range(0, len(outbox_id), SEND_CHUNK):
        task_publish(SEND_MANY_TASK, outbox_id[start : start + SEND_CHUNK], "outbox rows")


def _attachment_fields(attachment: EmailAttachment | None) -> dict[str, str]:
    if attachment is None:
        return {}
    return {
        "attachment_path": attachment.path,
        "attachment_name": attachment.name,
        "attachment_type": attachment.content_type,
    }


@dataclass(frozen=True)
class OutboxDraft:
    """One email to write: its key (written once), the mail, and where it belongs."""

    key: str
    email: Email
    send_after: datetime
    ticket: Ticket | None = None
    escalation_id: int | None = None
    auto_submitted: bool = True
    # Written in its place when `key` was written before (a combined mail whose occasion was
    # already told gets the plain copy).
    instead: OutboxDraft | None = None

    def row(self, now: datetime) -> OutboxEmail:
        return OutboxEmail(
            key=self.key,
            message_id=message_id_for(self.key),
            to_email=self.email.to_email,
            to_name=self.email.to_name,
            language=self.email.language,
            subject=self.email.subject,
            body_text=self.email.body_text,
            body_html=self.email.body_html,
            **_attachment_fields(self.email.attachment),
            auto_submitted=self.auto_submitted,
            ticket=self.ticket,
            escalation_id=self.escalation_id,
            created_at=now,
            send_after=self.send_after,
            planned_at=self.send_after,
        )


@dataclass(frozen=True)
class OutboxInsert:
    """New mails' INSERT not run yet (`outbox_inserts_carried`): its statement (RETURNING the
    rows' keys in their order) and the unsaved rows."""

    sql: str
    params: list[Any]
    rows: list[OutboxEmail]
    now: datetime


_carried: ContextVar[list[OutboxInsert] | None] = ContextVar("outbox_carried", default=None)


@contextmanager
def outbox_inserts_carried() -> Iterator[None]:
    """Inside the block (a ticket change's receivers), on PostgreSQL, new mails whose keys
    must be new are not written at once: the next statement that takes them
    (`outbox_inserts_take`, the change's webhook event) runs their INSERT as a WITH query of its
    own, one round trip for both; what nobody took is written at the block's end. Either way in
    the caller's transaction, before it commits; a clash raises IntegrityError there."""
    token = _carried.set([])
    try:
        yield
        for carried in outbox_inserts_take():
            with connection.cursor() as cursor:
                cursor.execute(carried.sql, carried.params)
                outbox_inserted(carried, [pk for (pk,) in cursor.fetchall()])
    finally:
        _carried.reset(token)


def outbox_inserts_take() -> list[OutboxInsert]:
    """The INSERTs waiting to be carried; the taker runs them and calls `outbox_inserted`."""
    waiting = _carried.get()
    if not waiting:
        return []
    taken = list(waiting)
    waiting.clear()
    return taken


def outbox_inserted(carried: OutboxInsert, pks: list[int]) -> None:
    """The carried rows are written with `pks`, in order: saved, the due ones published on
    commit."""
    for row, pk in zip(carried.rows, pks, strict=True):
        mark_saved(row, pk)
    outbox_written_dispatch(carried.rows, carried.now)


def outbox_written_dispatch(written: list[OutboxEmail], now: datetime) -> None:
    """Rows written (by `outbox_write`, or by a caller's own statement of `OutboxDraft.row`s):
    the due ones are published on commit."""
    due = [row.pk for row in written if row.send_after <= now]
    if due:
        transaction.on_commit(functools.partial(outbox_dispatch, due if len(due) > 1 else due[0]))


def outbox_write(
    drafts: list[OutboxDraft], *, now: datetime, skip_written: bool = True
) -> list[OutboxEmail]:
    """Write emails in the caller's transaction with one INSERT and return the rows written; the
    due ones are published on commit in one message per SEND_CHUNK rows. A draft whose key was
    written before is left out (its `instead` written), or, without `skip_written`, raises
    IntegrityError rather than sending twice (for keys that must be new); such rows may be
    carried by a later statement of the transaction (`outbox_inserts_carried`), their keys
    set then."""
    rows = [draft.row(now) for draft in drafts]
    waiting = _carried.get()
    if not skip_written and waiting is not None and connection.vendor == "postgresql" and rows:
        sql, params = insert_statement(rows)
        waiting.append(OutboxInsert(sql, params, rows, now))
        return rows
    if skip_written:
        written = insert_returning(rows, skip_clashes=["key"])
        keys = {row.key for row in written}
        instead = [d.instead for d in drafts if d.key not in keys and d.instead is not None]
        if instead:
            written += insert_returning([d.row(now) for d in instead], skip_clashes=["key"])
    else:
        written = insert_returning(rows)
    outbox_written_dispatch(written, now)
    return written


def outbox_enqueue(
    *,
    key: str,
    email: Email,
    now: datetime,
    send_after: datetime | None = None,
    ticket: Ticket | None = None,
    escalation: models.Model | None = None,
    auto_submitted: bool = True,
) -> OutboxEmail | None:
    """Write one email in the caller's transaction; None if `key` was already written.
    `auto_submitted=False` for a person's own words (a reply), which an out-of-office may
    answer; everything the desk writes by itself is marked Auto-Submitted."""
    draft = OutboxDraft(
        key=key,
        email=email,
        send_after=send_after or now,
        ticket=ticket,
        escalation_id=escalation.pk if escalation is not None else None,
        auto_submitted=auto_submitted,
    )
    written = outbox_write([draft], now=now)
    return written[0] if written else None


def outbox_enqueue_many(
    emails: list[tuple[str, Email]],
    *,
    now: datetime,
    send_after: datetime,
    ticket: Ticket | None = None,
    escalation: models.Model | None = None,
) -> list[OutboxEmail]:
    """Write several new emails in one INSERT (their keys must be new, e.g. a new escalation's);
    a clash raises IntegrityError rather than sending twice."""
    escalation_id = escalation.pk if escalation is not None else None
    drafts = [
        OutboxDraft(key, email, send_after, ticket=ticket, escalation_id=escalation_id)
        for key, email in emails
    ]
    return outbox_write(drafts, now=now, skip_written=False)


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
        if row is None or _behind_a_late_mail(row, now):
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


def _behind_a_late_mail(row: OutboxEmail, now: datetime) -> bool:
    """Catch-up keeps each ticket's order: a mail waits (for the relay, which sends in order)
    while a late mail of its ticket that comes before it is still due. Fresh mails of the same
    moment never wait for each other."""
    if row.ticket_id is None:
        return False
    level = Coalesce("escalation__level", Value(0))
    mine = OutboxEmail.objects.filter(pk=row.pk).annotate(lvl=level).values_list("lvl", flat=True)
    late = now - timedelta(seconds=settings.OUTBOX_LATE_NOTE_SECONDS)
    return (
        OutboxEmail.objects.filter(
            ticket_id=row.ticket_id, state=OutboxState.PENDING, send_after__lte=now
        )
        .exclude(pk=row.pk)
        .filter(created_at__lt=late)
        .annotate(lvl=level)
        .filter(Q(lvl__lt=Subquery(mine)) | Q(lvl=Subquery(mine), created_at__lt=row.created_at))
        .exists()
    )


def smtp_refusal_is_permanent(exc: BaseException) -> bool:
    """A 5xx answer to the sender, a recipient or the data is final: retrying cannot help.
    4xx answers, timeouts and lost connections are temporary."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return 500 <= exc.smtp_code < 600
    return False


def smtp_error_text(exc: BaseException) -> str:
    """The server's own answer first (code and text), short enough for a delivery column."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = [
            f"{code} {_decode(message)} ({address})"
            for address, (code, message) in exc.recipients.items()
        ]
        return "; ".join(answers)[:2000]
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_decode(exc.smtp_error)}"[:2000]
    return f"{type(exc).__name__}: {exc}"[:2000]


def _decode(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def outbox_send(*, outbox_id: int, now: datetime) -> bool:
    """Send one pending row if it is due and nobody else holds it; True if it was sent.

    Three steps: claim (committed), the SMTP exchange outside any transaction, then a
    compare-and-set to `sent`. A crash after the server accepted but before the last step
    leaves the row to be re-sent after the lease: one duplicate, with the same Message-ID.
    A permanent refusal fails the row at once and sends `outbox_refused`: an escalation's mail
    then goes to the next person in line (escalation.services.fallback)."""
    row = _claim(outbox_id, now)
    if row is None:
        return False
    try:
        _smtp_send(row, now)
    except Exception as exc:
        permanent = smtp_refusal_is_permanent(exc)
        failed = permanent or row.attempts >= settings.OUTBOX_MAX_ATTEMPTS
        error = smtp_error_text(exc)
        if permanent:
            error = f"{error} ({_('refused permanently; not retried')})"
        OutboxEmail.objects.filter(pk=row.pk, state=OutboxState.PENDING).update(
            last_error=error,
            state=OutboxState.FAILED if failed else OutboxState.PENDING,
            send_after=now + _backoff(row.attempts),
        )
        log.warning("outbox row %s: attempt %s failed: %s", row.pk, row.attempts, exc)
        if permanent:
            # The layers above decide who is told instead (escalation: the next in line).
            outbox_refused.send(sender=OutboxEmail, outbox_id=row.pk, now=now)
        return False
    OutboxEmail.objects.filter(pk=row.pk, state=OutboxState.PENDING).update(
        state=OutboxState.SENT, sent_at=now
    )
    return True


def late_by(row: OutboxEmail, now: datetime) -> timedelta | None:
    """How late a mail is when sent now, if later than OUTBOX_LATE_NOTE_SECONDS; else None."""
    planned = row.planned_at or row.created_at
    late = now - planned
    if late <= timedelta(seconds=settings.OUTBOX_LATE_NOTE_SECONDS):
        return None
    return late


def _late_note(row: OutboxEmail, now: datetime) -> str:
    late = late_by(row, now)
    if late is None:
        return ""
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    with override(row.language):
        return _(
            "Sent late by %(duration)s: this message was written at %(written)s and could "
            "not be sent earlier."
        ) % {
            "duration": timesince(now - late, now, depth=2),
            "written": f"{(now - late).astimezone(zone):%Y-%m-%d %H:%M} ({zone.key})",
        }


def recipient_address(name: str, address: str) -> str:
    """The To header of a row: one line of the name (no control characters, no line breaks),
    quoted or encoded by formataddr, so no name can add a recipient or break the header."""
    name = display_line(name)
    return formataddr((name, address)) if name else address


def _headers(row: OutboxEmail) -> dict[str, str]:
    headers = {"Message-ID": row.message_id}
    if row.auto_submitted:
        headers["Auto-Submitted"] = "auto-generated"
    return headers


class _OutboxMail(EmailMultiAlternatives):
    """Django folds a long non-ASCII subject with an empty first line ("Subject: " then the
    encoded words on the next), which readers unfold into a leading space; encoded with the
    header's name, the first word starts on the Subject line itself."""

    def message(self, *args: Any, **kwargs: Any) -> Any:
        message = super().message(*args, **kwargs)
        subject = str(self.subject)
        if not subject.isascii():
            del message["Subject"]
            encoded = Header(subject, "utf-8", header_name="Subject").encode()
            # Past Django's own __setitem__, which refuses the fold's line breaks.
            PlainMessage.__setitem__(message, "Subject", encoded)
        return message


def _smtp_send(row: OutboxEmail, now: datetime) -> None:
    note = _late_note(row, now)
    body_text, body_html = row.body_text, row.body_html
    if note:
        body_text = f"{note}\n\n{body_text}"
        body_html = f'<p class="late-note"><em>{escape(note)}</em></p>\n{body_html}'
    message = _OutboxMail(
        subject=display_line(row.subject),  # one line: no header can be broken or added
        body=body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient_address(row.to_name, row.to_email)],
        headers=_headers(row),
        connection=get_connection(fail_silently=False),
    )
    message.attach_alternative(body_html, "text/html")
    if row.attachment_path:
        # A missing file raises here: the attempt fails and is retried like a refused send.
        with default_storage.open(row.attachment_path, "rb") as stored:
            message.attach(row.attachment_name, stored.read(), row.attachment_type)
    message.send(fail_silently=False)


def outbox_due_ids(*, now: datetime, limit: int = 500) -> list[int]:
    """Pending rows whose time has come, oldest first (the relay's one indexed query)."""
    return list(
        OutboxEmail.objects.filter(state=OutboxState.PENDING, send_after__lte=now)
        .order_by("send_after")
        .values_list("pk", flat=True)[:limit]
    )


def outbox_catchup_order(*, now: datetime, limit: int) -> list[int]:
    """The next `limit` due rows in sending order: tickets in the order of their oldest waiting
    mail; each ticket's mails by level (warning, level 1, level 2 ...; mails of no escalation
    with the warnings), then by the time they were written. One query, so the order also
    holds across relay runs that each send only part of the backlog."""
    due = OutboxEmail.objects.filter(state=OutboxState.PENDING, send_after__lte=now)
    oldest_of_ticket = (
        due.filter(ticket_id=OuterRef("ticket_id"))
        .order_by()
        .values("ticket_id")
        .annotate(first=Min("created_at"))
        .values("first")
    )
    return list(
        due.annotate(
            group_at=Coalesce(Subquery(oldest_of_ticket), F("created_at")),
            group=Coalesce("ticket_id", Value(0)),
            level=Coalesce("escalation__level", Value(0)),
        )
        .order_by("group_at", "group", "level", "created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def outbox_relay_batch() -> int:
    """How many rows one relay run may send: OUTBOX_CATCHUP_PER_MINUTE over the relay's
    interval, at least one."""
    per_minute = int(settings.OUTBOX_CATCHUP_PER_MINUTE)
    return max(1, per_minute * int(settings.OUTBOX_RELAY_SECONDS) // 60)


def outbox_relay(
    *,
    now: datetime,
    limit: int | None = None,
    budget_seconds: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Send what is still pending and due, in catch-up order, at most `limit` rows and for at
    most `budget_seconds` (a stalled SMTP server must not outlive the task's time limit).
    Each send claims its row, so a row is never sent twice by two relays or a worker."""
    limit = outbox_relay_batch() if limit is None else limit
    budget = (
        float(settings.OUTBOX_RELAY_BUDGET_SECONDS) if budget_seconds is None else budget_seconds
    )
    ids = outbox_catchup_order(now=now, limit=limit)
    return send_within_budget(
        ids, lambda pk, at: outbox_send(outbox_id=pk, now=at), budget, clock, now
    )


def outbox_send_many(
    *,
    outbox_ids: list[int],
    now: datetime,
    budget_seconds: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Send rows published together, each claimed as `outbox_send` claims it (so never twice),
    starting none after the relay's budget: the relay sends what is left."""
    budget = (
        float(settings.OUTBOX_RELAY_BUDGET_SECONDS) if budget_seconds is None else budget_seconds
    )
    return send_within_budget(
        outbox_ids, lambda pk, at: outbox_send(outbox_id=pk, now=at), budget, clock, now
    )


def send_within_budget(
    ids: Iterable[int],
    send: Callable[[int, datetime], bool],
    budget: float,
    clock: Callable[[], float],
    now: datetime,
) -> int:
    """A relay run: send each row in turn, starting none after `budget` seconds (a stalled
    server must not outlive the task's time limit); returns how many were sent.

    Each row is sent at its own moment: `now` moved on by the time the run has taken, so a
    claim's lease counts from when that row was claimed. With the run's start time a lease taken
    half a minute into a long catch-up had already run out, and another worker sent the row
    again while this one still held it (the drill: 959 mails sent twice after a Redis restart
    left a backlog)."""
    started = clock()
    sent = 0
    for row_id in ids:
        elapsed = clock() - started
        if elapsed > budget:
            break
        # Whole seconds: a lease may start up to a second early, and a quick run's rows are
        # all sent at `now` itself.
        sent += send(row_id, now + timedelta(seconds=int(elapsed)))
    return sent
