"""Task messages published off the caller's thread, a few at a time (issue #16).

A change that wrote an outbox row, a webhook delivery or a pager step asks a worker to act on
it now, on commit. Publishing costs about a millisecond of the caller's time (Celery builds
and serialises the message, the broker is written to), a seventh of a ticket's creation. Here
the caller only puts (task, argument) on a queue; one thread per process publishes them,
several rows of the same task as one message (the `many` form of the task, SEND_CHUNK rows a
message), so under load fewer messages are published, and the caller never waits for the
broker, not even for its timeouts when it is down.

Nothing can be lost by it: every row is committed before its publish is queued, and a row whose
publish never happened (the process died first, the broker was down) is sent by its relay, as
after a failed publish. So the queue needs no persistence; it is flushed, within a bound, when
the process exits and after each Celery task.

A forked child (gunicorn's workers, Celery's pool) starts with an empty queue and its own thread:
what its parent queued is its parent's to publish.
"""

from __future__ import annotations

import contextvars
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

# Publishes one message: (task name, its argument: one row's id or a list of ids, what it is
# for the log, what `capture` returned in the caller's thread: the Celery app, which Celery
# keeps per thread).
Send = Callable[[str, Any, str, Any], None]


@dataclass(frozen=True)
class _Item:
    task: str
    arg: Any
    what: str
    context: contextvars.Context  # the caller's (its request id goes into the message's headers)
    carried: Any


class BackgroundPublisher:
    """Publishes through `send` on its own thread, with what `capture` returned in the caller's
    thread; `many` maps a task taking one id to the task taking a list of them, whose messages
    carry at most `chunk` ids. After the first publish queued the thread waits `linger`
    seconds for others to join it (unless a flush hurries it): a fraction of a second of a
    mail's delay, against a message per row under load (bench_ticket_create: a message per
    ticket cost more than the thread saved)."""

    def __init__(
        self,
        send: Send,
        capture: Callable[[], Any],
        many: dict[str, str],
        chunk: int,
        linger: float,
    ) -> None:
        self._send = send
        self._linger = linger
        self._capture = capture
        self._many = many
        self._single = {many_task: one for one, many_task in many.items()}
        self._chunk = chunk
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._cond = threading.Condition()
        self._items: deque[_Item] = deque()
        self._busy = 0  # items taken by the thread and not yet published
        self._hurry = 0  # flushes waiting: publish without lingering
        self._thread: threading.Thread | None = None

    def submit(self, task: str, arg: Any, what: str) -> None:
        """Queue one publish; returns at once."""
        with self._cond:
            self._items.append(_Item(task, arg, what, contextvars.copy_context(), self._capture()))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="task-publisher", daemon=True
                )
                self._thread.start()
            self._cond.notify()

    def flush(self, timeout: float) -> bool:
        """Wait until everything queued so far is published (True), or `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._cond:
            self._hurry += 1
            self._cond.notify_all()
            try:
                while self._items or self._busy:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._cond.wait(left)
            finally:
                self._hurry -= 1
        return True

    def pending(self) -> int:
        with self._cond:
            return len(self._items) + self._busy

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._items:
                    self._cond.wait()
                self._cond.wait_for(lambda: self._hurry > 0, timeout=self._linger)
                batch = list(self._items)
                self._items.clear()
                self._busy = len(batch)
            try:
                for task, arg, what, item in self._messages(batch):
                    try:
                        item.context.run(self._send, task, arg, what, item.carried)
                    except Exception:  # send logs its own failures; this is a bug in it
                        log.exception("publishing %s %s failed; left for the relay", what, arg)
            finally:
                with self._cond:
                    self._busy = 0
                    self._cond.notify_all()

    def _messages(self, batch: list[_Item]) -> list[tuple[str, Any, str, _Item]]:
        """The batch as messages, in order of first appearance: the ids of a task that has a
        `many` form (and the same captured value) merged into lists of at most `chunk` ids, each
        list published in the context of the first caller whose ids it holds."""
        order: list[tuple[Any, ...]] = []
        lists: dict[tuple[str, Any], tuple[_Item, list[int]]] = {}
        for item in batch:
            many = self._many.get(item.task) or (item.task if item.task in self._single else None)
            if many is None:
                order.append((item.task, item.arg, item.what, item))
                continue
            key = (many, item.carried)
            if key not in lists:
                lists[key] = (item, [])
                order.append(key)
            lists[key][1].extend(item.arg if isinstance(item.arg, list) else [item.arg])
        messages: list[tuple[str, Any, str, _Item]] = []
        for entry in order:
            if len(entry) == 4:
                messages.append(entry)
                continue
            many, _ = entry
            first, ids = lists[entry]
            if len(ids) == 1:
                messages.append((self._single[many], ids[0], first.what, first))
                continue
            for start in range(0, len(ids), self._chunk):
                messages.append((many, ids[start : start + self._chunk], first.what, first))
        return messages
