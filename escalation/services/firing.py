"""Firing an escalation exactly once, and reminding until acknowledged (D10, D11)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from contracts.businesstime import Calendar, deadline
from contracts.models import Contact, EscalationPolicy
from escalation.models import Escalation, Level, OutboxEmail
from escalation.selectors import Recipient, escalation_recipients
from escalation.services.emails import csam_ticket_email, escalation_email
from escalation.services.outbox import outbox_enqueue
from tickets.models import Ticket, TicketEvent


@dataclass(frozen=True)
class Trigger:
    level: int
    reason: str
    occasion: str = ""


def escalation_fire(
    ticket: Ticket,
    trigger: Trigger,
    now: datetime,
    send_after: datetime,
    *,
    raised_by_contact: Contact | None = None,
    note: str = "",
) -> Escalation | None:
    """Create the record and its emails, or nothing if this (ticket, level, reason, clock
    version, occasion) has fired before."""
    recipients, problem = escalation_recipients(ticket, trigger.level)
    try:
        with transaction.atomic():
            escalation, created = Escalation.objects.get_or_create(
                ticket=ticket,
                level=trigger.level,
                reason=trigger.reason,
                clock_version=ticket.clock_version,
                occasion=trigger.occasion,
                defaults={
                    "recipients": [r.as_json() for r in recipients],
                    "configuration_error": problem,
                    "raised_at": now,
                    "raised_by_contact": raised_by_contact,
                    "note": note,
                },
            )
    except IntegrityError:
        return None  # a concurrent sweep fired it first
    if not created:
        return None
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
    for recipient in recipients:
        outbox_enqueue(
            key=f"escalation:{escalation.pk}:{reminder}:{recipient.email.lower()}",
            email=escalation_email(escalation, recipient, reminder),
            now=now,
            send_after=send_after,
            ticket=escalation.ticket,
            escalation=escalation,
        )
    escalation.notified_count = reminder + 1
    escalation.save(update_fields=["notified_count"])


def reminder_plan(
    escalation: Escalation, policy: EscalationPolicy, calendar: Calendar, now: datetime
) -> None:
    """Level 1 and up are re-notified once per business hour until acknowledged (D10)."""
    if escalation.level >= Level.FIRST_LINE and escalation.acknowledged_at is None:
        escalation.next_notify_at = deadline(
            now, timedelta(seconds=policy.renotify_seconds), calendar
        )
        escalation.save(update_fields=["next_notify_at"])


def reminders_send(
    ticket: Ticket,
    policy: EscalationPolicy,
    calendar: Calendar,
    now: datetime,
    send_after: datetime,
) -> list[datetime]:
    """Plan reminders for new escalations, send those due; return the next reminder times."""
    upcoming = []
    open_escalations = Escalation.objects.filter(ticket=ticket).filter(
        level__gte=Level.FIRST_LINE, acknowledged_at__isnull=True, resolved_at__isnull=True
    )
    for escalation in open_escalations:
        if escalation.next_notify_at is None:
            reminder_plan(escalation, policy, calendar, escalation.raised_at)
        elif escalation.next_notify_at <= now:
            recipients = [Recipient(**r) for r in escalation.recipients]
            _notify(escalation, recipients, now, send_after, reminder=escalation.notified_count)
            reminder_plan(escalation, policy, calendar, now)
        if escalation.next_notify_at is not None:
            upcoming.append(escalation.next_notify_at)
    return upcoming


def csam_critical_notice(ticket: Ticket, now: datetime, send_after: datetime) -> None:
    """D11: the CSAM hears of a Critical / Sev 1 ticket's creation and of every change to it
    (each clock version once)."""
    csam = ticket.contract.csam
    target = ticket.sla_target
    if csam is None or not csam.email:
        return
    was_critical = OutboxEmail.objects.filter(
        key__startswith=f"csam-critical:{ticket.pk}:"
    ).exists()
    if not ((target is not None and target.rank == 1) or was_critical):
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
