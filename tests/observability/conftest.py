"""Helpers of the observability tests: a Redis of their own (missing, it fails in CI and skips
elsewhere) and reading one sample out of a /metrics answer."""

from __future__ import annotations

import redis
from prometheus_client.parser import text_string_to_metric_families

from tests.escalation.conftest import require

# A Redis database of these tests' own (never FLUSHALL: keys are removed one by one).
REDIS_URL = "redis://127.0.0.1:6379/13"


def redis_client() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        require(False, "Redis does not answer on 127.0.0.1:6379")
    return client


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of the sample `name` with exactly these labels in a text exposition."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and found.labels == labels:
                return float(found.value)
    return None
