"""The database reads behind the gauges: each one indexed, bounded and read-only, so a scrape
every few seconds costs the database next to nothing and never writes.

- the sweep's lag: the oldest `next_check_at` at or before now (ticket_sweep_idx, the sweep's
  own partial index; its first entry);
- the outbox: pending rows due now (outbox_pending_idx, partial on state = pending), the
  oldest of them, and the rows given up as failed (outbox_failed_idx, partial);
- intake: the oldest message still `received`, not yet routed (inbound_queue_idx);
- webhooks: deliveries pending and due (webhook_delivery_due_idx)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from intake.models import InboundMessage, Outcome
from notifications.models import OutboxEmail, OutboxState
from notifications.models_webhooks import DeliveryStatus, WebhookDelivery
from tickets.models import Ticket


@dataclass(frozen=True)
class BacklogFigures:
    """Seconds are how far the oldest item lies behind `now` (0 when there is none)."""

    sweep_lag_seconds: float
    outbox_backlog: int
    outbox_oldest_pending_seconds: float
    outbox_failed: int
    intake_lag_seconds: float
    webhook_backlog: int


def _behind(now: datetime, oldest: datetime | None) -> float:
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


def backlog_figures(*, now: datetime) -> BacklogFigures:
    """Six small queries, none of which scans more than its backlog."""
    oldest_check = (
        Ticket.objects.filter(next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("next_check_at", flat=True)
        .first()
    )
    pending = OutboxEmail.objects.filter(state=OutboxState.PENDING, send_after__lte=now)
    oldest_pending = pending.order_by("send_after").values_list("send_after", flat=True).first()
    oldest_received = (
        InboundMessage.objects.filter(outcome=Outcome.RECEIVED)
        .order_by("received_at")
        .values_list("received_at", flat=True)
        .first()
    )
    return BacklogFigures(
        sweep_lag_seconds=_behind(now, oldest_check),
        outbox_backlog=pending.count(),
        outbox_oldest_pending_seconds=_behind(now, oldest_pending),
        outbox_failed=OutboxEmail.objects.filter(state=OutboxState.FAILED).count(),
        intake_lag_seconds=_behind(now, oldest_received),
        webhook_backlog=WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        ).count(),
    )
