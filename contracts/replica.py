"""Report reads on a read replica, when one is configured (issue #17 §1).

DATABASE_REPLICA_URL adds a `replica` database alias. Only code inside `replica_reads()` reads
from it (the review pack's figures, reports.selectors); every write, and every read outside,
goes to `default`, so nothing that decides a change (a lock, a compare-and-set, an "already
sent?" check) ever reads a lagging copy. Without the alias everything uses `default`.

A replica lags its primary by a moment: a pack's figures may miss the last seconds' changes,
which a review of a month never notices. The router is always installed; it routes by a context
variable, so each thread and each request has its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connections

REPLICA = "replica"
_reading = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside go to the replica when one is configured (never writes)."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


class ReplicaRouter:
    """DATABASE_ROUTERS: reads inside `replica_reads()` to the replica, all else to default."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if _reading.get() and REPLICA in connections.settings:
            return REPLICA
        return None  # Django's own choice: the instance's database, else default

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return "default"  # even for a row read from the replica

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica holds the very same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
