"""Sending deliveries (issue #12 §4): claimed by compare-and-set, posted outside any
transaction, marked by compare-and-set, retried with back-off over about three days.

A send first claims the delivery: one UPDATE that counts the attempt and moves its due time to
the end of a short lease, on the condition that nothing changed since it was read (status,
attempts, due time). Two workers, or a worker and the relay, cannot both win it, so an event is
never posted twice at once. The POST happens after the claim is committed; its outcome is
written by a second compare-and-set on (status "sending", the attempt's number). A worker that
dies mid-send leaves the delivery due again when the lease ends: the receiver may then see the
same `webhook-id` twice, which Standard Webhooks receivers deduplicate.

An endpoint whose deliveries have all failed for WEBHOOK_DISABLE_AFTER_SECONDS is turned off,
its pending deliveries are cancelled and its owner is mailed once (notices.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F

from notifications.models import (
    DeliveryStatus,
    DisabledReason,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from notifications.services.outbox import send_within_budget
from notifications.services.webhooks.events import webhook_body
from notifications.services.webhooks.notices import webhook_disabled_notice
from notifications.services.webhooks.signing import webhook_signature_header
from notifications.services.webhooks.targets import HttpOutcome, webhook_post

# The wait after each failed attempt: 10 attempts over about three days (75 h 35 min).
RETRY_DELAYS = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
DUE_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)
USER_AGENT = "servicedesk-webhooks/1"


def retry_delay(attempts: int) -> timedelta | None:
    """The wait after the `attempts`-th failed attempt; None when it was the last."""
    return RETRY_DELAYS[attempts - 1] if attempts <= len(RETRY_DELAYS) else None


def signing_secrets(endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The current secret, and the previous one while its grace period lasts."""
    keys = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and expires > now:
        keys.append(endpoint.previous_secret)
    return keys


def _claim(delivery_id: int, now: datetime) -> WebhookDelivery | None:
    row = (
        WebhookDelivery.objects.select_related("endpoint", "event")
        .filter(pk=delivery_id, status__in=DUE_STATUSES, next_attempt_at__lte=now)
        .first()
    )
    if row is None:
        return None
    unchanged = WebhookDelivery.objects.filter(
        pk=row.pk, status=row.status, attempts=row.attempts, next_attempt_at=row.next_attempt_at
    )
    if not row.endpoint.is_active:
        unchanged.update(status=DeliveryStatus.CANCELLED, next_attempt_at=None, lease_until=None)
        return None
    if row.attempts >= MAX_ATTEMPTS:
        # Every attempt ended without a verdict (its sender died): stop here.
        unchanged.update(status=DeliveryStatus.FAILED, next_attempt_at=None, lease_until=None)
        return None
    lease = now + timedelta(seconds=settings.WEBHOOK_SEND_LEASE_SECONDS)
    claimed = unchanged.update(
        status=DeliveryStatus.SENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=lease,
        lease_until=lease,
        last_attempt_at=now,
    )
    if not claimed:
        return None  # another sender won it
    row.attempts += 1
    row.status = DeliveryStatus.SENDING
    return row


def _post(row: WebhookDelivery, now: datetime) -> HttpOutcome:
    body = webhook_body(row.event)
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": row.event.public_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": webhook_signature_header(
            signing_secrets(row.endpoint, now), row.event.public_id, timestamp, body
        ),
    }
    return webhook_post(row.endpoint.url, headers, body)


def webhook_delivery_send(*, delivery_id: int, now: datetime) -> bool:
    """Send one due delivery unless another sender holds it; True if the receiver took it."""
    with transaction.atomic():
        row = _claim(delivery_id, now)
    if row is None:
        return False
    outcome = _post(row, now)
    _record(row, outcome, now)
    return outcome.succeeded


