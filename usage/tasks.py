"""Celery tasks: thin, one service call each (ARCHITECTURE)."""

from celery import shared_task
from django.utils import timezone

from contracts.selectors_events import local_day
from usage.services.fair_use import usage_monthly
from usage.services.microsoft import entitlements_lapse
from usage.services.terms import contract_terms_apply


@shared_task(name="usage.tasks.usage_monthly_task")
def usage_monthly_task() -> dict[str, int]:
    # This month's subscription fees and last month's fair use, each exactly once.
    return usage_monthly(now=timezone.now())


@shared_task(name="usage.tasks.entitlements_lapse_task")
def entitlements_lapse_task() -> int:
    # CON-20, A-31: what is left of an ended work order lapses, once (a ledger row).
    return entitlements_lapse(now=timezone.now())


@shared_task(name="usage.tasks.contract_terms_task")
def contract_terms_task() -> dict[str, int]:
    # D18: renewals and ends; safe to run hourly, each change happens once.
    now = timezone.now()
    applied = contract_terms_apply(today=local_day(now), now=now)
    return {"renewed": applied.renewed, "ended": applied.ended, "followed": applied.followed}
