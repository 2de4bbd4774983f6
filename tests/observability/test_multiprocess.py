"""Several gunicorn workers report as one (issue #17 §1): with PROMETHEUS_MULTIPROC_DIR the
requests counted by workers that have since been killed are still in the sum any new worker
reports, and gunicorn's start removes an earlier run's files."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from tests.escalation.conftest import free_port
from tests.observability.conftest import sample

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def _children(parent: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent:
            found.add(int(stat.parent.name))
    return found


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return 0, ""


def _until(predicate: Callable[[], T], what: str, timeout: float = 60.0) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """Two sync workers on a loopback port, the metrics files in tmp_path/metrics (one stale
    file of an earlier run already there); no database tables: the gauges say database_up 0."""
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "histogram_999999.db").write_bytes(b"left by an earlier run")
    port = free_port()
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH")}
    env = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        "SERVICEDESK_VAR_DIR": str(tmp_path / "var"),
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 - the child holds it
    process = subprocess.Popen(
        [str(GUNICORN), "servicedesk.wsgi", "-c", "python:servicedesk.gunicorn_config",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--chdir", str(ROOT)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        yield process, f"http://127.0.0.1:{port}", metrics_dir
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_requests_counted_by_killed_workers_stay_in_the_sum(gunicorn) -> None:
    process, base, metrics_dir = gunicorn
    _until(lambda: _get(f"{base}/metrics")[0] == 200, "gunicorn to answer")
    assert not (metrics_dir / "histogram_999999.db").exists()
    for _ in range(10):
        assert _get(f"{base}/healthz")[0] == 200
    first_workers = _until(lambda: _children(process.pid), "the workers")
    for pid in first_workers:
        os.kill(pid, signal.SIGKILL)
    _until(lambda: len(_children(process.pid) - first_workers) == 2, "two workers in their place")
    _status, text = _until(lambda: (r := _get(f"{base}/metrics"))[0] == 200 and r, "a scrape")
    labels = {"method": "GET", "route": "healthz", "status": "2xx"}
    assert sample(text, "servicedesk_http_request_duration_seconds_count", **labels) == 10.0
    assert sample(text, "servicedesk_database_up") == 0.0
