"""Structured logs (issue #17 §1): one JSON object per line, with the request id of the web
request (the same as its X-Request-ID header) and the id and name of a Celery task."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest
from celery import signals
from django.test import Client

from servicedesk.celery import app
from servicedesk.observability.logs import (
    ContextFilter,
    JsonFormatter,
    logging_config,
    request_id_var,
    task_id_var,
)

probe_logger = logging.getLogger("tests.observability.probe")


@app.task(name="tests.observability.log_probe_task")
def log_probe_task() -> None:
    probe_logger.info("inside the task")


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """A JSON handler, as LOG_FORMAT=json configures it, on the root logger for one test."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def _records(stream: io.StringIO, logger: str) -> list[dict[str, object]]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [line for line in lines if line["logger"] == logger]


def test_a_request_logs_with_the_id_it_answers_with(json_lines: io.StringIO) -> None:
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.42")
    Client().get("/no-such-page/", HTTP_X_REQUEST_ID="lb-7f3a.43")
    (record,) = _records(json_lines, "django.request")
    assert response["X-Request-ID"] == "lb-7f3a.42"
    assert record["request_id"] == "lb-7f3a.43"
    assert record["level"] == "WARNING"
    assert set(record) >= {"time", "level", "logger", "message", "request_id"}


@pytest.mark.parametrize("offered", ["", "has space", "x" * 65, 'quo"te', "line\nbreak"])
def test_an_unsafe_or_missing_request_id_is_replaced(offered: str) -> None:
    response = Client().get("/healthz", HTTP_X_REQUEST_ID=offered)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_no_request_id_is_left_behind_after_the_request() -> None:
    Client().get("/healthz", HTTP_X_REQUEST_ID="abc123")
    assert request_id_var.get() is None


def test_a_task_logs_with_its_task_id_and_name(json_lines: io.StringIO) -> None:
    result = log_probe_task.apply()
    (record,) = _records(json_lines, "tests.observability.probe")
    assert (record["task_id"], record["task_name"]) == (
        result.id,
        "tests.observability.log_probe_task",
    )
    assert task_id_var.get() is None


def test_a_task_published_by_a_request_logs_that_request_id(json_lines: io.StringIO) -> None:
    log_probe_task.apply(headers={"servicedesk_request_id": "req-from-web-7"})
    (record,) = _records(json_lines, "tests.observability.probe")
    assert record["request_id"] == "req-from-web-7"
    assert request_id_var.get() is None


def test_an_exception_stays_on_one_line(json_lines: io.StringIO) -> None:
    try:
        raise ValueError("first line\nsecond line")
    except ValueError:
        probe_logger.exception("it broke")
    (line,) = [x for x in json_lines.getvalue().splitlines() if "it broke" in x]
    record = json.loads(line)
    assert "ValueError: first line\nsecond line" in str(record["exception"])


def test_a_celery_worker_logs_json_when_asked(settings) -> None:
    settings.LOG_FORMAT = "json"
    logger = logging.getLogger("tests.observability.worker")
    handler = logging.StreamHandler(io.StringIO())
    logger.addHandler(handler)
    try:
        signals.after_setup_logger.send(sender=None, logger=logger)
    finally:
        logger.removeHandler(handler)
    assert isinstance(handler.formatter, JsonFormatter)
    assert any(isinstance(f, ContextFilter) for f in handler.filters)


def test_a_published_task_carries_the_request_id() -> None:
    headers: dict[str, object] = {}
    token = request_id_var.set("req-99")
    try:
        signals.before_task_publish.send(sender="x", headers=headers, body=None)
    finally:
        request_id_var.reset(token)
    assert headers == {"servicedesk_request_id": "req-99"}


def test_log_format_is_text_or_json_only() -> None:
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logging_config(log_format="xml", level="INFO")
