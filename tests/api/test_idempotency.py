"""Writes that can be retried (issue #12 §3): `Idempotency-Key` on POST and PATCH.

The same key and body within 24 hours answer the first response again (and nothing runs twice);
the same key with another body answers 422; a key whose request still runs answers 409; a
failure (5xx, an exception, a refused precondition) does not use the key up; keys belong to one
caller. The fifty concurrent creates are in test_idempotency_concurrency.py (they commit)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.exceptions import APIException

from api.idempotency import idempotency_purge
from api.models import IdempotencyRecord, IdempotencyState
from tests.api.conftest import api_client, contact_token
from tests.portal.conftest import Org
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

URL = "/api/v1/tickets/"
SUBJECT = "Retried: de koppeling met het ERP staat stil"


def body(**extra: Any) -> dict[str, Any]:
    return {
        "request_type": "incident",
        "subject": SUBJECT,
        "description": "Sinds 09:00 komen er geen orders meer door.",
        **extra,
    }


def post(client: Any, key: str, payload: dict[str, Any] | None = None) -> Any:
    return client.post(URL, payload or body(), format="json", HTTP_IDEMPOTENCY_KEY=key)


def filed() -> int:
    return Ticket.objects.filter(subject=SUBJECT).count()


def test_the_same_key_and_body_answer_the_first_response_again_and_file_one_ticket(
    org_a: Org,
) -> None:
    client = api_client(contact_token(org_a.named))
    first = post(client, "order-4711")
    again = post(client, "order-4711")
    assert first.status_code == 201, first.content
    assert (again.status_code, again.content, again["Location"], again["ETag"]) == (
        first.status_code,
        first.content,
        first["Location"],
        first["ETag"],
    )
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert filed() == 1


def test_a_refused_request_is_answered_again_the_same_way(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    first = post(client, "no-subject", {"request_type": "incident", "description": "x"})
    again = post(client, "no-subject", {"request_type": "incident", "description": "x"})
    assert first.status_code == 400
    assert (again.status_code, again.content) == (400, first.content)
    assert again["Idempotent-Replayed"] == "true"


def test_the_same_key_with_another_body_answers_422_problem_json(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    assert post(client, "order-4712").status_code == 201
    other = post(client, "order-4712", body(description="Nu ook de facturen."))
    assert other.status_code == 422
    assert other["Content-Type"] == "application/problem+json"
    assert other.json()["code"] == "idempotency_key_reused"
    assert other.json()["detail"] == (
        "This Idempotency-Key was used for another request; use a new key."
    )
    assert filed() == 1


def test_the_same_key_on_another_path_answers_422(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    ticket = org_a.tickets["own"]
    assert post(client, "reused-elsewhere").status_code == 201
    patch = client.patch(
        f"{URL}{ticket.pk}/",
        {"shared_with_organisation": True},
        format="json",
        HTTP_IDEMPOTENCY_KEY="reused-elsewhere",
    )
    assert patch.status_code == 422
    assert Ticket.objects.get(pk=ticket.pk).shared_with_organisation is False


def test_a_key_whose_request_still_runs_answers_409_with_retry_after(
    org_a: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The retry arrives while the first request is inside the service."""
    client = api_client(contact_token(org_a.named))
    from api.views import tickets as views

    real_create = views.ticket_create_reaching_on_call
    during: list[Any] = []

    def create_while_retried(**kwargs: Any) -> Ticket:
        during.append(post(client, "slow-1"))
        return real_create(**kwargs)

    monkeypatch.setattr(views, "ticket_create_reaching_on_call", create_while_retried)
    first = post(client, "slow-1")
    assert first.status_code == 201, first.content
    assert [r.status_code for r in during] == [409]
    assert during[0]["Retry-After"] == "1"
    assert during[0].json()["code"] == "idempotency_in_flight"
    assert filed() == 1
    assert post(client, "slow-1")["Idempotent-Replayed"] == "true"


def test_an_in_flight_record_answers_409_until_its_lease_runs_out(org_a: Org) -> None:
    """A record left in flight (its process died) blocks the key for the lease, then the
    request runs again."""
    raw = contact_token(org_a.named)
    client = api_client(raw)
    assert post(client, "probe").status_code == 201
    probe = IdempotencyRecord.objects.get(key="probe")
    now = timezone.now()
    IdempotencyRecord.objects.create(
        caller_key=probe.caller_key,
        key="crashed",
        fingerprint=probe.fingerprint,
        state=IdempotencyState.IN_FLIGHT,
        locked_until=now + timedelta(seconds=30),
        created_at=now,
    )
    busy = post(client, "crashed")
    assert busy.status_code == 409
    assert busy.json()["code"] == "idempotency_in_flight"
    assert filed() == 1
    with time_machine.travel(now + timedelta(seconds=31), tick=False):
        taken_over = post(client, "crashed")
    assert taken_over.status_code == 201, taken_over.content
    assert IdempotencyRecord.objects.get(key="crashed").state == IdempotencyState.DONE
    assert filed() == 2


