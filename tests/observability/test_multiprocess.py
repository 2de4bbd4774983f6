"""Several gunicorn workers report as one (issue #17 §1): the requests counted by workers that
have since been killed are still in the sum any new worker reports, whether
PROMETHEUS_MULTIPROC_DIR is set or gunicorn's config made a directory of its own (removed when
gunicorn exits); gunicorn's start removes an earlier run's files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TypeVar

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


def _gunicorn(
    tmp_path: Path, metrics_dir: Path | None, **extra: str
) -> tuple[subprocess.Popen[bytes], str, IO[bytes]]:
    """Two sync workers on a loopback port; no database tables (the gauges say database_up 0).
    `metrics_dir` None: PROMETHEUS_MULTIPROC_DIR is not set, the config makes its own."""
    port = free_port()
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH")}
    env = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        "SERVICEDESK_VAR_DIR": str(tmp_path / "var"),
        "TMPDIR": str(tmp_path),
        **extra,
    }
    if metrics_dir is not None:
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 - the child holds it
    process = subprocess.Popen(
        [str(GUNICORN), "servicedesk.wsgi", "-c", "python:servicedesk.gunicorn_config",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--chdir", str(ROOT),
         "--access-logfile", "-"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    return process, f"http://127.0.0.1:{port}", log


@pytest.fixture(params=["explicit", "own"])
def gunicorn(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], str, Path | None]]:
    """gunicorn with PROMETHEUS_MULTIPROC_DIR set (one stale file of an earlier run already
    there), and without it."""
    metrics_dir = tmp_path / "metrics" if request.param == "explicit" else None
    if metrics_dir is not None:
        metrics_dir.mkdir()
        (metrics_dir / "histogram_999999.db").write_bytes(b"left by an earlier run")
    process, base, log = _gunicorn(tmp_path, metrics_dir)
    try:
        yield process, base, metrics_dir
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        log.close()


def test_requests_counted_by_killed_workers_stay_in_the_sum(gunicorn) -> None:
    process, base, _metrics_dir = gunicorn
    _until(lambda: _get(f"{base}/metrics")[0] == 200, "gunicorn to answer")
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


@pytest.mark.parametrize("gunicorn", ["explicit"], indirect=True)
def test_gunicorn_start_removes_an_earlier_runs_files(gunicorn) -> None:
    _process, base, metrics_dir = gunicorn
    _until(lambda: _get(f"{base}/healthz")[0] == 200, "gunicorn to answer")
    assert not (metrics_dir / "histogram_999999.db").exists()


@pytest.mark.parametrize("gunicorn", ["own"], indirect=True)
def test_a_directory_of_its_own_goes_with_gunicorn(gunicorn, tmp_path: Path) -> None:
    process, base, _metrics_dir = gunicorn
    _until(lambda: _get(f"{base}/healthz")[0] == 200, "gunicorn to answer")
    (own,) = tmp_path.glob("servicedesk-metrics-*")
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)
    assert not own.exists()


def test_the_access_log_is_json_with_the_request_id(tmp_path: Path) -> None:
    process, base, log = _gunicorn(tmp_path, None, LOG_FORMAT="json")
    try:
        _until(lambda: _get(f"{base}/healthz")[0] == 200, "gunicorn to answer")
        request = urllib.request.Request(f"{base}/healthz", headers={"X-Request-ID": "acc-17"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.headers["X-Request-ID"] == "acc-17"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
    lines = (tmp_path / "gunicorn.log").read_text().splitlines()
    access = [json.loads(x) for x in lines if '"gunicorn.access"' in x and "acc-17" in x]
    assert [(a["request_id"], a["path"], a["status"]) for a in access] == [
        ("acc-17", "/healthz", "200")
    ]
