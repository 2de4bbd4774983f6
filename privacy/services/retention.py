"""Retention (issue #15 §3): closed tickets' attachments and raw inbound mail older than
RETENTION_DAYS are purged by every registered app's purger, once a day.

Exactly once: the day's `RetentionRun` row is inserted in the run's transaction, under a unique
day; a second run that day (a doubled beat, a retried task) finds the row and does nothing. A
run that fails rolls back with its row, so the next beat tries again; a purge finds only what is
left, so running it again is always safe. RETENTION_DAYS = 0 (the default) purges nothing; the
access exports past their keeping period are removed either way."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from privacy.files import stored_files_delete
from privacy.models import DataSubjectRequest, RetentionRun
from privacy.registry import Counts, counts_add, personal_data_registered


def _exports_expire(now: datetime) -> int:
    expired = DataSubjectRequest.objects.filter(export_expires_at__lte=now).exclude(export_file="")
    removed = stored_files_delete(row.export_file for row in expired)
    expired.update(export_file="", export_expires_at=None)
    return removed


@transaction.atomic
def retention_run(*, now: datetime) -> RetentionRun | None:
    """The day's run, or None when it ran today already."""
    day = now.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE)).date()
    days = settings.RETENTION_DAYS
    cutoff = now - timedelta(days=days) if days > 0 else None
    run, created = RetentionRun.objects.get_or_create(
        run_on=day, defaults={"started_at": now, "cutoff": cutoff}
    )
    if not created:
        return None
    counts: Counts = {}
    if cutoff is not None:
        for data in personal_data_registered():
            if data.purge is not None:
                counts_add(counts, data.purge(cutoff, now))
    counts["privacy.export"] = _exports_expire(now)
    run.result = {table: number for table, number in sorted(counts.items()) if number}
    run.save(update_fields=["result"])
    return run
