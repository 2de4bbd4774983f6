"""`contracts.bulk_sql.statements_cursor` (issue #16): with server-side binding
(DATABASE_SERVER_BINDING) PostgreSQL refuses two statements in one message with parameters, so
the relaxed-commit writes (`SET LOCAL synchronous_commit TO OFF; <statement>`) go through a
cursor that binds on the client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

import contracts.bulk_sql as bulk_sql
from contracts.bulk_sql import execute_unsynced

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's binding"),
]


@pytest.fixture
def bound_on_the_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A connection of its own to the test database with server-side binding on."""
    other = connection.copy()
    other.settings_dict["OPTIONS"] = {**other.settings_dict["OPTIONS"], "server_side_binding": True}
    monkeypatch.setattr(bulk_sql, "connection", other)
    try:
        yield other
    finally:
        other.close()


def test_the_relaxed_commit_runs_with_server_side_binding(bound_on_the_server: Any) -> None:
    assert bulk_sql.server_side_binding()
    assert execute_unsynced("SELECT %s::int + 1", [41]) == [(42,)]


def test_a_server_binding_cursor_refuses_the_two_statements(bound_on_the_server: Any) -> None:
    from django.db import DatabaseError

    with pytest.raises(DatabaseError), bound_on_the_server.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF; SELECT %s::int", [1])
