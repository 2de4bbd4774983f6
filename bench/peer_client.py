"""Run the peer harness (django-helpdesk 2.6.1, bench/peer/.venv) from a bench: same-run ratios.

Standard library only: the benches import it under the project's venv and spawn
``bench/peer/.venv/bin/python bench/peer/driver.py OP ...``, which prints one JSON line (see
driver.py). ``make bench-peer`` builds the peer venv; without it ``peer_available()`` is False
and the benches print NOT_INSTALLED and go on.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PEER_DIR = Path(__file__).resolve().parent / "peer"
PEER_PYTHON = PEER_DIR / ".venv" / "bin" / "python"
PEER_STAMP = PEER_DIR / ".venv" / ".installed"  # written by make bench-peer once pip succeeded
DRIVER = PEER_DIR / "driver.py"
NOT_INSTALLED = "peer: not installed (make bench-peer)"


class PeerError(RuntimeError):
    """The peer driver failed or printed no result."""


def peer_available() -> bool:
    """True when ``make bench-peer`` has run to the end (not a half-installed venv)."""
    return PEER_STAMP.is_file() and os.access(PEER_PYTHON, os.X_OK)


def peer_run(op: str, **args: Any) -> dict[str, Any]:
    """Run driver.py `op` with `args` as ``--name value`` options; its JSON result.

    The peer's own DATABASE_URL-style setting is PEER_DATABASE_URL; ours (DATABASE_URL) is not
    passed on, so the two never share a database."""
    command = [str(PEER_PYTHON), str(DRIVER), op]
    for name, value in args.items():
        command += [f"--{name.replace('_', '-')}", str(value)]
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["PYTHONUTF8"] = "1"  # helpdesk opens mailbox files in text mode
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise PeerError(f"peer {op} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise PeerError(f"peer {op} printed no result:\n{done.stdout[-2000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    if not result.get("ok", True):
        raise PeerError(f"peer {op} did not do the expected work: {lines[-1][:2000]}")
    return result


def rate(result: dict[str, Any]) -> float:
    """Items per second of one peer run (its per-item seconds summed)."""
    return len(result["seconds"]) / sum(result["seconds"])


def ratio_median(ours: Sequence[float], peer: Sequence[float]) -> float:
    """Median of the per-pair ratios ours/peer of two same-length series of rates (>1: ours
    faster)."""
    return statistics.median(o / p for o, p in zip(ours, peer, strict=True))
