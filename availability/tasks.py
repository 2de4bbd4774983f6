"""Celery tasks: thin, one service call each (ARCHITECTURE)."""

from celery import shared_task
from django.utils import timezone

from availability.services.announcements import maintenance_reminders_send


@shared_task(name="availability.tasks.maintenance_reminders_task")
def maintenance_reminders_task() -> int:
    # The day before planned maintenance its contacts are reminded, each exactly once.
    return maintenance_reminders_send(now=timezone.now())
