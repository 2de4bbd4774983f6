"""Structured logs: one JSON object per line (LOG_FORMAT=json), with the request id of the web
request or the id and name of the Celery task the record was written in.

The ids live in context variables, set by `RequestIdMiddleware` for a request and by Celery's
task_prerun/task_postrun signals for a task (`servicedesk.observability.tasks`), so every
logger of every app gets them without passing anything around. Nothing here imports Django
models: logging is configured before the apps are ready."""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

request_id_var: ContextVar[str | None] = ContextVar("servicedesk_request_id", default=None)
task_id_var: ContextVar[str | None] = ContextVar("servicedesk_task_id", default=None)
task_name_var: ContextVar[str | None] = ContextVar("servicedesk_task_name", default=None)

CONTEXT_FIELDS = ("request_id", "task_id", "task_name")
_VARS = {"request_id": request_id_var, "task_id": task_id_var, "task_name": task_name_var}


class ContextFilter(logging.Filter):
    """Copies the current request and task ids onto the record (None outside of one), so a
    formatter, or a handler that formats later in another thread, still has them."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in _VARS.items():
            if getattr(record, name, None) is None:
                setattr(record, name, var.get())
        return True


class JsonFormatter(logging.Formatter):
    """One line of JSON per record: time (UTC, ISO 8601), level, logger, message, the ids, and
    the formatted exception when there is one. A line never spans two: newlines inside the
    message or traceback are escaped by JSON."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, var in _VARS.items():
            value = getattr(record, name, None) or var.get()
            if value:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def logging_config(*, log_format: str, level: str) -> dict[str, object]:
    """The LOGGING dict of settings.py: the console handler gets the context filter always and
    the JSON formatter when `log_format` is "json"; "text" keeps the plain message lines."""
    if log_format not in ("text", "json"):
        raise ValueError(f"LOG_FORMAT must be text or json, not {log_format!r}")
    console: dict[str, object] = {"class": "logging.StreamHandler", "filters": ["context"]}
    if log_format == "json":
        console["formatter"] = "json"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "servicedesk.observability.logs.ContextFilter"}},
        "formatters": {"json": {"()": "servicedesk.observability.logs.JsonFormatter"}},
        "handlers": {"console": console},
        "root": {"handlers": ["console"], "level": level},
        # aiosmtpd logs every SMTP command at INFO; its warnings and errors are enough.
        # WeasyPrint (review pack PDFs) logs each layout step and fontTools each font subset at
        # INFO: warnings are enough.
        "loggers": {
            "mail.log": {"level": "WARNING"},
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }
