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


@app.on_after_configure.connect
def _redbeat_names(sender: Celery, **kwargs: object) -> None:
    """celery-redbeat looks its settings up by their bare names (`redbeat_redis_url`), not
    with the CELERY_ namespace of Django's settings: without them it warns on every start that
    it falls back to the broker's URL and options."""
    conf = sender.conf
    bare = {key.removeprefix("CELERY_").lower(): conf[key] for key in conf if "REDBEAT" in key}
    conf.update(bare)
