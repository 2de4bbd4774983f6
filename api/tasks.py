"""The API's periodic work: forget Idempotency-Keys older than a day (issue #12 §3)."""

from celery import shared_task
from django.utils import timezone

from api.idempotency import idempotency_purge


@shared_task(name="api.tasks.idempotency_purge_task")
def idempotency_purge_task() -> int:
    return idempotency_purge(now=timezone.now())
