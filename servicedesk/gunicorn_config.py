"""gunicorn settings of the web processes: `gunicorn -c python:servicedesk.gunicorn_config ...`.

Only what the metrics need (command-line options such as --bind and --workers still apply):
with PROMETHEUS_MULTIPROC_DIR set, every worker writes its figures to files in that directory
(prometheus-client's multiprocess mode). The files of an earlier run are removed when gunicorn
starts, so a restart does not add old counts to new ones, and a worker that exits (killed,
restarted after max-requests) is marked dead so its live-only values stop being reported; its
counters and histograms stay in the sums, as Prometheus expects of a counter."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def _multiproc_dir() -> Path | None:
    value = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    return Path(value) if value else None


def on_starting(server: Any) -> None:
    """In the master, before any worker: an empty metrics directory."""
    folder = _multiproc_dir()
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink(missing_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """In the master, when a worker has exited for whatever reason."""
    if _multiproc_dir() is None:
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
