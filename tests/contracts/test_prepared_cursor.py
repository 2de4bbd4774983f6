"""`contracts.bulk_sql.prepared_cursor` (issue #16): the joined reads every ticket and every
email runs (the contract a ticket is filed under, the sender's contacts, a ticket's lock) are
bound on the server, so PostgreSQL plans them once per connection instead of on every run.
Their answers are the client-binding cursor's; Django still sees every query; behind PgBouncer
nothing is prepared (a prepared statement lives in one server session)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import contracts.bulk_sql as bulk_sql
from contracts.bulk_sql import prepared_cursor
from contracts.selectors import contract_for_submission
from tests.factories import ContractFactory, named_contact

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared plans"),
]

QUERY = "SELECT %s::int + 1, upper(%s), %s::date, %s::int IS NULL /* prepared-cursor-probe */"


def _prepared(conn: Any) -> list[str]:
    with conn.cursor() as cursor:
        cursor.execute("SELECT coalesce(statement, '') FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_read_run_again_is_planned_once_and_answers_as_before() -> None:
    params = [41, "één 'quote'", date(2027, 2, 28), 5]
    with connection.cursor() as cursor:
        cursor.execute(QUERY, params)
        expected = cursor.fetchone()
    for _ in range(7):
        with prepared_cursor() as cursor:
            cursor.execute(QUERY, params)
            assert cursor.fetchone() == expected
    assert any("prepared-cursor-probe" in statement for statement in _prepared(connection))


def test_while_django_logs_queries_the_log_holds_each_with_its_values() -> None:
    with CaptureQueriesContext(connection) as seen:
        for n in range(7):
            with prepared_cursor([n]) as cursor:
                cursor.execute("SELECT %s::int /* prepared-log-probe */", [n])
                assert cursor.fetchone() == (n,)
    logged = [q["sql"] for q in seen.captured_queries if "prepared-log-probe" in q["sql"]]
    assert logged == [f"SELECT {n}::int /* prepared-log-probe */" for n in range(7)]


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A connection of its own with the options of DATABASE_POOLING=pgbouncer."""
    from servicedesk.databases import database_pooled

    other = connection.copy()
    other.settings_dict = database_pooled(other.settings_dict, "pgbouncer")
    monkeypatch.setattr(bulk_sql, "connection", other)
    try:
        yield other
    finally:
        other.close()


def test_a_none_among_the_values_goes_through_the_client_binding_cursor() -> None:
    for _ in range(7):
        with prepared_cursor([None]) as cursor:
            cursor.execute("SELECT %s IS NULL /* prepared-none-probe */", [None])
            assert cursor.fetchone() == (True,)
    assert not any("prepared-none-probe" in statement for statement in _prepared(connection))


def test_behind_pgbouncer_nothing_is_prepared(pooled: Any) -> None:
    for _ in range(7):
        with prepared_cursor() as cursor:
            cursor.execute(QUERY, [1, "a", date(2027, 1, 1), 3])
            assert cursor.fetchone() == (2, "A", date(2027, 1, 1), False)
    assert not any("prepared-cursor-probe" in statement for statement in _prepared(pooled))


def test_the_contract_of_a_submission_is_found_on_a_prepared_plan() -> None:
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    contact = named_contact(contract)
    for _ in range(7):
        found = contract_for_submission(contact=contact, on=date(2026, 6, 1))
        assert found.pk == contract.pk
    assert any("string_agg" in statement for statement in _prepared(connection))
