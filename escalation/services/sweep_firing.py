"""A sweep's due tickets fired together, in one transaction (issue #16).

The sweep (escalation.services.sweep) plans a page of tickets; those with something to send
come here, FIRE_BATCH at a time. The transaction re-locks them and keeps only those still on
the sweep's lease (a ticket changed since the claim, resolved, paused or re-prioritised, is
left to the fresh check its change asked for), writes their escalation records in one INSERT
(the unique constraint decides which are new), their reminders with one compare-and-set, and
their mails, ticket events and webhook events with one statement per table (WriteBatch); the
mails are published on commit, one message per few dozen. What the tickets' next checks are is
returned: the sweep writes them with the page's others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from contracts.businesstime import Calendar, is_open, next_open
from contracts.models import EscalationPolicy
from escalation.models import Level
from escalation.services.firing import (
    Fired,
    FireRequest,
    ReminderRequest,
    csam_critical_notice,
    escalations_fire,
    reminders_send,
)
from escalation.services.planning import Plan, followup_plan
from notifications.services.write_batch import WriteBatch
from tickets.models import Ticket

# Tickets fired in one transaction: their rows stay locked until it commits (a reply to one
# of them waits that long), and a failure sends them through one at a time.
FIRE_BATCH = 50


@dataclass(frozen=True)
class DueTicket:
    """A ticket with something to send, as planned."""

    ticket: Ticket
    plan: Plan
    policy: EscalationPolicy
    calendar: Calendar
    # The CSAM is due the notice of this Critical / Sev 1 ticket's version (D11).
    csam_notice: bool


def notify_time(calendar: Calendar, now: datetime) -> datetime:
    """Nobody is paged outside business hours unless the ticket's target is 24x7 (D10)."""
    if calendar.always_open or is_open(now, calendar):
        return now
    return next_open(now, calendar)


def tickets_fire(
    due: list[DueTicket], lease: datetime, now: datetime
) -> tuple[int, dict[int, datetime | None]]:
    """Send what is due for these tickets in one transaction, for those still on `lease`;
    (escalations fired, the next check of each ticket that was sent for)."""
    with transaction.atomic():
        due = _still_held(due, lease)
        batch = WriteBatch(now)
        send_after = {d.ticket.pk: notify_time(d.calendar, now) for d in due}
        requests = [
            FireRequest(
                d.ticket,
                trigger,
                send_after[d.ticket.pk],
                d.policy,
                d.calendar,
                critical_notice=d.csam_notice,
            )
            for d in due
            for trigger in d.plan.triggers
        ]
        fired = escalations_fire(requests, now, batch)
        # The plans as loaded stay as they were: a failed attempt is tried again from them.
        outcome = {d.ticket.pk: Plan(upcoming=list(d.plan.upcoming)) for d in due}
        _timers_of_fired(requests, fired, outcome, now)
        reminders = [
            ReminderRequest(escalation, d.policy, d.calendar, send_after[d.ticket.pk])
            for d in due
            for escalation in d.plan.reminders
        ]
        next_reminders = reminders_send(reminders, now, batch)
        for reminder, next_time in zip(reminders, next_reminders, strict=True):
            outcome[reminder.escalation.ticket_id].upcoming.append(next_time)
        for d in due:  # the notice that went with no escalation's mail goes on its own
            if d.csam_notice and d.ticket.pk not in fired.noticed:
                csam_critical_notice(d.ticket, send_after[d.ticket.pk], batch)
        batch.flush()
    next_checks = {pk: plan.next_check(now) for pk, plan in outcome.items()}
    return sum(e is not None for e in fired.escalations), next_checks


def _still_held(due: list[DueTicket], lease: datetime) -> list[DueTicket]:
    """Lock the tickets; keep those still on the lease."""
    held = set(
        Ticket.objects.select_for_update()
        .filter(pk__in=[d.ticket.pk for d in due], next_check_at=lease)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [d for d in due if d.ticket.pk in held]


def _timers_of_fired(
    requests: list[FireRequest], fired: Fired, outcome: dict[int, Plan], now: datetime
) -> None:
    """A new escalation's reminder, and a level 1's level-2 timers, join its ticket's plan."""
    for request, escalation in zip(requests, fired.escalations, strict=True):
        if escalation is None:
            continue
        plan = outcome[request.ticket.pk]
        if escalation.next_notify_at:
            plan.upcoming.append(escalation.next_notify_at)
        if escalation.level == Level.FIRST_LINE:
            followup_plan(
                request.ticket,
                escalation.raised_at,
                False,
                request.policy,
                request.calendar,
                now,
                plan,
            )