def test_an_exception_releases_the_key_for_a_retry(
    org_a: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = api_client(contact_token(org_a.named))
    client.raise_request_exception = False

    def broken(**kwargs: Any) -> Ticket:
        raise RuntimeError("the database went away")

    monkeypatch.setattr("api.views.tickets.ticket_create_reaching_on_call", broken)
    assert post(client, "crash-1").status_code == 500
    assert not IdempotencyRecord.objects.filter(key="crash-1").exists()
    monkeypatch.undo()
    retried = post(client, "crash-1")
    assert retried.status_code == 201, retried.content
    assert not retried.has_header("Idempotent-Replayed")
    assert filed() == 1


def test_a_5xx_answer_releases_the_key_for_a_retry(
    org_a: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = api_client(contact_token(org_a.named))

    class Unavailable(APIException):
        status_code = 503

    def unavailable(**kwargs: Any) -> Ticket:
        raise Unavailable("try later")

    monkeypatch.setattr("api.views.tickets.ticket_create_reaching_on_call", unavailable)
    assert post(client, "busy-1").status_code == 503
    assert not IdempotencyRecord.objects.filter(key="busy-1").exists()
    monkeypatch.undo()
    assert post(client, "busy-1").status_code == 201
    assert filed() == 1


def test_a_refused_precondition_does_not_use_the_key_up(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    ticket = org_a.tickets["own"]
    url = f"{URL}{ticket.pk}/"
    stale = client.patch(
        url,
        {"shared_with_organisation": True},
        format="json",
        HTTP_IF_MATCH='"stale"',
        HTTP_IDEMPOTENCY_KEY="share-1",
    )
    assert stale.status_code == 412
    fresh = client.patch(
        url,
        {"shared_with_organisation": True},
        format="json",
        HTTP_IF_MATCH=client.get(url)["ETag"],
        HTTP_IDEMPOTENCY_KEY="share-1",
    )
    assert fresh.status_code == 200, fresh.content
    assert not fresh.has_header("Idempotent-Replayed")


def test_keys_belong_to_one_caller(org_a: Org) -> None:
    """Two tokens (even of one contact) sending the same key file two tickets."""
    first = post(api_client(contact_token(org_a.named)), "shared-key")
    second = post(api_client(contact_token(org_a.named)), "shared-key")
    assert (first.status_code, second.status_code) == (201, 201)
    assert not second.has_header("Idempotent-Replayed")
    assert first.json()["id"] != second.json()["id"]
    assert filed() == 2


def test_a_key_is_forgotten_after_24_hours(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert post(client, "daily").status_code == 201
    with time_machine.travel(start + timedelta(hours=23, minutes=59), tick=False):
        assert post(client, "daily", body(description="Iets anders")).status_code == 422
    with time_machine.travel(start + timedelta(hours=24, seconds=1), tick=False):
        later = post(client, "daily", body(description="Iets anders"))
    assert later.status_code == 201, later.content
    assert filed() == 2


@pytest.mark.parametrize("key", ["", "   ", "x" * 256, "tab\there"])
def test_an_invalid_key_answers_400_and_runs_nothing(org_a: Org, key: str) -> None:
    response = post(api_client(contact_token(org_a.named)), key)
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"
    assert filed() == 0


def test_without_a_key_every_request_runs(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    assert client.post(URL, body(), format="json").status_code == 201
    assert client.post(URL, body(), format="json").status_code == 201
    assert filed() == 2
    assert not IdempotencyRecord.objects.exists()


def test_the_purge_forgets_only_keys_older_than_a_day(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        post(client, "old")
    with time_machine.travel(start + timedelta(hours=12), tick=False):
        post(client, "young")
    assert idempotency_purge(now=start + timedelta(hours=24, seconds=1)) == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["young"]


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="PostgreSQL's synchronous_commit (CI runs it)",
)
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_claim_is_one_round_trip_that_does_not_wait_for_the_disk(
    org_a: Org,
) -> None:
    """The claim only has to be seen by concurrent requests: one statement, one disk flush
    less a request; the work's own transaction still waits for the disk."""
    client = api_client(contact_token(org_a.named))
    with CaptureQueriesContext(connection) as queries:
        assert post(client, "fast-claim").status_code == 201
        assert post(client, "fast-claim").status_code == 201
    sql = [query["sql"] for query in queries.captured_queries]
    claims = [s for s in sql if 'INSERT INTO "api_idempotencyrecord"' in s]
    assert len(claims) == 2
    assert all(s.startswith("SET LOCAL synchronous_commit TO OFF; INSERT") for s in claims)
    assert sum("synchronous_commit" in s for s in sql) == 2
    assert IdempotencyRecord.objects.get(key="fast-claim").state == "done"
    assert Ticket.objects.filter(subject=SUBJECT).count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)


def test_a_large_upload_retried_with_a_new_boundary_is_the_same_request(org_a: Org) -> None:
    """A multipart retry carries another boundary; a body above Django's in-memory limit is
    hashed as a stream, not refused."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api_client(contact_token(org_a.named))
    ticket = org_a.tickets["own"]
    content = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)
    answers = [
        client.post(
            f"/api/v1/tickets/{ticket.pk}/attachments/",
            {"files": SimpleUploadedFile("groot.pdf", content, "application/pdf")},
            format="multipart",
            HTTP_IDEMPOTENCY_KEY="upload-1",
        )
        for _ in range(2)
    ]
    assert answers[0].status_code in (201, 413), answers[0].content
    assert answers[1].status_code == answers[0].status_code
    assert answers[1]["Idempotent-Replayed"] == "true"
