"""Celery tasks: thin, one service call each (ARCHITECTURE)."""

from celery import shared_task
from django.utils import timezone

from usage.services.fair_use import usage_monthly


@shared_task(name="usage.tasks.usage_monthly_task")
def usage_monthly_task() -> dict[str, int]:
    # This month's subscription fees and last month's fair use, each exactly once.
    return usage_monthly(now=timezone.now())
