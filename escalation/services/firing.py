"""Firing an escalation exactly once, and reminding until acknowledged (D10, D11).

Called inside the ticket's own transaction, with the ticket row locked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from contracts.businesstime import Calendar, deadline
from contracts.models import Contact, EscalationPolicy
from escalation.models import Escalation, Level
from escalation.selectors import escalation_recipients, ticket_engineers
from escalation.services.emails import (
    ENGINEER_KEY_PART,
    csam_ticket_email,
    engineer_escalation_email,
    escalation_email,
)
from escalation.services.planning import Trigger
from escalation.services.webhooks import escalation_raised_events
from notifications.services.outbox import Email, outbox_enqueue, outbox_enqueue_many
from notifications.services.recipients import Recipient, staff_recipient
from tickets.models import Ticket, TicketEvent
from tickets.services.clocks import whole_second

RecipientLookup = Callable[[Ticket, int], tuple[list[Recipient], str]]
EngineerLookup = Callable[[Ticket], list[Recipient]]


def escalation_fire(
    ticket: Ticket,
    trigger: Trigger,
    now: datetime,
    send_after: datetime,
    *,
    policy: EscalationPolicy,
    calendar: Calendar,
    recipients_of: RecipientLookup = escalation_recipients,
    engineers_of: EngineerLookup = ticket_engineers,
    raised_by_contact: Contact | None = None,
    note: str = "",
    critical_notice: bool = False,
) -> Escalation | None:
    """Create the record and its emails; None if this (ticket, level, reason, clock version,
    occasion) has fired before (the unique constraint decides).

    One mail per event per person (issue #11 §2): with `critical_notice` (the CSAM is due the
    notice of a Critical / Sev 1 ticket) a CSAM among the recipients gets one mail that says
    both, under the notice's key; the people who work the ticket (its assignee, else its line's
    group) hear of a level 1+ escalation once, unless they are told as a recipient anyway."""
    recipients, problem = recipients_of(ticket, trigger.level)
    remind = trigger.level >= Level.FIRST_LINE
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                ticket=ticket,
                level=trigger.level,
                reason=trigger.reason,
                clock_version=ticket.clock_version,
                occasion=trigger.occasion,
                recipients=[r.as_json() for r in recipients],
                configuration_error=problem,
                raised_at=now,
                raised_by_contact=raised_by_contact,
                note=note,
                notified_count=1,
                next_notify_at=(
                    whole_second(
                        deadline(now, timedelta(seconds=policy.renotify_seconds), calendar)
                    )
                    if remind
                    else None
                ),
            )
    except IntegrityError:
        return None  # fired before, by this or a concurrent sweep
    merged = _critical_notice_merge(escalation, recipients, now, send_after, critical_notice)
    _notify(escalation, [r for r in recipients if r != merged], now, send_after, reminder=0)
    if trigger.level >= Level.FIRST_LINE:
        _engineers_notify(escalation, recipients, engineers_of(ticket), now, send_after)
    TicketEvent.objects.create(
        ticket=ticket,
        kind="escalated",
        actor_contact=raised_by_contact,
        created_at=now,
        data={
            "escalation": escalation.pk,
            "level": trigger.level,
            "reason": trigger.reason,
            "recipients": [r.email for r in recipients],
            "configuration_error": problem,
        },
    )
    escalation_raised_events(escalation, now)
    return escalation


def _notify(
    escalation: Escalation,
    recipients: list[Recipient],
    now: datetime,
    send_after: datetime,
    reminder: int,
) -> None:
    outbox_enqueue_many(
        [
            (
                f"escalation:{escalation.pk}:{reminder}:{r.email.lower()}",
                escalation_email(escalation, r, reminder),
            )
            for r in recipients
        ],
        now=now,
        send_after=send_after,
        ticket=escalation.ticket,
        escalation=escalation,
    )


def csam_key(ticket: Ticket) -> str:
    """The CSAM hears of each version of a Critical / Sev 1 ticket once (D11)."""
    return f"csam-critical:{ticket.pk}:{ticket.clock_version}"


def _csam_among(ticket: Ticket, recipients: list[Recipient]) -> Recipient | None:
    csam = ticket.contract.csam
    if csam is None or not csam.email:
        return None
    return next((r for r in recipients if r.email.lower() == csam.email.lower()), None)


def critical_notice_merged(escalation: Escalation) -> bool:
    """Whether firing `escalation` with `critical_notice` told the CSAM both in one mail."""
    recipients = [Recipient(**r) for r in escalation.recipients]
    return escalation.level >= Level.FIRST_LINE and (
        _csam_among(escalation.ticket, recipients) is not None
    )


def _critical_notice_merge(
    escalation: Escalation,
    recipients: list[Recipient],
    now: datetime,
    send_after: datetime,
    critical_notice: bool,
) -> Recipient | None:
    """Write the CSAM's one mail (escalation + critical notice); the CSAM, or None."""
    if not critical_notice or escalation.level < Level.FIRST_LINE:
        return None
    csam = _csam_among(escalation.ticket, recipients)
    if csam is None:
        return None
    row = outbox_enqueue(
        key=csam_key(escalation.ticket),
        email=escalation_email(escalation, csam, 0, critical_notice=True),
        now=now,
        send_after=send_after,
        ticket=escalation.ticket,
        escalation=escalation,
    )
    return csam if row is not None else None  # told of this version before: a plain copy


