"""`contracts.bulk_sql.bound_execute` (issue #16): a statement of many parameters bound as
psycopg's client-binding cursor binds it, its text split once per process rather than on every
call. The text sent must be exactly the driver's own for every kind of value, or a value could
be written differently (or, worse, read as SQL)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from django.db import connection

from contracts.bulk_sql import _plain_marks, bound_execute

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's client binding"),
]

# Values of every kind a row holds, some of them hostile to a text that is filled in.
VALUES: list[Any] = [
    "plain",
    "it's a quote",
    "back\\slash and 'quotes' \"double\"",
    "100% %s %(name)s %% percent",
    "'; DROP TABLE tickets_ticket; --",
    "ünïcødé — 漢字 🙂",
    "",
    None,
    0,
    -7,
    2**40,
    Decimal("12.50"),
    1.5,
    True,
    False,
    datetime(2027, 1, 4, 8, 0, tzinfo=UTC),
    date(2027, 2, 28),
    timedelta(hours=4, minutes=30),
    UUID("12345678-1234-5678-1234-567812345678"),
    b"\x00\x01bytes'",
    [1, 2, 3],
    ["a", "b'c", None],
]


def _jsonb(value: Any) -> Any:
    from psycopg.types.json import Jsonb

    return Jsonb(value)


def _sent(run: Callable[[Any], None]) -> list[str]:
    seen: list[str] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper), connection.cursor() as cursor:
        run(cursor)
    return seen


def _statement(values: list[Any]) -> str:
    marks = ", ".join(["%s"] * len(values))
    return f"SELECT {marks}"


def test_the_text_sent_is_the_drivers_own_for_every_kind_of_value() -> None:
    values = [*VALUES * 3, _jsonb({"a": "b'c", "n": [1, None]})]  # past the driver's 50
    assert len(values) > 50
    sql = _statement(values)
    [sent] = _sent(lambda cursor: bound_execute(cursor, sql, values))
    with connection.cursor() as cursor:
        expected = cursor.cursor.mogrify(sql, values)  # psycopg's ClientCursor
    assert sent == expected


def test_the_values_come_back_as_the_drivers_own_binding_returns_them() -> None:
    values = [*VALUES * 3]
    sql = _statement(values)
    with connection.cursor() as cursor:
        bound_execute(cursor, sql, values)
        ours = cursor.fetchone()
        cursor.execute(sql, values)
        drivers = cursor.fetchone()
    assert ours == drivers
    assert ours[:7] == tuple(VALUES[:7])  # the hostile strings are strings, not SQL


def test_a_literal_percent_in_the_text_stays_one() -> None:
    values = list(range(60))
    sql = f"SELECT 'a%%b', {', '.join(['%s'] * 60)}"
    with connection.cursor() as cursor:
        bound_execute(cursor, sql, values)
        row = cursor.fetchone()
    assert row[0] == "a%b"
    assert list(row[1:]) == values


def test_a_named_placeholder_goes_to_the_driver() -> None:
    assert _plain_marks("SELECT %s, '%%'")
    assert not _plain_marks("SELECT %(name)s")
    assert not _plain_marks("SELECT %b")
    assert not _plain_marks("SELECT 1 %")
    with connection.cursor() as cursor:
        bound_execute(cursor, "SELECT %(a)s::int + %(b)s::int", {"a": 1, "b": 2})
        assert cursor.fetchone() == (3,)


def test_a_count_of_values_that_does_not_match_is_refused() -> None:
    with pytest.raises(TypeError), connection.cursor() as cursor:
        bound_execute(cursor, "SELECT %s, %s", [1])


def test_json_goes_through_as_json() -> None:
    payload = {"subject": "it's 100%", "list": [1, "two", None]}
    with connection.cursor() as cursor:
        bound_execute(cursor, "SELECT %s::jsonb", [_jsonb(payload)])
        (value,) = cursor.fetchone()
    assert (json.loads(value) if isinstance(value, str) else value) == payload
