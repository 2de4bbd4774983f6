"""Firing escalations exactly once, and reminding until acknowledged (D10, D11).

Called inside the tickets' transaction, with the ticket rows locked. Any number of escalations
fire together (a sweep fires a page's at once): their records are written by one INSERT in
which the unique constraint decides which are new (a trigger that fired before, by this or a
concurrent sweep, is left out and tells nobody), and their mails, ticket events and webhook
events are collected in a `WriteBatch` that the caller flushes in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection

from contracts.bulk_sql import case_by_pk
from contracts.businesstime import Calendar, deadline
from contracts.inserts import insert_returning
from contracts.models import Contact, EscalationPolicy
from escalation.models import Escalation, Level
from escalation.selectors import Audience
from escalation.services.emails import (
    ENGINEER_KEY_PART,
    csam_ticket_email,
    engineer_escalation_email,
    escalation_email,
)
from escalation.services.planning import Trigger
from escalation.services.webhooks import escalation_raised_events
from notifications.services.outbox import Email, OutboxDraft
from notifications.services.recipients import Recipient, staff_recipient
from notifications.services.write_batch import WriteBatch
from tickets.models import Ticket, TicketEvent
from tickets.services.clocks import whole_second

# The fields of the unique constraint `escalation_exactly_once`.
EXACTLY_ONCE = ("ticket", "level", "reason", "clock_version", "occasion")


@dataclass(frozen=True)
class FireRequest:
    """One trigger of one ticket, with when its mails may go and the policy's timings."""

    ticket: Ticket
    trigger: Trigger
    send_after: datetime
    policy: EscalationPolicy
    calendar: Calendar
    # The CSAM is due the notice of a Critical / Sev 1 ticket (D11): a CSAM among a level 1+
    # escalation's recipients gets one mail that says both (one mail per event per person).
    critical_notice: bool = False
    raised_by_contact: Contact | None = None
    note: str = ""


@dataclass
class Fired:
    # Per request, its new escalation, or None when it had fired before.
    escalations: list[Escalation | None] = field(default_factory=list)
    # Tickets whose CSAM's critical-ticket notice went with an escalation's mail.
    noticed: set[int] = field(default_factory=set)


def escalations_fire(requests: list[FireRequest], now: datetime, batch: WriteBatch) -> Fired:
    """Write the records of `requests` in one INSERT and queue the mails and events of those
    that are new in `batch` (issue #11 §2: the people who work the ticket, its assignee or
    else its line's group, hear of a level 1+ escalation once, unless told as recipients).
    Who is told is read for all the requests at once (Audience)."""
    audience = Audience.of(
        [r.ticket for r in requests],
        contacts_of=[(r.ticket.contract, r.trigger.level) for r in requests if r.trigger.level],
        coordinators=any(r.trigger.level == Level.WARNING for r in requests),
    )
    resolved = [audience.recipients(r.ticket, r.trigger.level) for r in requests]
    records = [
        _record(request, recipients, problem, now)
        for request, (recipients, problem) in zip(requests, resolved, strict=True)
    ]
    new = {id(record) for record in insert_returning(records, skip_clashes=EXACTLY_ONCE)}
    fired = Fired()
    for request, record, (recipients, problem) in zip(requests, records, resolved, strict=True):
        if id(record) not in new:
            fired.escalations.append(None)  # fired before, by this or a concurrent sweep
            continue
        notice = request.critical_notice and request.ticket.pk not in fired.noticed
        if _announce(record, request, recipients, problem, now, batch, audience, notice):
            fired.noticed.add(request.ticket.pk)
        fired.escalations.append(record)
    return fired


def escalation_fire(
    ticket: Ticket,
    trigger: Trigger,
    now: datetime,
    send_after: datetime,
    *,
    policy: EscalationPolicy,
    calendar: Calendar,
    raised_by_contact: Contact | None = None,
    note: str = "",
) -> Escalation | None:
    """Fire one escalation and write its mails and events; None if this (ticket, level,
    reason, clock version, occasion) has fired before (the unique constraint decides)."""
    batch = WriteBatch(now)
    request = FireRequest(
        ticket,
        trigger,
        send_after,
        policy,
        calendar,
        raised_by_contact=raised_by_contact,
        note=note,
    )
    fired = escalations_fire([request], now, batch)
    batch.flush()
    return fired.escalations[0]


