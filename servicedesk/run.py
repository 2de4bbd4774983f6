"""`python -m servicedesk.run`: start the local desk (web, worker, beat, SMTP intake) with honcho
and print the ports it really uses.

A port named in the environment (or `.env`) is used as given, and a clear error says so when
something else already listens there. A port left to its default (web 8000, SMTP intake 2525)
moves to the next free one, so `make run` still starts beside another program on 8000; the
printed addresses and SITE_URL (the links in mails) follow the port chosen.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
SEARCH = 20  # ports tried after a taken default


class PortError(Exception):
    """No port can be used as asked."""


@dataclass(frozen=True)
class Listener:
    variable: str  # the environment variable naming its port
    default: int
    label: str


WEB = Listener("SERVICEDESK_PORT", 8000, "web")
SMTP = Listener("INTAKE_SMTP_PORT", 2525, "SMTP intake")


def port_free(port: int, host: str = HOST) -> bool:
    """True when nothing listens on host:port (we can bind it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def port_choose(
    listener: Listener,
    environ_: Mapping[str, str],
    is_free: Callable[[int], bool] = port_free,
    taken: frozenset[int] = frozenset(),
) -> int:
    """The port `listener` will use: the one set in the environment, or the first free one from
    its default on. `taken` holds ports already chosen for other listeners."""
    raw = environ_.get(listener.variable, "").strip()
    if raw:
        try:
            port = int(raw)
        except ValueError as exc:
            raise PortError(f"{listener.variable}={raw!r} is not a port number.") from exc
        if port in taken or not is_free(port):
            raise PortError(
                f"{listener.variable}={port}: port {port} is already in use; stop what listens "
                f"there or choose another port."
            )
        return port
    for port in range(listener.default, listener.default + SEARCH):
        if port not in taken and is_free(port):
            return port
    raise PortError(
        f"No free port for the {listener.label} between {listener.default} and "
        f"{listener.default + SEARCH - 1}; set {listener.variable}."
    )


@dataclass(frozen=True)
class RunPlan:
    env: dict[str, str]  # the environment for honcho
    notes: tuple[str, ...]  # a default port that was taken, and the one used instead


def run_plan(environ_: Mapping[str, str], is_free: Callable[[int], bool] = port_free) -> RunPlan:
    """The chosen ports in the environment for honcho, and SITE_URL following the web port
    (unless SITE_URL is set)."""
    env = dict(environ_)
    notes = []
    taken: frozenset[int] = frozenset()
    for listener in (WEB, SMTP):
        port = port_choose(listener, environ_, is_free, taken)
        taken |= {port}
        env[listener.variable] = str(port)
        if port != listener.default and not environ_.get(listener.variable, "").strip():
            notes.append(
                f"  note: port {listener.default} is in use, so the {listener.label} uses {port}"
            )
    if not environ_.get("SITE_URL", "").strip():
        env["SITE_URL"] = f"http://{HOST}:{env[WEB.variable]}"
    return RunPlan(env=env, notes=tuple(notes))


def banner(plan: RunPlan) -> str:
    """What `make run` prints: every listener's address, as the processes will bind them."""
    env = plan.env
    web, smtp = env[WEB.variable], env[SMTP.variable]
    smtp_host = env.get("INTAKE_SMTP_HOST", "").strip() or HOST
    lines = [
        f"servicedesk is starting on these ports (web {web}, SMTP intake {smtp}):",
        f"  customer portal  http://{HOST}:{web}/portal/",
        f"  back-office      http://{HOST}:{web}/admin/",
        f"  SMTP intake      {smtp_host}:{smtp}",
        f"  links in mails   {env['SITE_URL']}",
        *plan.notes,
    ]
    return "\n".join(lines)


def main() -> int:
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)  # as settings do
    try:
        plan = run_plan(os.environ)
    except PortError as exc:
        print(f"make run: {exc}", file=sys.stderr)
        return 2
    print(banner(plan), flush=True)
    honcho = str(BASE_DIR / ".venv" / "bin" / "honcho")
    os.execve(honcho, [honcho, "start", "-f", str(BASE_DIR / "Procfile")], plan.env)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
