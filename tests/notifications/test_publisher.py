"""The task messages a change asks for, published by a thread of the process (issue #16): the
caller never waits for the broker, rows queued together go out as one message, the request's id
and the Celery app go along, a forked child starts empty, and nothing queued is dropped at a
Celery task's end."""

from __future__ import annotations

import os
import threading
from typing import Any

import pytest
from celery import current_app, signals

import notifications.services.outbox as outbox_module
from notifications.services.outbox import (
    SEND_CHUNK,
    SEND_MANY_TASK,
    SEND_TASK,
    outbox_dispatch,
    task_publish_flush,
)
from notifications.services.publisher import BackgroundPublisher
from servicedesk.celery import app as desk_app
from servicedesk.observability.logs import request_id_var

OTHER = "notifications.tasks.webhook_send_task"


class Recorder:
    """A `send` that records its messages; `gate` (when given) holds each send until set."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.sent: list[tuple[str, Any, str, Any, str | None, str]] = []
        self.gate = gate
        self.entered = threading.Event()

    def __call__(self, task: str, arg: Any, what: str, carried: Any) -> None:
        self.entered.set()
        if self.gate is not None:
            assert self.gate.wait(10)
        name = threading.current_thread().name
        self.sent.append((task, arg, what, carried, request_id_var.get(), name))


def publisher(send: Recorder) -> BackgroundPublisher:
    return BackgroundPublisher(
        send=send,
        capture=lambda: "app",
        many={SEND_TASK: SEND_MANY_TASK},
        chunk=SEND_CHUNK,
        linger=0.01,
    )


def test_queued_rows_of_one_task_go_out_as_lists_of_a_chunk_and_others_as_they_came() -> None:
    gate = threading.Event()
    send = Recorder(gate)
    queue = publisher(send)
    queue.submit(OTHER, 1, "webhook delivery")  # taken alone while the gate is shut
    assert send.entered.wait(10)
    ids = list(range(100, 100 + SEND_CHUNK + 3))
    for pk in ids[:5]:
        queue.submit(SEND_TASK, pk, "outbox row")
    queue.submit(OTHER, 2, "webhook delivery")
    queue.submit(SEND_MANY_TASK, ids[5:], "outbox rows")
    gate.set()
    assert queue.flush(10)
    messages = [(task, arg) for task, arg, *_ in send.sent]
    assert messages == [
        (OTHER, 1),
        (SEND_MANY_TASK, ids[:SEND_CHUNK]),
        (SEND_MANY_TASK, ids[SEND_CHUNK:]),
        (OTHER, 2),
    ]
    assert {name for *_, name in send.sent} == {"task-publisher"}
    assert {carried for _, _, _, carried, _, _ in send.sent} == {"app"}


def test_a_row_alone_goes_out_with_the_task_for_one_row() -> None:
    send = Recorder()
    queue = publisher(send)
    queue.submit(SEND_MANY_TASK, [7], "outbox rows")
    assert queue.flush(10)
    assert [(task, arg) for task, arg, *_ in send.sent] == [(SEND_TASK, 7)]


def test_the_caller_returns_while_the_broker_holds_the_publish() -> None:
    gate = threading.Event()
    send = Recorder(gate)
    queue = publisher(send)
    queue.submit(SEND_TASK, 1, "outbox row")
    assert send.entered.wait(10)  # the thread is inside the publish, held
    queue.submit(SEND_TASK, 2, "outbox row")  # and this caller was not held
    assert queue.pending() == 2
    assert not queue.flush(0.05)
    gate.set()
    assert queue.flush(10)
    assert queue.pending() == 0
    assert [arg for _, arg, *_ in send.sent] == [1, 2]


def test_the_request_id_of_the_caller_goes_along() -> None:
    send = Recorder()
    queue = publisher(send)
    token = request_id_var.set("req-42")
    try:
        queue.submit(SEND_TASK, 1, "outbox row")
    finally:
        request_id_var.reset(token)
    assert queue.flush(10)
    assert [request_id for *_, request_id, _ in send.sent] == ["req-42"]


def test_a_failing_send_does_not_stop_the_thread(caplog: Any) -> None:
    calls: list[Any] = []

    def send(task: str, arg: Any, what: str, carried: Any) -> None:
        calls.append(arg)
        if arg == 1:
            raise RuntimeError("boom")

    queue = BackgroundPublisher(
        send=send, capture=lambda: None, many={}, chunk=SEND_CHUNK, linger=0.01
    )
    queue.submit(OTHER, 1, "webhook delivery")
    assert queue.flush(10)
    queue.submit(OTHER, 2, "webhook delivery")
    assert queue.flush(10)
    assert calls == [1, 2]
    assert "left for the relay" in caplog.text


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_a_forked_child_starts_with_an_empty_queue_and_a_thread_of_its_own() -> None:
    gate = threading.Event()
    send = Recorder(gate)
    queue = publisher(send)
    queue.submit(SEND_TASK, 1, "outbox row")
    assert send.entered.wait(10)
    queue.submit(SEND_TASK, 2, "outbox row")  # queued in the parent, held there
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its own queue, its own thread
        status = 1
        try:
            child = Recorder()
            queue._send = child
            empty = queue.pending() == 0
            queue.submit(SEND_TASK, 3, "outbox row")
            done = queue.flush(10)
            sent = [arg for _, arg, *_ in child.sent]
            status = 0 if (empty and done and sent == [3]) else 1
        finally:
            os.write(write, bytes([status]))
            os._exit(0)
    os.close(write)
    result = os.read(read, 1)
    os.waitpid(pid, 0)
    gate.set()
    assert queue.flush(10)
    assert result == b"\x00"
    assert [arg for _, arg, *_ in send.sent] == [1, 2]


def test_the_outbox_publishes_from_the_thread_with_the_desk_s_celery_app(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Celery keeps its current app per thread: the publisher's thread must not fall back to
    Celery's default app (which would publish to a broker nobody reads)."""
    settings.TASK_PUBLISH_BACKGROUND = True
    assert current_app._get_current_object() is desk_app  # no earlier test left another current
    seen: list[tuple[str, Any, Any, str]] = []

    def send(task: str, arg: Any, what: str, app: Any) -> None:
        seen.append((task, arg, app, threading.current_thread().name))

    monkeypatch.setattr(outbox_module._publisher, "_send", send)
    outbox_dispatch(11)
    outbox_dispatch([12, 13])
    assert task_publish_flush(10)
    assert {app for _, _, app, _ in seen} == {desk_app}
    assert {name for *_, name in seen} == {"task-publisher"}
    assert sorted(
        pk for _, arg, _, _ in seen for pk in (arg if isinstance(arg, list) else [arg])
    ) == [11, 12, 13]


def test_a_celery_task_s_publishes_are_out_when_it_ends(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TASK_PUBLISH_BACKGROUND = True
    gate = threading.Event()
    send = Recorder(gate)
    monkeypatch.setattr(outbox_module._publisher, "_send", send)
    outbox_dispatch(21)
    assert send.entered.wait(10)
    threading.Timer(0.2, gate.set).start()
    signals.task_postrun.send(sender=None, task_id="t-1", task=None)  # waits for the publish
    assert outbox_module._publisher.pending() == 0
    assert [arg for _, arg, *_ in send.sent] == [21]


def test_rows_queued_while_the_thread_lingers_are_one_message_and_a_flush_does_not_wait() -> None:
    send = Recorder()
    queue = BackgroundPublisher(
        send=send,
        capture=lambda: "app",
        many={SEND_TASK: SEND_MANY_TASK},
        chunk=SEND_CHUNK,
        linger=60.0,
    )
    for pk in (1, 2, 3):
        queue.submit(SEND_TASK, pk, "outbox row")
    assert queue.flush(10)  # far below the linger: the flush hurried the thread
    assert [(task, arg) for task, arg, *_ in send.sent] == [(SEND_MANY_TASK, [1, 2, 3])]
