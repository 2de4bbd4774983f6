"""The topology's settings from the environment (issue #17 §1): PgBouncer, the read replica and
the Redis cache, each read in a fresh interpreter (settings are read once); and the rate limits
counted together by separate processes through the Redis cache (database 14, a key prefix of
the test's own; in CI a missing Redis fails it, elsewhere it skips)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from servicedesk.databases import database_pooled
from tests.deploy.support import REDIS_CACHE_DB, redis_forget, redis_up, require

PG = "postgres://desk@db.example:5432/desk"
BOUNCER = "postgres://desk@127.0.0.1:6432/desk"

SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({"databases": s.DATABASES, "caches": s.CACHES, "routers": s.DATABASE_ROUTERS,
                  "beat": getattr(s, "CELERY_BEAT_SCHEDULER", None)}, default=str))
"""

THROTTLE = """
import json, sys, django
django.setup()
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from api.throttling import CallerRateThrottle
request = Request(APIRequestFactory().get("/api/v1/tickets/", REMOTE_ADDR="192.0.2.7"))
asked = range(int(sys.argv[1]))
print(json.dumps([CallerRateThrottle().allow_request(request, None) for _ in asked]))
"""


def _run(tmp_path: Path, code: str, *args: str, **extra: str) -> str:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
    env = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        "SERVICEDESK_VAR_DIR": str(tmp_path),
        **extra,
    }
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def _settings(tmp_path: Path, **extra: str) -> dict:
    return json.loads(_run(tmp_path, SETTINGS, **extra))


def test_the_embedded_default_has_no_pooler_no_replica_no_redis(tmp_path: Path) -> None:
    seen = _settings(tmp_path)
    assert list(seen["databases"]) == ["default"]
    assert "DISABLE_SERVER_SIDE_CURSORS" not in seen["databases"]["default"]
    assert seen["caches"]["default"]["BACKEND"].endswith("LocMemCache")
    assert seen["beat"] is None  # Celery's file scheduler under var/


def test_pgbouncer_pooling_turns_off_server_side_cursors_and_prepared_statements(
    tmp_path: Path,
) -> None:
    seen = _settings(
        tmp_path,
        DATABASE_URL=f"{BOUNCER}?server_side_binding=true",
        DATABASE_POOLING="pgbouncer",
        DATABASE_REPLICA_URL="postgres://desk@replica.example:6432/desk",
    )
    default, replica = seen["databases"]["default"], seen["databases"]["replica"]
    for database in (default, replica):
        assert database["DISABLE_SERVER_SIDE_CURSORS"] is True
        assert database["CONN_HEALTH_CHECKS"] is True
        assert database["OPTIONS"]["server_side_binding"] is False
        assert database["OPTIONS"]["prepare_threshold"] is None
    assert (replica["HOST"], replica["TEST"]["MIRROR"]) == ("replica.example", "default")
    assert seen["routers"] == ["contracts.replica.ReplicaRouter"]


def test_a_direct_postgresql_prepares_what_repeats_and_binds_on_the_server_when_asked(
    tmp_path: Path,
) -> None:
    """Issue #16: on a direct PostgreSQL a statement a connection runs again on a server-binding
    cursor is prepared after DATABASE_PREPARE_THRESHOLD runs (Django's own default, None,
    prepares nothing); 0 turns it off. DATABASE_SERVER_BINDING binds every statement on the
    server; off by default, and behind PgBouncer whatever is asked (above)."""
    default = _settings(tmp_path, DATABASE_URL=PG)["databases"]["default"]
    assert "server_side_binding" not in default.get("OPTIONS", {})
    assert default["OPTIONS"]["prepare_threshold"] == 5
    off = _settings(tmp_path, DATABASE_URL=PG, DATABASE_PREPARE_THRESHOLD="0")
    assert off["databases"]["default"]["OPTIONS"]["prepare_threshold"] is None
    asked = _settings(tmp_path, DATABASE_URL=PG, DATABASE_SERVER_BINDING="true")
    direct = asked["databases"]["default"]
    assert direct["OPTIONS"]["server_side_binding"] is True
    assert direct["OPTIONS"]["prepare_threshold"] == 5
    pooled = _settings(
        tmp_path, DATABASE_URL=BOUNCER, DATABASE_POOLING="pgbouncer", DATABASE_SERVER_BINDING="true"
    )
    assert pooled["databases"]["default"]["OPTIONS"]["server_side_binding"] is False
    assert pooled["databases"]["default"]["OPTIONS"]["prepare_threshold"] is None


def test_pooling_is_refused_for_anything_but_postgresql() -> None:
    with pytest.raises(ValueError, match="PostgreSQL"):
        database_pooled({"ENGINE": "django.db.backends.sqlite3"}, "pgbouncer")
    with pytest.raises(ValueError, match="pgbouncer"):
        database_pooled({"ENGINE": "django.db.backends.postgresql"}, "pgpool")


def test_a_redis_cache_url_uses_django_redis_with_bounded_waits(tmp_path: Path) -> None:
    seen = _settings(tmp_path, DATABASE_URL=PG, CACHE_URL=REDIS_CACHE_DB)
    cache = seen["caches"]["default"]
    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    assert cache["OPTIONS"]["SOCKET_TIMEOUT"] <= 2


def test_production_on_a_redis_broker_caches_in_it_and_beats_with_a_lock(tmp_path: Path) -> None:
    seen = _settings(
        tmp_path,
        SERVICEDESK_ENV="production",
        DJANGO_SECRET_KEY=uuid.uuid4().hex * 2,
        DATABASE_URL=PG,
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert seen["caches"]["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert seen["caches"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/0"
    assert seen["beat"] == "redbeat.RedBeatScheduler"


def test_two_processes_count_one_rate_limit_in_the_redis_cache(tmp_path: Path) -> None:
    require(redis_up(REDIS_CACHE_DB), f"Redis is not reachable at {REDIS_CACHE_DB}")
    prefix = f"test-throttle-{uuid.uuid4().hex}"
    environment = {"CACHE_URL": f"{REDIS_CACHE_DB}?key_prefix={prefix}", "API_RATE_LIMIT": "3/min"}
    try:
        first = json.loads(_run(tmp_path, THROTTLE, "2", **environment))
        second = json.loads(_run(tmp_path, THROTTLE, "2", **environment))
    finally:
        redis_forget(REDIS_CACHE_DB, prefix)
    assert first == [True, True]
    assert second == [True, False]  # the third request of the minute passes, the fourth not
