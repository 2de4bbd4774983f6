"""Production settings pass `manage.py check --deploy` with no warnings, and HTTPS is enforced:
plain HTTP is redirected, HSTS is sent, and a proxy's X-Forwarded-Proto is believed only when
DJANGO_BEHIND_TLS_PROXY says one of our own stands in front (issue #10 §6).

Each case runs in a fresh interpreter: settings are read from the environment once."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
client = Client()
plain = client.get("/portal/login/")
forwarded = client.get("/portal/login/", HTTP_X_FORWARDED_PROTO="https")
secure = client.get("/portal/login/", secure=True)
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "forwarded": forwarded.status_code,
    "secure": [secure.status_code, secure.get("Strict-Transport-Security")],
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "language_cookie_secure": settings.LANGUAGE_COOKIE_SECURE,
}))
"""


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A production environment of its own: no .env values or test settings leak in."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH")}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        "SERVICEDESK_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "desk.example.com,testserver",
        "SERVICEDESK_VAR_DIR": str(tmp_path / "var"),
        **extra,
    }


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("behind_proxy", ["false", "true"])
def test_production_settings_pass_check_deploy_with_no_warnings(
    tmp_path: Path, behind_proxy: str
) -> None:
    env = _environment(tmp_path, DJANGO_BEHIND_TLS_PROXY=behind_proxy)
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNINGS" not in output


def test_production_redirects_http_sends_hsts_and_ignores_a_forwarded_proto(
    tmp_path: Path,
) -> None:
    result = _run(["-c", PROBE], _environment(tmp_path))
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://testserver/portal/login/"]
    # Without a proxy of our own, a client's X-Forwarded-Proto is not believed.
    assert seen["forwarded"] == 301
    assert seen["secure"] == [200, "max-age=31536000; includeSubDomains; preload"]
    assert (
        seen["session_cookie_secure"],
        seen["csrf_cookie_secure"],
        seen["language_cookie_secure"],
    ) == (True, True, True)


def test_behind_a_tls_proxy_its_forwarded_proto_counts_as_https(tmp_path: Path) -> None:
    result = _run(["-c", PROBE], _environment(tmp_path, DJANGO_BEHIND_TLS_PROXY="true"))
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["forwarded"] == 200
    assert seen["plain"] == [301, "https://testserver/portal/login/"]


def test_development_keeps_plain_http_and_no_hsts(tmp_path: Path) -> None:
    env = _environment(tmp_path, SERVICEDESK_ENV="development")
    result = _run(["-c", PROBE], env)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [200, None]
    assert seen["secure"] == [200, None]
