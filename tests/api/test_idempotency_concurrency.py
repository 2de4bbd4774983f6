"""Fifty identical concurrent creates give exactly one ticket (issue #12 §3, "Proof").

Fifty threads send the same POST with the same Idempotency-Key at once, each on its own
database connection against the committed test database (transaction=True): PostgreSQL in CI
(DATABASE_URL), SQLite elsewhere. Exactly one runs; every other one is answered with the first
response again (201, `Idempotent-Replayed: true`) or, while the first still runs, 409.

The flush after a committing test empties every table: the test brings the catalogue back
first, the module brings the catalogue and the role groups back at its end
(tests/browser_support.py)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from api.models import IdempotencyRecord, IdempotencyState
from tests.api.conftest import api_client, contact_token
from tests.browser_support import _catalogue_back_after_the_last_flush, catalogue_reload
from tests.portal.conftest import org_a_build
from tickets.models import Ticket

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures(_catalogue_back_after_the_last_flush.__name__),
]

CALLERS = 50
SUBJECT = "Vijftig keer tegelijk: de server is onbereikbaar"
BODY = {
    "request_type": "incident",
    "subject": SUBJECT,
    "description": "Monitoring meldt het vijftig keer tegelijk.",
}


@contextmanager
def threads_database(tmp_path: Path) -> Iterator[None]:
    """The database the threads share. PostgreSQL: the test database itself. SQLite:
    pytest-django's test database lives in memory with a shared cache, whose table locks fail a
    second writer at once instead of making it wait; so the committed data is copied into a
    file (VACUUM INTO), opened as the embedded default opens its file (WAL, immediate
    transactions, busy timeout), and every thread, this one too, uses it until the end."""
    if connection.vendor != "sqlite":
        yield
        return
    copy = tmp_path / "threads.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(copy)])
    memory_settings, memory = connections.settings["default"], connections["default"]
    file_settings = {**memory_settings, "NAME": str(copy)}
    connections.settings["default"] = file_settings
    connections["default"] = memory.__class__(file_settings, "default")
    try:
        yield
    finally:
        connections["default"].close()
        connections.settings["default"] = memory_settings
        connections["default"] = memory


def _concurrently(raw: str, key: str) -> list[Any]:
    """CALLERS threads post BODY with `key`, released together; their responses."""
    start = threading.Barrier(CALLERS)
    responses: list[Any] = [None] * CALLERS

    def call(index: int) -> None:
        client = api_client(raw)
        client.raise_request_exception = False
        try:
            start.wait(timeout=30)
            responses[index] = client.post(
                "/api/v1/tickets/", BODY, format="json", HTTP_IDEMPOTENCY_KEY=key
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call, args=(i,)) for i in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return responses


@pytest.fixture
def shared_database(transactional_db: None, tmp_path: Path) -> Iterator[str]:
    """Organisation A committed, then the database the threads share; a named contact's token."""
    catalogue_reload()  # an earlier committing test's flush removed it
    org = org_a_build(timezone.now() - timedelta(hours=1))
    raw = contact_token(org.named)
    with threads_database(tmp_path):
        yield raw


def test_fifty_identical_concurrent_creates_file_exactly_one_ticket(shared_database: str) -> None:
    responses = _concurrently(shared_database, "monitoring-alert-8812")

    assert Ticket.objects.filter(subject=SUBJECT).count() == 1
    ticket = Ticket.objects.get(subject=SUBJECT)
    kinds = Counter(
        (r.status_code, r.get("Idempotent-Replayed", "")) for r in responses if r is not None
    )
    assert sum(kinds.values()) == CALLERS, kinds
    assert kinds[(201, "")] == 1, kinds
    assert set(kinds) <= {(201, ""), (201, "true"), (409, "")}, kinds
    created = [r for r in responses if r.status_code == 201]
    assert {r.json()["id"] for r in created} == {ticket.pk}
    assert {r.content for r in created} == {created[0].content}
    assert {r["Location"] for r in created} == {f"/api/v1/tickets/{ticket.pk}/"}
    busy = [r for r in responses if r.status_code == 409]
    assert {r.json()["code"] for r in busy} <= {"idempotency_in_flight"}
    assert list(IdempotencyRecord.objects.values_list("state", flat=True)) == [
        IdempotencyState.DONE
    ]
