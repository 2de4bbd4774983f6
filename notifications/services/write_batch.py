"""What a change tells about itself, written with one statement per table.

An escalation writes its record, then mails (the managers', the engineers', the CSAM's), a
ticket event and webhook events. Written one by one, a sweep that fires fifty escalations
spent most of its time on round trips (bench_sweep: 13 queries per escalation). A `WriteBatch`
collects the mails, ticket events and webhook events of any number of changes and `flush`
writes them in the caller's transaction: one INSERT of the mails (each key once, the outbox
decides), one of the ticket events, one of the webhook events with one query for their
endpoints. Nothing is written before `flush`; a rollback leaves nothing, as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from notifications.models import OutboxEmail, WebhookEvent
from notifications.services.outbox import OutboxDraft, outbox_write
from notifications.services.webhooks.events import webhook_events_write
from tickets.models import TicketEvent


@dataclass
class WriteBatch:
    now: datetime
    mails: list[OutboxDraft] = field(default_factory=list)
    ticket_events: list[TicketEvent] = field(default_factory=list)
    webhook_events: list[WebhookEvent] = field(default_factory=list)

    def flush(self) -> list[OutboxEmail]:
        """Write what was collected (the mails' keys decide which are new); the mails written."""
        written = outbox_write(self.mails, now=self.now) if self.mails else []
        if self.ticket_events:
            TicketEvent.objects.bulk_create(self.ticket_events)
        webhook_events_write(self.webhook_events, self.now)
        self.mails, self.ticket_events, self.webhook_events = [], [], []
        return written