def _record(
    request: FireRequest, recipients: list[Recipient], problem: str, now: datetime
) -> Escalation:
    remind = request.trigger.level >= Level.FIRST_LINE
    renotify = timedelta(seconds=request.policy.renotify_seconds)
    return Escalation(
        ticket=request.ticket,
        level=request.trigger.level,
        reason=request.trigger.reason,
        clock_version=request.ticket.clock_version,
        occasion=request.trigger.occasion,
        recipients=[r.as_json() for r in recipients],
        configuration_error=problem,
        raised_at=now,
        raised_by_contact=request.raised_by_contact,
        note=request.note,
        notified_count=1,
        next_notify_at=whole_second(deadline(now, renotify, request.calendar)) if remind else None,
    )


def _announce(
    escalation: Escalation,
    request: FireRequest,
    recipients: list[Recipient],
    problem: str,
    now: datetime,
    batch: WriteBatch,
    audience: Audience,
    critical_notice: bool,
) -> bool:
    """Queue a new escalation's mails and events; True if the CSAM's critical-ticket notice
    went with it."""
    send_after = request.send_after
    merged = _critical_notice_merge(escalation, recipients, send_after, critical_notice, batch)
    _notify(escalation, [r for r in recipients if r != merged], send_after, 0, batch)
    if escalation.level >= Level.FIRST_LINE:
        engineers = audience.engineers(escalation.ticket)
        _engineers_notify(escalation, recipients, engineers, send_after, batch)
    batch.ticket_events.append(
        TicketEvent(
            ticket=escalation.ticket,
            kind="escalated",
            actor_contact=request.raised_by_contact,
            created_at=now,
            data={
                "escalation": escalation.pk,
                "level": escalation.level,
                "reason": escalation.reason,
                "recipients": [r.email for r in recipients],
                "configuration_error": problem,
            },
        )
    )
    escalation_raised_events(escalation, now, batch)
    return merged is not None


def _mail(escalation: Escalation, key: str, email: Email, send_after: datetime) -> OutboxDraft:
    return OutboxDraft(
        key, email, send_after, ticket=escalation.ticket, escalation_id=escalation.pk
    )


def _manager_mail(
    escalation: Escalation, recipient: Recipient, send_after: datetime, reminder: int
) -> OutboxDraft:
    key = f"escalation:{escalation.pk}:{reminder}:{recipient.email.lower()}"
    return _mail(escalation, key, escalation_email(escalation, recipient, reminder), send_after)


def _notify(
    escalation: Escalation,
    recipients: list[Recipient],
    send_after: datetime,
    reminder: int,
    batch: WriteBatch,
) -> None:
    batch.mails += [_manager_mail(escalation, r, send_after, reminder) for r in recipients]


def csam_key(ticket: Ticket) -> str:
    """The CSAM hears of each version of a Critical / Sev 1 ticket once (D11)."""
    return f"csam-critical:{ticket.pk}:{ticket.clock_version}"


def _csam_among(ticket: Ticket, recipients: list[Recipient]) -> Recipient | None:
    csam = ticket.contract.csam
    if csam is None or not csam.email:
        return None
    return next((r for r in recipients if r.email.lower() == csam.email.lower()), None)


def _critical_notice_merge(
    escalation: Escalation,
    recipients: list[Recipient],
    send_after: datetime,
    critical_notice: bool,
    batch: WriteBatch,
) -> Recipient | None:
    """Queue the CSAM's one mail (escalation + critical notice) under the notice's key; the
    CSAM, or None. A CSAM told of this version before gets the plain copy instead."""
    if not critical_notice or escalation.level < Level.FIRST_LINE:
        return None
    csam = _csam_among(escalation.ticket, recipients)
    if csam is None:
        return None
    combined = escalation_email(escalation, csam, 0, critical_notice=True)
    batch.mails.append(
        OutboxDraft(
            csam_key(escalation.ticket),
            combined,
            send_after,
            ticket=escalation.ticket,
            escalation_id=escalation.pk,
            instead=_manager_mail(escalation, csam, send_after, 0),
        )
    )
    return csam


