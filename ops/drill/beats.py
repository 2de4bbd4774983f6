"""Which beat held celery-redbeat's lock, and whether the ticks went on after the beat kill.

Each beat logs "beat: Acquired lock" when it takes the lock (at start, or when the holder died
and its lock expired); the standby waits in the meantime. The sweep lag sampled from the
database shows whether the ticks continued: with a sweep every 5 s and a lock of 10 s, the lag
after the kill stays within a few tens of seconds."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from ops.drill.verify import Window

STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?")


def acquired(log: Path, begin: float) -> list[float]:
    """Seconds after the load's start at which this beat logged taking the lock."""
    times = []
    for line in log.read_text(errors="replace").splitlines():
        if "Acquired lock" in line and (found := STAMP.search(line)):
            text = found.group().replace(",", ".").replace(" ", "T").replace("Z", "+00:00")
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:  # Celery's own format: local time of this machine
                moment = moment.astimezone()
            times.append(round(moment.timestamp() - begin, 1))
    return times


def beat_figures(
    logs: Path, windows: list[Window], rows: list[tuple[float, float, int, float]], begin: float
) -> dict[str, Any]:
    """The lock's takings per beat (negative: before the load), and the largest sweep lag in the
    minute after each beat kill and over the whole run."""
    taken = {log.stem: acquired(log, begin) for log in sorted(logs.glob("beat*.log"))}
    after = {}
    for w in windows:
        if w.what.startswith("beat"):
            start = w.start - begin
            lags = [lag for t, lag, _, _ in rows if start <= t <= start + 60]
            after[w.what] = round(max(lags, default=0.0), 1)
    return {
        "lock_acquired_at": taken,
        "max_sweep_lag_after_kill": after,
        "max_sweep_lag": round(max((lag for _, lag, _, _ in rows), default=0.0), 1),
    }


def beat_lines(b: dict[str, Any]) -> list[str]:
    return [
        "Beats (celery-redbeat, one lock): lock taken at (s after the load's start) "
        f"{b['lock_acquired_at']}; largest sweep lag in the minute after the beat kill "
        f"{b['max_sweep_lag_after_kill']} s, over the whole run {b['max_sweep_lag']} s.",
    ]
