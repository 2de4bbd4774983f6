"""Gauges read at scrape time (custom collectors, so nothing is stored between scrapes and
every worker answers the same): the backlogs from the database and the broker's queue depths.

A failing source does not fail the scrape: its `..._up` gauge says 0 and its figures are left
out, so an alert on "up == 0" fires instead of a silent gap."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from servicedesk.observability.selectors import backlog_figures

logger = logging.getLogger(__name__)

# kombu's Redis transport keeps a queue's messages of priority p > 0 under "<queue>\x06\x16<p>".
_REDIS_PRIORITY_SEP = "\x06\x16"
_REDIS_PRIORITY_STEPS = (3, 6, 9)

_DATABASE_GAUGES = (
    ("escalation_sweep_lag_seconds", "sweep_lag_seconds",
     "Seconds the oldest ticket due for the escalation sweep lies behind now (0: none)."),
    ("outbox_backlog", "outbox_backlog", "Pending outgoing emails whose send time has come."),
    ("outbox_oldest_pending_seconds", "outbox_oldest_pending_seconds",
     "Seconds the oldest due pending email has waited past its send time (0: none)."),
    ("outbox_failed", "outbox_failed", "Outgoing emails given up after their last attempt."),
    ("intake_lag_seconds", "intake_lag_seconds",
     "Seconds since the oldest inbound message still waiting to be routed arrived (0: none)."),
    ("webhook_backlog", "webhook_backlog", "Webhook deliveries pending and due."),
)  # fmt: skip


class DatabaseCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            figures = backlog_figures(now=timezone.now())
        except DatabaseError:
            logger.warning("metrics: the database did not answer", exc_info=True)
            yield GaugeMetricFamily("servicedesk_database_up", "The database answered.", 0)
            return
        yield GaugeMetricFamily("servicedesk_database_up", "The database answered.", 1)
        for name, field, documentation in _DATABASE_GAUGES:
            value = float(getattr(figures, field))
            yield GaugeMetricFamily(f"servicedesk_{name}", documentation, value=value)


def _queue_name(value: Any) -> str | None:
    """A route's or queue list's entry: a name, a kombu Queue, or a route {"queue": ...}."""
    if isinstance(value, dict):
        value = value.get("queue")
    if value is None:
        return None
    return str(getattr(value, "name", value))


def queue_names() -> list[str]:
    """The Celery queues the settings name (CELERY_TASK_QUEUES, CELERY_TASK_ROUTES as a map or
    a list of maps, and the default queue), or just Celery's default, "celery"."""
    names = {str(getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery") or "celery")}
    queues: Any = getattr(settings, "CELERY_TASK_QUEUES", None) or ()
    routes: Any = getattr(settings, "CELERY_TASK_ROUTES", None) or ()
    route_maps = [routes] if isinstance(routes, dict) else list(routes)
    entries = [*queues, *(v for m in route_maps if isinstance(m, dict) for v in m.values())]
    names.update(name for name in map(_queue_name, entries) if name)
    return sorted(names)


def _redis_depths(url: str, names: list[str]) -> dict[str, int]:
    """LLEN of each queue's keys, under the broker's key prefix (CELERY_BROKER_KEY_PREFIX)."""
    import redis

    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    prefix = str(options.get("global_keyprefix", "") or "")
    timeout = float(settings.READYZ_TIMEOUT_SECONDS)
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        pipe = client.pipeline(transaction=False)
        for name in names:
            pipe.llen(f"{prefix}{name}")
            for step in _REDIS_PRIORITY_STEPS:
                pipe.llen(f"{prefix}{name}{_REDIS_PRIORITY_SEP}{step}")
        counts = pipe.execute()
    finally:
        client.close()
    per_queue = 1 + len(_REDIS_PRIORITY_STEPS)
    return {
        name: sum(int(n) for n in counts[i * per_queue : (i + 1) * per_queue])
        for i, name in enumerate(names)
    }


def _filesystem_depths(names: list[str]) -> dict[str, int]:
    """kombu's filesystem transport: one file "<time>_<uuid>.<queue>.msg" per waiting message."""
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    folder = Path(str(options.get("data_folder_in", "")))
    depths = dict.fromkeys(names, 0)
    if not folder.is_dir():
        return depths
    for entry in folder.iterdir():
        queue = entry.name.partition(".")[2].removesuffix(".msg")
        if queue in depths:
            depths[queue] += 1
    return depths


class BrokerCollector(Collector):
    """Messages waiting per queue: LLEN on Redis, files on the filesystem broker; other brokers
    report nothing here (their own exporters know better)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        url = str(settings.CELERY_BROKER_URL)
        names = queue_names()
        try:
            if url.startswith(("redis://", "rediss://")):
                depths = _redis_depths(url, names)
            elif url.startswith("filesystem://"):
                depths = _filesystem_depths(names)
            else:
                return
        except Exception:  # any broker failure is one number on the dashboard, not a 500
            logger.warning("metrics: the broker did not answer", exc_info=True)
            yield GaugeMetricFamily("servicedesk_broker_up", "The broker answered.", 0)
            return
        yield GaugeMetricFamily("servicedesk_broker_up", "The broker answered.", 1)
        family = GaugeMetricFamily(
            "servicedesk_broker_queue_depth",
            "Messages waiting in a Celery queue.",
            labels=["queue"],
        )
        for name, depth in depths.items():
            family.add_metric([name], depth)
        yield family
