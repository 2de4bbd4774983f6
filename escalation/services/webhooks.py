"""The webhook events of escalations (issue #12 §4), recorded where each occurrence happens
once: a new escalation record (the unique constraint makes it once) and the first
acknowledgement (a compare-and-set).

A warning of a running clock is `clock.at_risk`, a breach `clock.breached` (and, being a level 1
escalation, also `escalation.raised`); every level 1+ escalation is `escalation.raised`. Other
warnings (a status update overdue) are the staff's own reminders and no event. The facts are
what the portal shows: no recipients, notes or configuration problems."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from escalation.models import Escalation, Level, Reason
from notifications.models import WebhookEventType
from notifications.services.webhooks.events import (
    iso,
    webhook_event_build,
    webhook_event_record,
)
from notifications.services.write_batch import WriteBatch
from tickets.models import Ticket

AT_RISK = {Reason.RESPONSE_WARNING: "response", Reason.RESOLUTION_WARNING: "resolution"}
BREACHED = {Reason.RESPONSE_BREACH: "response", Reason.RESOLUTION_BREACH: "resolution"}


def _clock(ticket: Ticket, metric: str) -> dict[str, Any]:
    due = ticket.response_due_at if metric == "response" else ticket.resolution_due_at
    return {"clock": {"metric": metric, "due_at": iso(due)}}


def _escalation(escalation: Escalation) -> dict[str, Any]:
    return {
        "escalation": {
            "id": escalation.pk,
            "level": escalation.level,
            "reason": escalation.reason,
            "raised_at": iso(escalation.raised_at),
            "raised_by": "customer" if escalation.raised_by_contact_id else "provider",
            "acknowledged_at": iso(escalation.acknowledged_at),
        }
    }


def escalation_raised_events(escalation: Escalation, now: datetime, batch: WriteBatch) -> None:
    """The events of a new escalation record, written with the batch, in its transaction."""
    ticket = escalation.ticket
    for metrics, event_type in (
        (AT_RISK, WebhookEventType.CLOCK_AT_RISK),
        (BREACHED, WebhookEventType.CLOCK_BREACHED),
    ):
        metric = metrics.get(Reason(escalation.reason))
        if metric is not None:
            batch.webhook_events.append(
                webhook_event_build(
                    event_type=event_type, ticket=ticket, now=now, data=_clock(ticket, metric)
                )
            )
    if escalation.level >= Level.FIRST_LINE:
        batch.webhook_events.append(
            webhook_event_build(
                event_type=WebhookEventType.ESCALATION_RAISED,
                ticket=ticket,
                now=now,
                data=_escalation(escalation),
            )
        )


def escalation_acknowledged_event(escalation: Escalation, now: datetime) -> None:
    """The event of an escalation's first acknowledgement, in its transaction."""
    row = Escalation.objects.select_related(
        "ticket__customer", "ticket__contract", "raised_by_contact"
    ).get(pk=escalation.pk)
    webhook_event_record(
        event_type=WebhookEventType.ESCALATION_ACKNOWLEDGED,
        ticket=row.ticket,
        now=now,
        data=_escalation(row),
    )
