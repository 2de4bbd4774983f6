"""Rate limits per token (issue #12 §1): over the limit a caller gets 429 with `Retry-After`;
another token of the same organisation is not limited; the window slides.

Counted in the cache: process memory here, Redis in production (every web process counts
together). The Redis variant runs on the local Redis (127.0.0.1:6379); in CI (CI=true) a missing
Redis fails the test, elsewhere it skips."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import redis
import time_machine
from django.core.cache import cache
from django.utils import timezone

from api.models import IdempotencyRecord
from tests.api.conftest import api_client, contact_token, provider_token
from tests.browser_support import require
from tests.portal.conftest import Org

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/14"
LIMIT = 3


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def _redis_cache(settings: Any) -> str:
    """The cache in Redis under a prefix of this test's own (parallel workers' token ids may
    coincide); the prefix."""
    require(_redis_up(), f"Redis is not reachable at {REDIS_URL}")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    return prefix


def _cache_clear(prefix: str | None) -> None:
    """Empty this test's cache: in Redis only the keys under its own prefix (the cache's clear()
    is FLUSHDB there, which emptied the counts of a test running beside it in another worker)."""
    if prefix is None:
        cache.clear()
        return
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture(params=["memory", "redis"])
def limited(request: pytest.FixtureRequest, settings: Any) -> Iterator[str]:
    """The limit at LIMIT requests a minute, counted in process memory or in Redis."""
    prefix = _redis_cache(settings) if request.param == "redis" else None
    settings.API_RATE_LIMIT = f"{LIMIT}/min"
    _cache_clear(prefix)
    yield request.param
    _cache_clear(prefix)


@pytest.fixture
def redis_prefix(settings: Any) -> Iterator[str]:
    prefix = _redis_cache(settings)
    settings.API_RATE_LIMIT = f"{LIMIT}/min"
    yield prefix
    _cache_clear(prefix)


def test_with_redis_as_the_cache_the_counts_live_in_redis(org_a: Org, redis_prefix: str) -> None:
    raw = contact_token(org_a.named)
    api_client(raw).get("/api/v1/tickets/")
    keys = redis.Redis.from_url(REDIS_URL).keys(f"{redis_prefix}:*")
    assert [key.decode().split(":", 2)[-1] for key in keys] == [
        f"throttle_api_token-{org_a.named.api_tokens.get().pk}"
    ]


def test_over_the_limit_a_token_gets_429_with_retry_after(org_a: Org, limited: str) -> None:
    client = api_client(contact_token(org_a.named))
    statuses = [client.get("/api/v1/tickets/").status_code for _ in range(LIMIT)]
    refused = client.get("/api/v1/tickets/")
    assert statuses == [200] * LIMIT
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_another_token_of_the_same_organisation_is_not_limited(org_a: Org, limited: str) -> None:
    busy = api_client(contact_token(org_a.named))
    for _ in range(LIMIT + 1):
        busy.get("/api/v1/tickets/")
    assert busy.get("/api/v1/tickets/").status_code == 429
    assert api_client(contact_token(org_a.named)).get("/api/v1/tickets/").status_code == 200
    assert api_client(contact_token(org_a.manager)).get("/api/v1/tickets/").status_code == 200


def test_a_provider_token_is_counted_on_its_own(org_a: Org, coordinator: Any, limited: str) -> None:
    staff = api_client(provider_token(coordinator))
    customer = api_client(contact_token(org_a.named))
    for _ in range(LIMIT):
        customer.get("/api/v1/tickets/")
    assert customer.get("/api/v1/tickets/").status_code == 429
    assert [staff.get("/api/v1/tickets/").status_code for _ in range(LIMIT)] == [200] * LIMIT
    assert staff.get("/api/v1/tickets/").status_code == 429


def test_the_window_slides_a_minute_later_the_token_is_served_again(
    org_a: Org, limited: str
) -> None:
    client = api_client(contact_token(org_a.named))
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(LIMIT):
            client.get("/api/v1/tickets/")
        wait = int(client.get("/api/v1/tickets/")["Retry-After"])
    with time_machine.travel(start + timedelta(seconds=wait + 1), tick=False):
        assert client.get("/api/v1/tickets/").status_code == 200


def test_a_refused_write_runs_nothing_and_leaves_its_key_free(org_a: Org, limited: str) -> None:
    client = api_client(contact_token(org_a.named))
    for _ in range(LIMIT):
        client.get("/api/v1/tickets/")
    refused = client.post(
        "/api/v1/tickets/",
        {"request_type": "incident", "subject": "Te vaak", "description": "x"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="throttled-1",
    )
    assert refused.status_code == 429
    assert not IdempotencyRecord.objects.exists()
    assert not org_a.customer.tickets.filter(subject="Te vaak").exists()
