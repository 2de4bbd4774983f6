"""Celery's side of the structured logs: inside a task every record carries its task id and
name, and a task published during a web request carries that request's id along.

Connected by servicedesk.celery when the app is made, so workers, beat and web processes (for
eager tasks) all have them. With LOG_FORMAT=json the worker's own handlers (Celery replaces the
root logger's) are given the JSON formatter and the context filter too."""

from __future__ import annotations

import logging
from contextvars import Token
from typing import Any

from celery import signals

from servicedesk.observability.logs import (
    ContextFilter,
    JsonFormatter,
    request_id_var,
    task_id_var,
    task_name_var,
)

# The header a published task carries the publishing request's id in.
REQUEST_ID_HEADER = "servicedesk_request_id"

# task id -> the tokens to reset at task_postrun (a task can run inside another's context:
# eager tasks, `apply()` in a test).
_tokens: dict[str, tuple[Token[str | None], ...]] = {}


def _publishing_request_id(request: Any) -> str | None:
    """A worker sees the message's own headers as attributes of the task's request; `apply()`
    (eager, tests) passes them in `request.headers`."""
    if request is None:
        return None
    value = getattr(request, REQUEST_ID_HEADER, None) or (
        getattr(request, "headers", None) or {}
    ).get(REQUEST_ID_HEADER)
    return str(value) if value else None


def _task_started(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    if not task_id:
        return
    origin = _publishing_request_id(getattr(task, "request", None))
    tokens = [task_id_var.set(task_id), task_name_var.set(getattr(task, "name", None))]
    if origin:
        tokens.append(request_id_var.set(origin))
    _tokens[task_id] = tuple(tokens)


def _task_finished(task_id: str | None = None, **_: Any) -> None:
    tokens = _tokens.pop(task_id or "", ())
    for token in reversed(tokens):
        token.var.reset(token)


def _request_id_along(headers: dict[str, Any] | None = None, **_: Any) -> None:
    request_id = request_id_var.get()
    if request_id and headers is not None:
        headers.setdefault(REQUEST_ID_HEADER, request_id)


def _json_handlers(logger: logging.Logger | None = None, **_: Any) -> None:
    """After Celery set up a worker's or beat's handlers: add the ids, and JSON when asked."""
    from django.conf import settings

    if logger is None:
        return
    json_wanted = getattr(settings, "LOG_FORMAT", "text") == "json"
    for handler in logger.handlers:
        if not any(isinstance(f, ContextFilter) for f in handler.filters):
            handler.addFilter(ContextFilter())
        if json_wanted:
            handler.setFormatter(JsonFormatter())


def connect() -> None:
    """Connect the receivers (weakly held by Celery: these are module functions, never
    collected). Safe to call again: a receiver is connected once."""
    signals.task_prerun.connect(_task_started, dispatch_uid="servicedesk-log-task-started")
    signals.task_postrun.connect(_task_finished, dispatch_uid="servicedesk-log-task-finished")
    signals.before_task_publish.connect(_request_id_along, dispatch_uid="servicedesk-log-publish")
    signals.after_setup_logger.connect(_json_handlers, dispatch_uid="servicedesk-log-setup")
    signals.after_setup_task_logger.connect(_json_handlers, dispatch_uid="servicedesk-log-task")
