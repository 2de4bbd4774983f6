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
from dataclasses import dataclass, field

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
    notes: list[str] = field(default_factory=list)


def _head(port: int, length: int) -> bytes:
    return (
        f"POST /portal/tickets/new/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/octet-stream\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def _slow(port: int, seconds: float, result: Protection, lock: threading.Lock) -> None:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 5) as conn:
        conn.sendall(_head(port, 1_000_000))
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
        conn.sendall(b"GET /portal/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
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
