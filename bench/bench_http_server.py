"""gunicorn for bench_http.py: started on a loopback port of its own against the bench database,
with the settings of production as far as plain HTTP on loopback allows, and the memory of its
workers read from /proc.

``SERVICEDESK_ENV=production`` (DEBUG off, a secret key, API rate limits counted in Redis when it
answers, as production counts them), ``DJANGO_ALLOWED_HOSTS`` of loopback; only the two HTTPS
settings production cannot keep over plain HTTP are turned off: the redirect to HTTPS
(``DJANGO_SECURE_SSL_REDIRECT``) and secure-only cookies (``SESSION_COOKIE_SECURE``, which the
CSRF and language cookies follow). ``deploy_warnings`` runs ``manage.py check --deploy`` with
the very environment, so the report shows that nothing else differs.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
READY_SECONDS = 60
# What `check --deploy` says of the two HTTPS settings plain HTTP on loopback needs off.
EXPECTED_WARNINGS = frozenset({"security.W008", "security.W012", "security.W016"})


def redis_answers(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def server_environment(database_url: str, var_dir: Path) -> dict[str, str]:
    """The web processes' environment: production, on plain HTTP over loopback."""
    env = dict(os.environ)
    env.update(
        SERVICEDESK_ENV="production",
        DJANGO_SECRET_KEY=f"bench-only-{secrets.token_urlsafe(32)}",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        DATABASE_URL=database_url,
        SERVICEDESK_VAR_DIR=str(var_dir),
        CELERY_BROKER_URL="filesystem://",
        CELERY_TASK_ALWAYS_EAGER="false",
        API_RATE_LIMIT="600/min",
        LOG_LEVEL="WARNING",
    )
    env.pop("DJANGO_DEBUG", None)  # production's own default: off
    if redis_answers():
        # The rate limits counted in Redis, as production counts them; keys of this run only.
        env["CACHE_URL"] = f"redis://127.0.0.1:6379/0?key_prefix=bench-http-{secrets.token_hex(6)}"
    else:
        env["CACHE_URL"] = "locmemcache://"
    return env


def deploy_warnings(env: dict[str, str]) -> list[str]:
    """The ids of what ``manage.py check --deploy`` reports under `env`."""
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return re.findall(r"\((\w+\.[WE]\d+)\)", done.stdout + done.stderr)


@dataclass(frozen=True)
class WorkerMemory:
    pid: int
    peak_kb: int  # VmHWM: the highest resident set since the process started
    now_kb: int  # VmRSS


class Gunicorn:
    """The master and its sync workers. The listening socket is bound here (a free loopback
    port) and handed to gunicorn as ``fd://``, so no other process can take the port between
    choosing and binding it."""

    def __init__(self, env: dict[str, str], log_dir: Path, workers: int = 2) -> None:
        self.env, self.log_dir, self.workers = env, log_dir, workers
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.port = self.listener.getsockname()[1]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        fd = self.listener.fileno()
        log = open(self.log_dir / "gunicorn.log", "ab")  # noqa: SIM115 - the child holds it
        self.process = subprocess.Popen(
            [
                str(GUNICORN),
                "servicedesk.wsgi",
                f"--bind=fd://{fd}",
                f"--workers={self.workers}",
                "--worker-class=sync",
                f"--access-logfile={self.log_dir / 'access.log'}",
                "--timeout=120",
            ],
            cwd=ROOT,
            env=self.env,
            pass_fds=(fd,),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self._wait_ready()

    def _wait_ready(self) -> None:
        """Until every worker is up and the login page answers 200."""
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.process.returncode}):\n{self.log_tail()}")
            if len(self.worker_pids()) == self.workers and self._answers():
                return
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer within {READY_SECONDS} s:\n{self.log_tail()}")

    def _answers(self) -> bool:
        try:
            url = f"http://127.0.0.1:{self.port}/portal/login/"
            with urllib.request.urlopen(url, timeout=5) as reply:
                return bool(reply.status == 200)
        except OSError:
            return False

    def log_tail(self, lines: int = 40) -> str:
        path = self.log_dir / "gunicorn.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def worker_pids(self) -> list[int]:
        """The master's children: its workers."""
        assert self.process is not None
        master = self.process.pid
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # "pid (comm) state ppid ...": comm may hold spaces, the fields after ")" do not.
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
        return sorted(pids)

    def memory(self) -> list[WorkerMemory]:
        found = []
        for pid in self.worker_pids():
            fields = {}
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                name, _, value = line.partition(":")
                fields[name] = value.split()[0] if value.split() else ""
            found.append(WorkerMemory(pid, int(fields["VmHWM"]), int(fields["VmRSS"])))
        return found

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def close(self) -> None:
        self.stop()
        self.listener.close()
