"""Named queues (issue #17 §1): every task of the project has a queue of its kind, so a flood of
mail on `intake` cannot delay the escalation sweep, and `make run`'s one worker consumes them all.

The broker proofs publish 100 intake tasks and then a sweep to the local Redis (database 13,
under a key prefix of their own): a consumer, and a real worker, of `escalation` alone take the
sweep at once. In CI (CI=true) a missing Redis fails them, elsewhere they skip."""

from __future__ import annotations

import os
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from kombu import Connection

from notifications.services import outbox
from servicedesk import queues
from servicedesk.celery import app
from tests.deploy.support import REDIS_BROKER_DB, redis_forget, redis_up, require, wait_for

SWEEP = "escalation.tasks.escalation_sweep_task"
IMAP_POLL = "intake.tasks.imap_poll_all_task"


def _project_tasks() -> set[str]:
    app.loader.import_default_modules()
    # Celery's own tasks and the test suite's probes (tests/observability) are not the project's.
    return {name for name in app.tasks if not name.startswith(("celery.", "tests."))}


def _queue_of(name: str) -> str:
    route = app.amqp.router.route({}, name)
    return str(route["queue"].name)


def test_every_task_of_the_project_has_a_named_queue() -> None:
    registered = _project_tasks()
    assert SWEEP in registered  # the tasks modules were imported
    assert registered == set(queues.TASK_QUEUES), (
        "add the new task to servicedesk/queues.py (or remove the stale name)"
    )
    assert {_queue_of(name) for name in registered} <= set(queues.QUEUES)


def test_the_sweep_and_the_mail_intake_never_share_a_queue() -> None:
    assert _queue_of(SWEEP) == "escalation"
    assert _queue_of("escalation.tasks.oncall_sweep_task") == "escalation"
    assert _queue_of(IMAP_POLL) == _queue_of("intake.tasks.inbound_retry_stuck_task") == "intake"
    assert _queue_of(outbox.SEND_TASK) == _queue_of(outbox.SEND_MANY_TASK) == "notifications"
    assert _queue_of("reports.tasks.review_packs_monthly_task") == "reports"


def test_every_beat_entry_goes_to_a_named_queue() -> None:
    entries = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert entries <= set(queues.TASK_QUEUES)


def test_a_worker_without_q_and_make_runs_worker_consume_every_queue() -> None:
    assert [queue.name for queue in settings.CELERY_TASK_QUEUES] == list(queues.QUEUES)
    procfile = (Path(settings.BASE_DIR) / "Procfile").read_text()
    worker = next(line for line in procfile.splitlines() if line.startswith("worker:"))
    named = worker.split(" -Q ", 1)[1].split()[0].split(",")
    assert sorted(named) == sorted(queues.QUEUES)


@pytest.fixture
def redis_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Celery, str]]:
    """The project's Celery configuration on the local Redis, under a key prefix of its own.
    Celery prefers the CELERY_BROKER_URL environment variable (CI sets one) to the app's
    `broker_url`, so the variable names the probe's database too."""
    require(redis_up(REDIS_BROKER_DB), f"Redis is not reachable at {REDIS_BROKER_DB}")
    monkeypatch.setenv("CELERY_BROKER_URL", REDIS_BROKER_DB)
    prefix = f"test-queues-{uuid.uuid4().hex}:"
    # Not made the current app: the desk's tasks, run later in this worker, publish through the
    # current app (a probe left current would swallow them).
    probe = Celery("probe", set_as_current=False)
    probe.config_from_object("django.conf:settings", namespace="CELERY")
    probe.conf.broker_url = REDIS_BROKER_DB
    probe.conf.broker_transport_options = {
        **settings.BROKER_REDIS_TRANSPORT_OPTIONS,
        "global_keyprefix": prefix,
    }
    yield probe, prefix
    probe.close()
    redis_forget(REDIS_BROKER_DB, prefix)


def _worker(tmp_path: Path, prefix: str, queue: str) -> subprocess.Popen[bytes]:
    """A real worker of the project consuming only `queue`, on the probe's Redis keys."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        "SERVICEDESK_VAR_DIR": str(tmp_path),
        "CELERY_BROKER_URL": REDIS_BROKER_DB,
        "CELERY_BROKER_KEY_PREFIX": prefix,
    }
    celery = str(Path(settings.BASE_DIR) / ".venv" / "bin" / "celery")
    return subprocess.Popen(
        [celery, "-A", "servicedesk", "worker", "-Q", queue, "--pool", "solo", "-l", "INFO"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=(tmp_path / "worker.log").open("wb"),
        stderr=subprocess.STDOUT,
    )


def _logged_at(log: str, marker: str) -> datetime:
    """When the worker logged the first line holding `marker` ("[2026-12-06 11:03:31,914: ...")."""
    line = next(line for line in log.splitlines() if marker in line)
    return datetime.strptime(line[1:24], "%Y-%m-%d %H:%M:%S,%f")  # noqa: DTZ007 (the log's own clock)


def test_a_flood_on_intake_does_not_delay_an_escalation_on_redis(
    redis_app: tuple[Celery, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    probe, prefix = redis_app
    for _ in range(100):
        probe.send_task(IMAP_POLL)
    probe.send_task(SWEEP)
    # The outbox publishes by name (send_task): routed by the same table.
    monkeypatch.setattr(outbox, "current_app", probe)
    outbox.outbox_publish_pause_end()
    outbox.task_publish(outbox.SEND_TASK, 7, "email")
    lengths = redis.Redis.from_url(REDIS_BROKER_DB)
    assert lengths.llen(f"{prefix}intake") == 100
    assert lengths.llen(f"{prefix}notifications") == 1

    # A worker that consumes only `escalation` gets the sweep at once, ahead of the 100.
    started = time.monotonic()
    with Connection(REDIS_BROKER_DB, transport_options=probe.conf.broker_transport_options) as conn:
        consumer = conn.SimpleQueue(probe.amqp.queues["escalation"])
        message = consumer.get(timeout=2)
        message.ack()
        consumer.close()
    assert message.headers["task"] == SWEEP
    assert time.monotonic() - started < 1.0
    assert lengths.llen(f"{prefix}intake") == 100


def test_a_real_escalation_worker_takes_the_sweep_past_a_flood_of_mail(
    redis_app: tuple[Celery, str], tmp_path: Path
) -> None:
    probe, prefix = redis_app
    for _ in range(100):
        probe.send_task(IMAP_POLL)
    probe.send_task(SWEEP)
    lengths = redis.Redis.from_url(REDIS_BROKER_DB)
    worker = _worker(tmp_path, prefix, "escalation")
    try:
        # Taken at once (it then fails here, on a database nobody migrated: no matter).
        received = re.compile(rf"Task {re.escape(SWEEP)}\[[-0-9a-f]+\] received")
        log = tmp_path / "worker.log"
        wait_for(lambda: received.search(log.read_text()), "the sweep to be taken", 30)
        text = log.read_text()
        assert f"Task {IMAP_POLL}[" not in text
        # Within a second of the worker being ready, though 100 mails were queued first.
        ready, taken = (_logged_at(text, marker) for marker in (" ready.", f"{SWEEP}["))
        assert timedelta(0) <= taken - ready < timedelta(seconds=1)
        assert lengths.llen(f"{prefix}escalation") == 0
        assert lengths.llen(f"{prefix}intake") == 100
    finally:
        worker.terminate()
        worker.wait(timeout=20)
