"""/healthz and /readyz (issue #17 §1): liveness without the database, readiness that names
what failed, and both answered over plain HTTP by any Host, before the HTTPS redirect."""

from __future__ import annotations

import time

import pytest
from django.db import OperationalError, connections
from django.test import Client

from tests.escalation.conftest import free_port


def test_healthz_answers_ok_without_touching_the_database() -> None:
    # No django_db mark: any query would fail the test.
    response = Client().get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_is_ok_when_database_and_broker_answer() -> None:
    response = Client().get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.django_db
def test_readyz_names_the_broker_when_its_port_is_closed(settings) -> None:
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    settings.READYZ_TIMEOUT_SECONDS = 1.0
    started = time.monotonic()
    response = Client().get("/readyz")
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failed": ["broker"]}


@pytest.mark.django_db
def test_readyz_names_the_database_when_it_fails(monkeypatch) -> None:
    def refuse() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failed": ["database"]}


def test_probes_skip_the_https_redirect_and_the_host_check(settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["desk.example.com"]
    client = Client()
    # A load balancer asks by the machine's address over plain HTTP.
    probe = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    page = client.get("/portal/login/", HTTP_HOST="desk.example.com")
    assert probe.status_code == 200
    assert (page.status_code, page["Location"]) == (301, "https://desk.example.com/portal/login/")


def test_probes_answer_only_get_and_head() -> None:
    response = Client().post("/healthz")
    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD")