def _engineers_notify(
    escalation: Escalation,
    recipients: list[Recipient],
    engineers: list[Recipient],
    now: datetime,
    send_after: datetime,
) -> None:
    """The assignee, or the line's group when nobody is assigned, hears of the escalation once
    (issue #11 §2); someone who is told as a recipient is not told twice."""
    told = {r.email.lower() for r in recipients}
    emails: list[tuple[str, Email]] = []
    for engineer in engineers:
        if engineer.email.lower() in told:
            continue
        told.add(engineer.email.lower())
        key = f"escalation:{escalation.pk}{ENGINEER_KEY_PART}{engineer.email.lower()}"
        emails.append((key, engineer_escalation_email(escalation, engineer)))
    if emails:  # a new escalation's keys are new: one INSERT
        outbox_enqueue_many(
            emails,
            now=now,
            send_after=send_after,
            ticket=escalation.ticket,
            escalation=escalation,
        )


def reminder_send(
    escalation: Escalation,
    policy: EscalationPolicy,
    calendar: Calendar,
    now: datetime,
    send_after: datetime,
) -> datetime:
    """Re-notify an unacknowledged escalation (once per business hour, D10); the next time."""
    recipients = [Recipient(**r) for r in escalation.recipients]
    reminder = escalation.notified_count
    next_notify_at = whole_second(
        deadline(now, timedelta(seconds=policy.renotify_seconds), calendar)
    )
    updated = Escalation.objects.filter(
        pk=escalation.pk, notified_count=reminder, acknowledged_at__isnull=True
    ).update(notified_count=reminder + 1, next_notify_at=next_notify_at)
    if updated:  # compare-and-set: a reminder is sent once, even by two sweeps
        _notify(escalation, recipients, now, send_after, reminder=reminder)
    return next_notify_at


def csam_critical_notice(ticket: Ticket, now: datetime, send_after: datetime) -> None:
    """D11: the CSAM hears of a Critical / Sev 1 ticket's creation and of each change to it
    (each clock version once); the outbox key makes it once."""
    csam = ticket.contract.csam
    if csam is None or not csam.email:
        return
    recipient = staff_recipient(csam, "customer success account manager")
    outbox_enqueue(
        key=csam_key(ticket),
        email=csam_ticket_email(ticket, recipient),
        now=now,
        send_after=send_after,
        ticket=ticket,
    )


__all__ = [
    "Email",
    "Trigger",
    "critical_notice_merged",
    "csam_critical_notice",
    "csam_key",
    "escalation_fire",
    "reminder_send",
]
