"""Celery tasks: thin, ids in, one service call each (ARCHITECTURE). Time limits come from
settings (CELERY_TASK_SOFT_TIME_LIMIT / CELERY_TASK_TIME_LIMIT). The outbox's send and relay
tasks live in notifications.tasks (under their old registered names)."""

from celery import shared_task
from django.utils import timezone

from escalation.services.aem import aem_event_summaries_send
from escalation.services.csam import csam_contract_notices
from escalation.services.oncall import oncall_pager_send, oncall_sweep
from escalation.services.sweep import escalation_sweep


@shared_task(name="escalation.tasks.escalation_sweep_task")
def escalation_sweep_task() -> dict[str, int]:
    result = escalation_sweep(now=timezone.now())
    return {"checked": result.checked, "fired": result.fired}


@shared_task(name="escalation.tasks.csam_daily_task")
def csam_daily_task() -> int:
    # The CSAM's contract notices and, once per ended event, its post-event summary.
    now = timezone.now()
    return csam_contract_notices(now=now) + aem_event_summaries_send(now=now)


@shared_task(name="escalation.tasks.oncall_sweep_task")
def oncall_sweep_task() -> dict[str, int]:
    result = oncall_sweep(now=timezone.now())
    return {"stepped": result.stepped, "pager_sent": result.pager_sent}


@shared_task(name="escalation.tasks.oncall_pager_task")
def oncall_pager_task(step_id: int) -> bool:
    return oncall_pager_send(step_id=step_id, now=timezone.now())
