"""In CI the suite runs on the real services; a missing service fails the run (not skips)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from servicedesk.celery import app

IN_CI = os.environ.get("CI") == "true"


@pytest.mark.skipif(not IN_CI, reason="the embedded default is used outside CI")
@pytest.mark.django_db
def test_ci_runs_on_postgresql():
    assert connection.vendor == "postgresql"


@pytest.mark.skipif(not IN_CI, reason="the embedded default is used outside CI")
def test_ci_broker_is_reachable_redis():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=2)
        assert conn.connected


def test_embedded_default_runs_without_any_environment(tmp_path):
    """No environment at all: SQLite in WAL/immediate mode, filesystem broker, file email."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; print(json.dumps([d['ENGINE'], d['OPTIONS'], "
        "s.CELERY_BROKER_URL, s.EMAIL_BACKEND, s.USE_TZ, s.TIME_ZONE, s.LANGUAGE_CODE]))"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        "SERVICEDESK_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    engine, options, broker, email, use_tz, zone, language = json.loads(result.stdout)
    assert engine == "django.db.backends.sqlite3"
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] == 30
    assert broker == "filesystem://"
    assert email == "django.core.mail.backends.filebased.EmailBackend"
    assert (use_tz, zone, language) == (True, "UTC", "nl")
