"""Celery tasks: thin, one service call each (ARCHITECTURE)."""

from celery import shared_task
from django.utils import timezone

from reports.services.mail import review_packs_monthly


@shared_task(name="reports.tasks.review_packs_monthly_task")
def review_packs_monthly_task() -> int:
    # Last month's review packs to the CSAM and the service support managers, once each.
    return review_packs_monthly(now=timezone.now())
