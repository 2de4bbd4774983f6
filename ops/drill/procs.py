"""The drill's processes: each in its own process group (a kill -9 takes a gunicorn master with
its workers, a Celery worker with its pool), every wait bounded, and every process stopped on
the way out, whatever ends the drill (an error, Ctrl-C, SIGTERM)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


class DrillError(RuntimeError):
    """The drill could not set itself up or run (as opposed to a failed verification)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def http_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return 200 <= int(reply.status) < 400
    except Exception:
        return False


def wait_for(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise DrillError(f"{what} not ready after {seconds:.0f} s")


@dataclass
class Proc:
    """One supervised process: how to start it and how to tell it is ready."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    ready: Callable[[], bool]
    cwd: Path | None = None
    popen: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def start(self, ready_seconds: float = 60) -> None:
        self.spawn()
        self.wait_ready(ready_seconds)

    def spawn(self) -> None:
        with open(self.log, "ab") as log:
            self.popen = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group
            )
        self.starts += 1

    def wait_ready(self, ready_seconds: float = 60) -> None:
        wait_for(self.ready_or_dead, ready_seconds, self.name)
        if not self.alive():
            raise DrillError(f"{self.name} exited at start; see {self.log}")

    def ready_or_dead(self) -> bool:
        return not self.alive() or self.ready()

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal_group(self, sig: signal.Signals) -> None:
        if self.popen is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, sig)

    def kill9(self) -> None:
        self.signal_group(signal.SIGKILL)
        if self.popen is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=10)

    def stop(self, seconds: float = 10) -> None:
        if not self.alive():
            self.signal_group(signal.SIGKILL)  # children left behind, if any
            return
        self.signal_group(signal.SIGTERM)
        assert self.popen is not None
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=seconds)
        self.signal_group(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=5)


@dataclass
class Supervisor:
    """Starts the topology, restarts what dies unasked (counted), stops everything at the end."""

    procs: dict[str, Proc] = field(default_factory=dict)
    down: set[str] = field(default_factory=set)  # killed on purpose: the fault restarts it
    unplanned: list[tuple[float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)

    def add(self, proc: Proc, ready_seconds: float = 60) -> Proc:
        self.procs[proc.name] = proc
        proc.start(ready_seconds)
        return proc

    def watch(self, restart_after: float) -> threading.Thread:
        def loop() -> None:
            while not self.stopping.wait(1.0):
                with self.lock:
                    dead = [
                        p for p in self.procs.values() if p.name not in self.down and not p.alive()
                    ]
                self.unplanned += [(time.time(), proc.name) for proc in dead]
                if dead:  # all that died together come back together, as under systemd
                    time.sleep(restart_after)
                for proc in dead:
                    with contextlib.suppress(DrillError):
                        self.restart(proc)

        thread = threading.Thread(target=loop, name="supervisor", daemon=True)
        thread.start()
        return thread

    def restart(self, proc: Proc) -> None:
        """Start `proc` again unless the drill is ending: the check and the spawn hold the lock
        that stop_all holds while it stops a process, so no restart outlives the drill."""
        with self.lock:
            if self.stopping.is_set():
                return
            proc.spawn()
        try:
            proc.wait_ready()
        except DrillError:
            if not self.stopping.is_set():  # stopped while it started: not a failure
                raise

    def stop_all(self, names: list[str] | None = None) -> None:
        """In reverse start order: clients' doors first, the stores last. Called for all with
        `stopping` set, so nothing is restarted after."""
        for name in reversed(list(self.procs)):
            if names is None or name in names:
                with self.lock:
                    self.down.add(name)
                    self.procs[name].stop()


def install_signal_handlers() -> None:
    """SIGTERM ends the drill as Ctrl-C does, so the finally-blocks stop every process."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGHUP, interrupt)