def _engineers_notify(
    escalation: Escalation,
    recipients: list[Recipient],
    engineers: list[Recipient],
    send_after: datetime,
    batch: WriteBatch,
) -> None:
    """The assignee, or the line's group when nobody is assigned, hears of the escalation once
    (issue #11 §2); someone who is told as a recipient is not told twice."""
    told = {r.email.lower() for r in recipients}
    for engineer in engineers:
        if engineer.email.lower() in told:
            continue
        told.add(engineer.email.lower())
        key = f"escalation:{escalation.pk}{ENGINEER_KEY_PART}{engineer.email.lower()}"
        email = engineer_escalation_email(escalation, engineer)
        batch.mails.append(_mail(escalation, key, email, send_after))


@dataclass(frozen=True)
class ReminderRequest:
    """An unacknowledged escalation whose reminder is due."""

    escalation: Escalation
    policy: EscalationPolicy
    calendar: Calendar
    send_after: datetime


def reminders_send(
    requests: list[ReminderRequest], now: datetime, batch: WriteBatch
) -> list[datetime]:
    """Re-notify unacknowledged escalations (once per business hour, D10); per request the
    next reminder's time. One compare-and-set UPDATE for all: a reminder is sent once, even
    by two sweeps, and not after an acknowledgement."""
    next_times = [
        whole_second(deadline(now, timedelta(seconds=r.policy.renotify_seconds), r.calendar))
        for r in requests
    ]
    claimed = _reminders_claim(requests, next_times)
    for request in requests:
        escalation = request.escalation
        if escalation.pk in claimed:
            recipients = [Recipient(**r) for r in escalation.recipients]
            _notify(escalation, recipients, request.send_after, escalation.notified_count, batch)
    return next_times


def _reminders_claim(requests: list[ReminderRequest], next_times: list[datetime]) -> set[int]:
    """UPDATE ... SET notified_count = notified_count + 1 WHERE each row still has the count
    it was read with and is not acknowledged ... RETURNING the rows it updated."""
    if not requests:
        return set()
    ops, quote = connection.ops, connection.ops.quote_name
    count, notify = quote("notified_count"), quote("next_notify_at")
    pks = [r.escalation.pk for r in requests]
    times, time_params = case_by_pk(
        Escalation,
        {pk: ops.adapt_datetimefield_value(at) for pk, at in zip(pks, next_times, strict=True)},
        otherwise=notify,
    )
    counts, count_params = case_by_pk(
        Escalation, {r.escalation.pk: r.escalation.notified_count for r in requests}, count
    )
    pk = quote(str(Escalation._meta.pk.column))
    sql = (
        f"UPDATE {quote(Escalation._meta.db_table)} SET {count} = {count} + 1, {notify} = {times} "
        f"WHERE {pk} IN ({', '.join(['%s'] * len(pks))}) AND {count} = {counts} "
        f"AND {quote('acknowledged_at')} IS NULL RETURNING {pk}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*time_params, *pks, *count_params])
        return {row[0] for row in cursor.fetchall()}


def csam_critical_notice(ticket: Ticket, send_after: datetime, batch: WriteBatch) -> None:
    """D11: the CSAM hears of a Critical / Sev 1 ticket's creation and of each change to it
    (each clock version once); the outbox key makes it once."""
    csam = ticket.contract.csam
    if csam is None or not csam.email:
        return
    recipient = staff_recipient(csam, "customer success account manager")
    email = csam_ticket_email(ticket, recipient)
    batch.mails.append(OutboxDraft(csam_key(ticket), email, send_after, ticket=ticket))


__all__ = [
    "Email",
    "FireRequest",
    "Fired",
    "ReminderRequest",
    "Trigger",
    "csam_critical_notice",
    "csam_key",
    "escalation_fire",
    "escalations_fire",
    "reminders_send",
]
