"""Celery application; configuration comes from Django settings (CELERY_* names)."""

import os

from celery import Celery

from servicedesk.observability import tasks as observability_tasks

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")

app = Celery("servicedesk")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Task ids in the logs, the request id carried to a task (issue #17 §1).
observability_tasks.connect()
