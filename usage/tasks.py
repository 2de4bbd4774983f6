"""Celery tasks: thin, one service call each (ARCHITECTURE)."""

from celery import shared_task
from django.utils import timezone

from usage.services.fair_use import usage_monthly
from usage.services.microsoft import entitlements_lapse


@shared_task(name="usage.tasks.usage_monthly_task")
def usage_monthly_task() -> dict[str, int]:
    # This month's subscription fees and last month's fair use, each exactly once.
    return usage_monthly(now=timezone.now())


@shared_task(name="usage.tasks.entitlements_lapse_task")
def entitlements_lapse_task() -> int:
    # CON-20, A-31: what is left of an ended work order lapses, once (a ledger row).
    return entitlements_lapse(now=timezone.now())
