"""gunicorn settings of the web processes: `gunicorn -c python:servicedesk.gunicorn_config ...`.

Only what the metrics and the JSON access log need (command-line options such as --bind and
--workers still apply).
Every worker writes its figures to files in PROMETHEUS_MULTIPROC_DIR (prometheus-client's
multiprocess mode), so a scrape answered by any one worker reports them all. Without that
variable in the environment, this master makes a directory of its own under the system's
temporary directory (its workers inherit the variable) and removes it when it exits: several
workers are counted together with no setting, and two masters on one host never share one.

The files of an earlier run are removed when gunicorn starts, so a restart does not add old
counts to new ones, and a worker that exits (killed, restarted after max-requests) is marked
dead so its live-only values stop being reported; its counters and histograms stay in the sums,
as Prometheus expects of a counter."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

# With LOG_FORMAT=json the access log (--access-logfile) is JSON lines too.
logger_class = "servicedesk.observability.access.JsonAccessLogger"

_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
# Set before any worker is forked: read by prometheus-client when a worker first imports it.
_OWN_DIR = not os.environ.get(_VARIABLE)
if _OWN_DIR:
    os.environ[_VARIABLE] = tempfile.mkdtemp(prefix="servicedesk-metrics-")


def _multiproc_dir() -> Path:
    return Path(os.environ[_VARIABLE])


def on_starting(server: Any) -> None:
    """In the master, before any worker: an empty metrics directory."""
    folder = _multiproc_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink(missing_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """In the master, when a worker has exited for whatever reason."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server: Any) -> None:
    """A directory this master made for itself goes with it."""
    if _OWN_DIR:
        shutil.rmtree(_multiproc_dir(), ignore_errors=True)
