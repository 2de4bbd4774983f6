"""A webhook secret is never kept for an Idempotency-Key (issue #12 §3, §4): the record of a
registration or a rotation holds the answer with the secret null, and a retry with the same key
and body answers the same status and endpoint, with the secret null, without registering or
rotating a second time."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.http import HttpResponse
from django.utils import timezone

from api.idempotency import Claim, secret_fields_mark
from api.models import IdempotencyRecord, IdempotencyState
from notifications.models import WebhookEndpoint
from tests.api.conftest import api_client, provider_token, staff_member

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hook"
BODY = {"url": URL, "events": ["ticket.created"]}


@pytest.fixture(autouse=True)
def _private_targets(settings: Any) -> None:
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True


@pytest.fixture
def client(db: None) -> Any:
    return api_client(provider_token(staff_member()))


def _post(client: Any, path: str, body: dict[str, Any], key: str) -> Any:
    return client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def _kept(key: str) -> bytes:
    return bytes(IdempotencyRecord.objects.get(key=key, state=IdempotencyState.DONE).body)


def test_a_keyed_registration_keeps_no_secret_and_its_retry_is_the_same_endpoint(
    client: Any,
) -> None:
    first = _post(client, "/api/v1/webhooks/", BODY, "hook-secret-1")
    secret = first.json()["secret"]
    kept = _kept("hook-secret-1")
    again = _post(client, "/api/v1/webhooks/", BODY, "hook-secret-1")

    assert first.status_code == 201
    assert secret.startswith("whsec_")
    assert secret.encode() not in kept
    assert b"whsec_" not in kept
    assert json.loads(kept)["secret"] is None
    assert (again.status_code, again["Idempotent-Replayed"]) == (201, "true")
    assert again["Location"] == first["Location"]
    assert again.json() == {**first.json(), "secret": None}
    assert WebhookEndpoint.objects.count() == 1


def test_a_keyed_rotation_keeps_no_secret_and_its_retry_does_not_rotate_again(
    client: Any,
) -> None:
    made = client.post("/api/v1/webhooks/", BODY, format="json").json()
    path = f"/api/v1/webhooks/{made['id']}/rotate-secret/"

    first = _post(client, path, {"grace_seconds": 60}, "rotate-1")
    kept = _kept("rotate-1")
    again = _post(client, path, {"grace_seconds": 60}, "rotate-1")
    endpoint = WebhookEndpoint.objects.get()

    assert first.status_code == 200
    assert first.json()["secret"].encode() not in kept
    assert b"whsec_" not in kept
    assert (again.status_code, again["Idempotent-Replayed"]) == (200, "true")
    assert again.json()["secret"] is None
    assert (endpoint.secret, endpoint.previous_secret) == (first.json()["secret"], made["secret"])


def test_an_answer_without_a_key_still_shows_the_secret(client: Any) -> None:
    response = client.post("/api/v1/webhooks/", BODY, format="json")

    assert response.json()["secret"] == WebhookEndpoint.objects.get().secret
    assert not IdempotencyRecord.objects.exists()


def test_a_marked_answer_that_is_not_a_json_object_is_not_kept_at_all(db: None) -> None:
    record = IdempotencyRecord.objects.create(
        caller_key="c",
        key="k",
        fingerprint="f",
        state=IdempotencyState.IN_FLIGHT,
        locked_until=timezone.now(),
        created_at=timezone.now(),
    )
    answer = secret_fields_mark(HttpResponse(b'["whsec_abc"]', status=200), "secret")

    Claim(record).store(answer)

    record.refresh_from_db()
    assert (record.state, bytes(record.body)) == (IdempotencyState.DONE, b"")
