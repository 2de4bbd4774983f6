"""Real services for the delivery proofs: an SMTP recorder, a private Redis, Celery workers.

In CI (CI=true) a missing service fails the test; elsewhere the test is skipped with the reason.
Every wait is bounded and every process started here is stopped in a finally block.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote
from uuid import uuid4

import pytest
from django.conf import settings
from django.db import connection

try:
    from aiosmtpd.controller import Controller
except ImportError:  # pragma: no cover - reported by require() below
    Controller = None

IN_CI = os.environ.get("CI") == "true"


def require(available: bool, reason: str) -> None:
    """A missing service fails the run in CI and skips the test elsewhere."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(
    predicate: Callable[[], Any],
    *,
    what: str,
    timeout: float = 30.0,
    diagnostics: Callable[[], str] = lambda: "",
) -> Any:
    """Poll until `predicate` is truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{diagnostics()}")
        time.sleep(0.05)


def stop_process(process: subprocess.Popen[Any], sig: int = signal.SIGTERM) -> None:
    """Signal the process group (worker pool children too); SIGKILL after 10 s."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        process.wait(timeout=10)


# --- SMTP -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    message_id: str
    to: str
    rcpt_tos: tuple[str, ...]
    subject: str
    content_types: tuple[str, ...]


class RecordingHandler:
    """aiosmtpd handler: records every message; can hold the first one before replying 250."""

    def __init__(self) -> None:
        self.delay_first = 0.0
        self.first_arrived = threading.Event()
        self._messages: list[Received] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        received = Received(
            message_id=str(parsed["Message-ID"] or ""),
            to=str(parsed["To"] or ""),
            rcpt_tos=tuple(envelope.rcpt_tos),
            subject=str(parsed["Subject"] or ""),
            content_types=tuple(part.get_content_type() for part in parsed.walk()),
        )
        with self._lock:
            self._messages.append(received)
            first = len(self._messages) == 1
        self.first_arrived.set()
        if first and self.delay_first:
            # Received but not yet acknowledged: the sender is waiting for our 250.
            await asyncio.sleep(self.delay_first)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._messages)

    def count_by_message_id(self) -> Counter[str]:
        return Counter(m.message_id for m in self.messages)


@dataclass
class SmtpServer:
    port: int
    handler: RecordingHandler


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    require(Controller is not None, "aiosmtpd is not installed (pip install -r requirements-dev)")
    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(port, handler)
    finally:
        controller.stop()


# --- Redis ------------------------------------------------------------------------------------


class RedisServer:
    """A redis-server of our own on a free port, so it can be stopped without harming others."""

    def __init__(self, binary: str, workdir: Path) -> None:
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--daemonize", "no", "--dir", str(self.workdir)]
        log = (self.workdir / "redis.log").open("ab")
        self.process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        wait_for(self.ping, what=f"redis-server on port {self.port}", timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None
        wait_for(lambda: not self.ping(), what="redis-server to stop", timeout=10)

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    require(binary is not None, "redis-server is not on PATH")
    server = RedisServer(str(binary), tmp_path)
    try:
        yield server
    finally:
        server.stop()


# --- Processes that use the test database -----------------------------------------------------


def database_url() -> str:
    """The test database pytest-django created (test_<name>), for other processes."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def service_env(smtp_server: SmtpServer, redis_server: RedisServer, tmp_path: Path) -> dict:
    """Environment for workers, sweeps and the relay: test DB, our Redis, our SMTP server."""
    require(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CELERY_", "EMAIL_", "DATABASE_", "DJANGO_SETTINGS"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="servicedesk.settings",
        DATABASE_URL=database_url(),
        CELERY_BROKER_URL=redis_server.url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}",
        SERVICEDESK_VAR_DIR=str(tmp_path / "var"),
        OUTBOX_SEND_LEASE_SECONDS="2",
        PYTHONUNBUFFERED="1",
    )
    return env


class Worker:
    """One `celery -A servicedesk worker` (prefork), its own process group and log file."""

    def __init__(self, env: dict, log_path: Path) -> None:
        self.log_path = log_path
        command = [sys.executable, "-m", "celery", "-A", "servicedesk", "worker"]
        command += ["--loglevel=INFO", "--concurrency=2", "--without-gossip"]
        command += ["--without-mingle", "--without-heartbeat", "-n", f"proof-{uuid4().hex[:8]}@%h"]
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self) -> None:
        wait_for(self.ready, what="the Celery worker to be ready", diagnostics=self.log)

    def ready(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"the Celery worker exited with {self.process.returncode}\n{self.log()}")
        return " ready." in self.log()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the main process and its pool children at once: a crashed node."""
        stop_process(self.process, signal.SIGKILL)

    def stop(self) -> None:
        stop_process(self.process)


@pytest.fixture
def workers(service_env: dict, tmp_path: Path) -> Iterator[Callable[[], Worker]]:
    """Start workers on demand; all are stopped at teardown (before the database flush)."""
    started: list[Worker] = []

    def start() -> Worker:
        started.append(Worker(service_env, tmp_path / f"worker-{len(started) + 1}.log"))
        started[-1].wait_ready()
        return started[-1]

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()


# On call (issue #13 §1): the rota, the fake pager and the worker of the on-call tests.
from tests.escalation.oncall_world import pager, rota, worker  # noqa: E402, F401