def _record(row: WebhookDelivery, outcome: HttpOutcome, now: datetime) -> None:
    WebhookAttempt.objects.create(
        delivery=row,
        number=row.attempts,
        started_at=now,
        duration_ms=outcome.duration_ms,
        status_code=outcome.status_code,
        response=outcome.response,
        error=outcome.error,
        succeeded=outcome.succeeded,
    )
    mine = WebhookDelivery.objects.filter(
        pk=row.pk, status=DeliveryStatus.SENDING, attempts=row.attempts
    )
    facts = {
        "last_status_code": outcome.status_code,
        "last_response": outcome.response,
        "last_error": outcome.error,
        "lease_until": None,
    }
    endpoint = WebhookEndpoint.objects.filter(pk=row.endpoint_id)
    if outcome.succeeded:
        mine.update(
            status=DeliveryStatus.SUCCEEDED, succeeded_at=now, next_attempt_at=None, **facts
        )
        endpoint.filter(failing_since__isnull=False).update(failing_since=None)
        return
    delay = retry_delay(row.attempts)
    if delay is None:
        mine.update(status=DeliveryStatus.FAILED, next_attempt_at=None, **facts)
    else:
        mine.update(status=DeliveryStatus.PENDING, next_attempt_at=now + delay, **facts)
    endpoint.filter(failing_since__isnull=True).update(failing_since=now)
    webhook_endpoint_disable_if_failing(endpoint_id=row.endpoint_id, now=now)


def webhook_endpoint_disable_if_failing(*, endpoint_id: int, now: datetime) -> bool:
    """Turn the endpoint off if nothing succeeded for a day (compare-and-set: once); its pending
    deliveries stop and its owner is mailed. True if it was turned off now."""
    limit = now - timedelta(seconds=settings.WEBHOOK_DISABLE_AFTER_SECONDS)
    with transaction.atomic():
        turned_off = WebhookEndpoint.objects.filter(
            pk=endpoint_id, is_active=True, failing_since__lte=limit
        ).update(
            is_active=False,
            disabled_at=now,
            disabled_reason=DisabledReason.FAILING,
            updated_at=now,
        )
        if not turned_off:
            return False
        deliveries_cancel(endpoint_id=endpoint_id)
        webhook_disabled_notice(endpoint=WebhookEndpoint.objects.get(pk=endpoint_id), now=now)
    return True


def deliveries_cancel(*, endpoint_id: int) -> int:
    """Stop the endpoint's deliveries that wait for an attempt (one being sent finishes)."""
    return WebhookDelivery.objects.filter(
        endpoint_id=endpoint_id, status=DeliveryStatus.PENDING
    ).update(status=DeliveryStatus.CANCELLED, next_attempt_at=None)


def webhook_due_ids(*, now: datetime, limit: int) -> list[int]:
    """Deliveries whose attempt (or lapsed lease) is due, oldest first: one indexed query."""
    return list(
        WebhookDelivery.objects.filter(status__in=DUE_STATUSES, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def webhook_relay(
    *,
    now: datetime,
    limit: int | None = None,
    budget_seconds: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Send what is due (a lost publish, a retry whose time has come, a lapsed lease), at most
    `limit` and for at most `budget_seconds`; turn off endpoints failing for a day. Each send
    claims its delivery, so two relays or a relay and a worker never send one twice."""
    limit = int(settings.WEBHOOK_RELAY_BATCH) if limit is None else limit
    budget = float(
        settings.WEBHOOK_RELAY_BUDGET_SECONDS if budget_seconds is None else budget_seconds
    )
    limit_failing = now - timedelta(seconds=settings.WEBHOOK_DISABLE_AFTER_SECONDS)
    failing = WebhookEndpoint.objects.filter(is_active=True, failing_since__lte=limit_failing)
    for endpoint_id in failing.values_list("pk", flat=True):
        webhook_endpoint_disable_if_failing(endpoint_id=endpoint_id, now=now)
    ids = webhook_due_ids(now=now, limit=limit)
    return send_within_budget(
        ids, lambda pk, at: webhook_delivery_send(delivery_id=pk, now=at), budget, clock, now
    )
