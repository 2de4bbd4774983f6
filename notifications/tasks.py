"""Celery tasks of the outbox: thin, ids in, one service call each (ARCHITECTURE). Time limits
come from settings (CELERY_TASK_SOFT_TIME_LIMIT / CELERY_TASK_TIME_LIMIT); retries of a send are
the outbox row's own attempts and the relay, so a redelivered task is harmless.

The registered names are those the tasks had in escalation: messages already queued and the
beat schedule keep working."""

from celery import shared_task
from django.utils import timezone

from notifications.services.outbox import (
    SEND_MANY_TASK,
    SEND_TASK,
    outbox_relay,
    outbox_send,
    outbox_send_many,
)
from notifications.services.webhooks.delivery import webhook_delivery_send, webhook_relay
from notifications.services.webhooks.events import SEND_TASK as WEBHOOK_SEND_TASK


@shared_task(name=SEND_TASK)
def outbox_send_task(outbox_id: int) -> bool:
    return outbox_send(outbox_id=outbox_id, now=timezone.now())


@shared_task(name=SEND_MANY_TASK)
def outbox_send_many_task(outbox_ids: list[int]) -> int:
    """Rows written together (a sweep's mails), published once; each send claims its row, so a
    redelivered task sends nothing twice, and what the budget leaves is the relay's."""
    return outbox_send_many(outbox_ids=outbox_ids, now=timezone.now())


@shared_task(name="escalation.tasks.outbox_relay_task")
def outbox_relay_task() -> int:
    """Send what is still pending (a lost publish, a failed attempt whose time has come), in
    catch-up order and at most OUTBOX_CATCHUP_PER_MINUTE a minute; returns how many were sent."""
    return outbox_relay(now=timezone.now())


@shared_task(name=WEBHOOK_SEND_TASK)
def webhook_send_task(delivery_id: int) -> bool:
    """One delivery's attempt; a redelivered task finds it claimed or done and does nothing."""
    return webhook_delivery_send(delivery_id=delivery_id, now=timezone.now())


@shared_task(name="notifications.tasks.webhook_relay_task")
def webhook_relay_task() -> int:
    """Send the deliveries that are due (retries, lost publishes, lapsed leases)."""
    return webhook_relay(now=timezone.now())
