"""Beat that survives a node (issue #17 §1): two real `celery beat` processes on Redis, with
celery-redbeat's lock. Only the holder of the lock sends ticks; killed with SIGKILL (no chance to
let go of the lock), the other takes over once the lock times out.

Each publisher is told by its messages' `origin` header (`gen<pid>@host`). Redis database 13,
under key prefixes of this test's own; in CI (CI=true) a missing Redis fails it, elsewhere it
skips. About 20 seconds."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings

from tests.deploy.support import REDIS_BROKER_DB, redis_forget, redis_up, require, wait_for

LOCK_TIMEOUT = 6


def _beat(tmp_path: Path, prefix: str, name: str) -> subprocess.Popen[bytes]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        "SERVICEDESK_VAR_DIR": str(tmp_path / name),
        "CELERY_BROKER_URL": REDIS_BROKER_DB,
        "CELERY_BROKER_KEY_PREFIX": f"{prefix}broker:",
        "REDBEAT_KEY_PREFIX": f"{prefix}redbeat",
        "REDBEAT_LOCK_TIMEOUT": str(LOCK_TIMEOUT),
        "ESCALATION_SWEEP_SECONDS": "1",
    }
    celery = str(Path(settings.BASE_DIR) / ".venv" / "bin" / "celery")
    log = (tmp_path / f"{name}.log").open("wb")
    return subprocess.Popen(
        [celery, "-A", "servicedesk", "beat", "--loglevel", "INFO"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture
def prefix() -> Iterator[str]:
    require(redis_up(REDIS_BROKER_DB), f"Redis is not reachable at {REDIS_BROKER_DB}")
    name = f"test-beat-{uuid.uuid4().hex}:"
    yield name
    redis_forget(REDIS_BROKER_DB, name)


def _sweeps_by_pid(prefix: str) -> Counter[int]:
    """How many escalation sweeps each beat process has published so far."""
    raw = redis.Redis.from_url(REDIS_BROKER_DB).lrange(f"{prefix}broker:escalation", 0, -1)
    headers = [json.loads(message)["headers"] for message in raw]
    return Counter(
        int(h["origin"].split("@")[0].removeprefix("gen"))
        for h in headers
        if h["task"] == "escalation.tasks.escalation_sweep_task"
    )


def test_two_beats_send_one_schedule_and_the_other_takes_over_a_killed_one(
    tmp_path: Path, prefix: str
) -> None:
    beats = [_beat(tmp_path, prefix, name) for name in ("beat-a", "beat-b")]
    try:
        holder_pid = next(iter(wait_for(lambda: _sweeps_by_pid(prefix), "a first tick", 30)))
        time.sleep(4)  # both are up: ticks keep coming, all from the lock's holder
        holder = next(beat for beat in beats if beat.pid == holder_pid)
        standby = next(beat for beat in beats if beat is not holder)
        seen = _sweeps_by_pid(prefix)
        assert set(seen) == {holder.pid}, (tmp_path / "beat-b.log").read_text()
        assert seen[holder.pid] >= 3
        assert standby.poll() is None  # waiting for the lock, not dead

        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=5)
        killed = time.monotonic()
        wait_for(lambda: standby.pid in _sweeps_by_pid(prefix), "the takeover", LOCK_TIMEOUT + 10)
        assert time.monotonic() - killed <= LOCK_TIMEOUT + 5
        time.sleep(2)
        assert _sweeps_by_pid(prefix)[standby.pid] >= 2  # it keeps ticking
    finally:
        for beat in beats:
            if beat.poll() is None:
                beat.send_signal(signal.SIGKILL)
                beat.wait(timeout=5)
