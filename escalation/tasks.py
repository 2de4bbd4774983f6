"""Celery tasks: thin, ids in, one service call each (ARCHITECTURE). Time limits come from
settings (CELERY_TASK_SOFT_TIME_LIMIT / CELERY_TASK_TIME_LIMIT); retries of a send are the
outbox row's own attempts and the relay, so a redelivered task is harmless."""

from celery import shared_task
from django.utils import timezone

from escalation.services.csam import csam_contract_notices
from escalation.services.outbox import outbox_relay, outbox_send
from escalation.services.sweep import escalation_sweep


@shared_task(name="escalation.tasks.escalation_sweep_task")
def escalation_sweep_task() -> dict[str, int]:
    result = escalation_sweep(now=timezone.now())
    return {"checked": result.checked, "fired": result.fired}


@shared_task(name="escalation.tasks.outbox_send_task")
def outbox_send_task(outbox_id: int) -> bool:
    return outbox_send(outbox_id=outbox_id, now=timezone.now())


@shared_task(name="escalation.tasks.outbox_relay_task")
def outbox_relay_task() -> int:
    """Send what is still pending (a lost publish, a failed attempt whose time has come), in
    catch-up order and at most OUTBOX_CATCHUP_PER_MINUTE a minute; returns how many were sent."""
    return outbox_relay(now=timezone.now())


@shared_task(name="escalation.tasks.csam_daily_task")
def csam_daily_task() -> int:
    return csam_contract_notices(now=timezone.now())
