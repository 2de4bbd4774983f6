"""The faults, on a schedule over the load: kill -9 a worker while mail is in flight, a web
process (a gunicorn master with its workers), a beat; restart Redis (its queued messages are
lost: the relay and the sweeps must make up for them) and PgBouncer. Each is restarted after a
few seconds, as a process supervisor would, and its window recorded (from the kill to GRACE
seconds after it answers again)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ops.drill.procs import Supervisor
from ops.drill.verify import Window

RESTART_AFTER = 3.0
GRACE = 5.0
# (fraction of the load's duration, process to kill)
SCHEDULE = (
    (0.15, "worker0"),
    (0.30, "web1"),
    (0.45, "beat0"),
    (0.60, "redis"),
    (0.75, "pgbouncer"),
)
IN_FLIGHT_SQL = (
    "SELECT count(*) FROM escalation_outboxemail "
    "WHERE state = 'pending' AND attempts > 0 AND send_after > now()"
)


@dataclass
class FaultLog:
    windows: list[Window] = field(default_factory=list)
    worker_kills: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def kill_and_restart(sup: Supervisor, name: str, log: FaultLog) -> None:
    proc = sup.procs[name]
    with sup.lock:
        sup.down.add(name)
    started = time.time()
    proc.kill9()
    if name.startswith("worker"):
        log.worker_kills.append(started)
    time.sleep(RESTART_AFTER)
    try:
        sup.restart(proc)
    finally:
        with sup.lock:
            sup.down.discard(name)
    log.windows.append(Window(name, started, time.time() + GRACE))


def faults_run(
    sup: Supervisor,
    duration: float,
    stop: threading.Event,
    in_flight: Callable[[], int],
    log: FaultLog,
) -> threading.Thread:
    """The schedule on its own thread; the worker is killed once a send is in flight (or
    after ten seconds of waiting for one, which the report says)."""

    def loop() -> None:
        begin = time.monotonic()
        for fraction, name in SCHEDULE:
            if stop.wait(max(0.0, begin + fraction * duration - time.monotonic())):
                return
            if name.startswith("worker"):
                waited = time.monotonic() + 10
                while in_flight() == 0 and time.monotonic() < waited:
                    time.sleep(0.1)
                log.notes.append(f"{name} killed with {in_flight()} outbox sends in flight")
            kill_and_restart(sup, name, log)

    thread = threading.Thread(target=loop, name="faults", daemon=True)
    thread.start()
    return thread
