"""The drill's SMTP sink: every message the desk sends arrives here, and its Message-ID and
arrival time go to a SQLite file (committed before the 250), so the drill counts each outbox
row's deliveries. ``python -m ops.drill.sink PORT DB [DELAY]``: DELAY seconds before each 250
keeps sends in flight long enough for a worker kill to fall mid-send."""

from __future__ import annotations

import asyncio
import email.parser
import signal
import sqlite3
import sys
import threading
import time
from typing import Any

from aiosmtpd.controller import Controller

SCHEMA = "CREATE TABLE IF NOT EXISTS arrivals (message_id TEXT, at REAL, rcpt TEXT)"


class Sink:
    def __init__(self, path: str, delay: float) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(SCHEMA)
        self.delay = delay
        self.parser = email.parser.BytesHeaderParser()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        headers = self.parser.parsebytes(envelope.content)
        message_id = str(headers.get("Message-ID", "")).strip()
        self.db.execute(
            "INSERT INTO arrivals VALUES (?, ?, ?)",
            (message_id, time.time(), ",".join(envelope.rcpt_tos)),
        )
        return "250 2.0.0 Stored"


def arrivals(path: str) -> dict[str, list[float]]:
    """Message-ID -> arrival times, read by the drill after the run."""
    db = sqlite3.connect(path)
    try:
        found: dict[str, list[float]] = {}
        for message_id, at in db.execute("SELECT message_id, at FROM arrivals"):
            found.setdefault(message_id, []).append(at)
        return found
    finally:
        db.close()


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    delay = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    controller = Controller(Sink(path, delay), hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
