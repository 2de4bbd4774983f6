"""Which Celery queue each task of the project goes to (issue #17 §1).

Named queues let each kind of work have workers of its own: a flood of mail on `intake` cannot
delay the escalation sweep on `escalation`, a month of review-pack PDFs on `reports` cannot hold
up the outbox on `notifications`. Every task of the project is named here, explicitly: a task
missing from this table is a test failure (tests/deploy/test_queues.py), never a silent landing
on the default queue. The routes are by registered name, so they apply to `send_task(name)` as
much as to `.delay()`; several tasks keep the names they had before they moved app (the
outbox's `escalation.tasks.outbox_send_task` runs in notifications), which is why the table
names tasks and not modules.

`celery` stays the default queue for anything else (Celery's own housekeeping); a worker that
is not given `-Q` consumes every queue below (CELERY_TASK_QUEUES), as `make run`'s one worker does.
"""

from __future__ import annotations

DEFAULT_QUEUE = "celery"
INTAKE = "intake"
ESCALATION = "escalation"
NOTIFICATIONS = "notifications"
REPORTS = "reports"
QUEUES = (DEFAULT_QUEUE, INTAKE, ESCALATION, NOTIFICATIONS, REPORTS)

TASK_QUEUES: dict[str, str] = {
    # Mail in: IMAP polling and the retry of messages stuck half-way.
    "intake.tasks.imap_poll_all_task": INTAKE,
    "intake.tasks.inbound_retry_stuck_task": INTAKE,
    # Promises at risk: the sweeps and the CSAM's contract notices; short and time-critical.
    "escalation.tasks.escalation_sweep_task": ESCALATION,
    "escalation.tasks.oncall_sweep_task": ESCALATION,
    "escalation.tasks.csam_daily_task": ESCALATION,
    # Everything that leaves the building: mail, webhooks, pagers, maintenance reminders.
    "escalation.tasks.outbox_send_task": NOTIFICATIONS,
    "notifications.tasks.outbox_send_many_task": NOTIFICATIONS,
    "escalation.tasks.outbox_relay_task": NOTIFICATIONS,
    "notifications.tasks.webhook_send_task": NOTIFICATIONS,
    "notifications.tasks.webhook_relay_task": NOTIFICATIONS,
    "escalation.tasks.oncall_pager_task": NOTIFICATIONS,
    "availability.tasks.maintenance_reminders_task": NOTIFICATIONS,
    # Long, heavy and never urgent: figures, billing, packs, retention.
    "reports.tasks.review_packs_monthly_task": REPORTS,
    "usage.tasks.usage_monthly_task": REPORTS,
    "usage.tasks.entitlements_lapse_task": REPORTS,
    "usage.tasks.contract_terms_task": REPORTS,
    "tickets.tasks.figures_rollup_task": REPORTS,
    "privacy.tasks.retention_task": REPORTS,
    # Housekeeping of the API's idempotency records: the default queue, by choice.
    "api.tasks.idempotency_purge_task": DEFAULT_QUEUE,
}


def task_routes() -> dict[str, dict[str, str]]:
    """CELERY_TASK_ROUTES: each task's queue (its routing key is the queue's name)."""
    return {name: {"queue": queue, "routing_key": queue} for name, queue in TASK_QUEUES.items()}
