"""Thin tasks of the privacy app."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from privacy.services.retention import retention_run


@shared_task(name="privacy.tasks.retention_task")
def retention_task() -> dict[str, int] | None:
    """The beat's daily retention run (hourly beat; a no-op after the day's first run)."""
    run = retention_run(now=timezone.now())
    return dict(run.result) if run is not None else None
