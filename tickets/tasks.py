"""Celery tasks of the tickets app: thin, one service call each (ARCHITECTURE)."""

from celery import shared_task
from django.utils import timezone

from tickets.services.figures import figures_rollup


@shared_task(name="tickets.tasks.figures_rollup_task")
def figures_rollup_task() -> int:
    """The dashboard's months that are over, rolled up (again, after a late change)."""
    return len(figures_rollup(now=timezone.now()))
