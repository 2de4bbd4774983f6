"""Shared by the topology proofs: services on loopback, failing in CI when missing."""

from __future__ import annotations

import redis

from tests.browser_support import require
from tests.intake.conftest import free_port, wait_for

__all__ = ["free_port", "redis_forget", "redis_up", "require", "wait_for"]

# Redis databases of these proofs (another helper's tests use others); every key they write
# carries a prefix of the test's own, and only those keys are removed.
REDIS_BROKER_DB = "redis://127.0.0.1:6379/13"
REDIS_CACHE_DB = "redis://127.0.0.1:6379/14"


def redis_up(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def redis_forget(url: str, prefix: str) -> None:
    """Remove the keys under `prefix` (never the whole database: it is shared)."""
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
