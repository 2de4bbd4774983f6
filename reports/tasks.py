"""Celery tasks: thin, one service call each (ARCHITECTURE)."""

from celery import shared_task
from django.utils import timezone

from reports.services.mail import review_packs_monthly


# Rendering a month's PDFs takes seconds per contract: a longer limit than the default task's;
# the run starts no new contract after REVIEW_PACK_MAIL_BUDGET_SECONDS, well before it.
@shared_task(name="reports.tasks.review_packs_monthly_task", soft_time_limit=600, time_limit=660)
def review_packs_monthly_task() -> int:
    # Last month's review packs to the CSAM and the service support managers, once each.
    return review_packs_monthly(now=timezone.now())
