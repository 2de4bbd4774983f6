"""Firing an escalation exactly once, and reminding until acknowledged (D10, D11).

Called inside the ticket's own transaction, with the ticket row locked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from contracts.businesstime import Calendar, deadline
from contracts.models import Contact, EscalationPolicy
from escalation.models import Escalation, Level
from escalation.selectors import escalation_recipients
from escalation.services.emails import csam_ticket_email, escalation_email
from escalation.services.planning import Trigger
from notifications.services.outbox import Email, outbox_enqueue, outbox_enqueue_many
from notifications.services.recipients import Recipient
from tickets.models import Ticket, TicketEvent
from tickets.services.clocks import whole_second

RecipientLookup = Callable[[Ticket, int], tuple[list[Recipient], str]]


def escalation_fire(
    ticket: Ticket,
    trigger: Trigger,
    now: datetime,
    send_after: datetime,
    *,
    policy: EscalationPolicy,
    calendar: Calendar,
    recipients_of: RecipientLookup = escalation_recipients,
    raised_by_contact: Contact | None = None,
    note: str = "",
) -> Escalation | None:
    """Create the record and its emails; None if this (ticket, level, reason, clock version,
    occasion) has fired before (the unique constraint decides)."""
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
    _notify(escalation, recipients, now, send_after, reminder=0)
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
    recipient = Recipient(
        "customer success account manager", csam.get_full_name() or csam.username, csam.email
    )
    outbox_enqueue(
        key=f"csam-critical:{ticket.pk}:{ticket.clock_version}",
        email=csam_ticket_email(ticket, recipient),
        now=now,
        send_after=send_after,
        ticket=ticket,
    )


__all__ = ["Email", "Trigger", "csam_critical_notice", "escalation_fire", "reminder_send"]
