"""The proxy's protection, shown: while the load runs, slow uploads (a few bytes a second), a
client that never finishes its headers and one 300 MB upload go to nginx. nginx buffers a body
before it reaches gunicorn, so slow senders hold none of the web workers (the load's latency
in the meantime is reported beside the rest); it refuses the 300 MB body (413) from its
Content-Length without forwarding it; it closes the silent client after client_header_timeout."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ops.drill.wire import request

AGENT = "drill-shield"
BIG = 300 * 1024 * 1024
CHUNK = 1024 * 1024


@dataclass
class Protection:
    started: float = 0.0
    ended: float = 0.0
    slow_clients: int = 0
    slow_bytes_sent: int = 0
    big_status: str = ""
    big_bytes_sent: int = 0
    big_seconds: float = 0.0
    silent_closed_after: float | None = None
    # From nginx's access log: the shield's requests, and those passed on to gunicorn.
    logged: int = 0
    forwarded: int = 0
    # The same slow uploads sent straight to one gunicorn (no proxy), as many as its workers:
    # how long a plain page then took there (None: no answer within ALONE_WAIT seconds).
    alone_page_ms: float | None = None


def _head(port: int, length: int, cookie: str = "") -> bytes:
    """A login form's POST: with the CSRF cookie, Django reads the whole body (the CSRF check
    looks for the form's token) before it answers, as it does for any form upload."""
    return (
        f"POST /portal/login/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: {AGENT}\r\n"
        f"Cookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


def csrf_cookie(port: int) -> str:
    page = request(port, "GET", "/portal/login/", timeout=10)
    return "; ".join(c.split(";")[0] for c in page.set_cookies if c.startswith("csrftoken="))


def _slow(port: int, seconds: float, result: Protection, lock: threading.Lock) -> None:
    cookie = csrf_cookie(port)
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 5) as conn:
        conn.sendall(_head(port, 1_000_000, cookie))
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            conn.sendall(b"x" * 8)
            with lock:
                result.slow_bytes_sent += 8
            time.sleep(1.0)


def _big(port: int, result: Protection) -> None:
    started, sent = time.monotonic(), 0
    with socket.create_connection(("127.0.0.1", port), 5) as conn:
        conn.settimeout(30)
        try:
            conn.sendall(_head(port, BIG))
            chunk = b"\0" * CHUNK
            while sent < BIG:
                conn.sendall(chunk)
                sent += CHUNK
        except OSError:
            pass  # nginx answered and closed: the rest is never sent
        try:
            status = conn.recv(64).split(b"\r\n")[0].decode(errors="replace")
        except OSError as exc:
            status = f"no answer ({exc})"
    result.big_status, result.big_bytes_sent = status, sent
    result.big_seconds = time.monotonic() - started


def _silent(port: int, result: Protection) -> None:
    started = time.monotonic()
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 5) as conn:
        head = f"GET /portal/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: {AGENT}\r\n"
        conn.sendall(head.encode())  # never finished
        conn.settimeout(60)
        conn.recv(1024)
        result.silent_closed_after = time.monotonic() - started


def protection_run(port: int, seconds: float, slow: int = 4) -> Protection:
    """Runs for about `seconds` (the silent client's close may take client_header_timeout)."""
    result, lock = Protection(started=time.time()), threading.Lock()
    threads = [
        threading.Thread(target=_slow, args=(port, seconds, result, lock), daemon=True)
        for _ in range(slow)
    ]
    threads += [
        threading.Thread(target=_big, args=(port, result), daemon=True),
        threading.Thread(target=_silent, args=(port, result), daemon=True),
    ]
    result.slow_clients = slow
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 70)
    result.ended = time.time()
    return result


ALONE_WAIT = 5.0


def gunicorn_alone(port: int, result: Protection, workers: int = 2) -> None:
    """What nginx spares gunicorn: `workers` slow uploads straight to it, then a page."""
    lock = threading.Lock()
    slow = [
        threading.Thread(target=_slow, args=(port, ALONE_WAIT + 3, result, lock), daemon=True)
        for _ in range(workers)
    ]
    for thread in slow:
        thread.start()
    time.sleep(1.0)
    page = request(port, "GET", "/portal/login/", timeout=ALONE_WAIT)
    if page.status is not None:
        result.alone_page_ms = (page.ended - page.started) * 1000.0
    for thread in slow:
        thread.join(timeout=ALONE_WAIT + 10)


def nginx_log_read(path: Path, result: Protection) -> None:
    """The shield's lines in nginx's access log (format `drill`: upstream address last)."""
    if not path.exists():
        return
    for line in path.read_text(errors="replace").splitlines():
        if AGENT in line:
            result.logged += 1
            result.forwarded += line.rsplit(" ", 1)[-1] not in ("-", '"-"')
