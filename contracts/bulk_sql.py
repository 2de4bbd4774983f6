"""Plain SQL for updating many rows in one statement, where the ORM costs more than the database.

`case_by_pk`: a value per row for one UPDATE of many rows. `execute_unsynced`: a statement whose
loss in a crash of the database is harmless (a lease that comes back, a next check that is made
again), committed without waiting for the disk. `row_update`: one row's update, its statement
built once. `bound_execute`: a statement of many parameters whose text repeats, bound as the
driver binds it without splitting the text again each time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache, lru_cache
from typing import Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Field, Model


def case_by_pk(model: type[Model], values: dict[int, Any], otherwise: str) -> tuple[str, list[Any]]:
    """`CASE <pk> WHEN %s THEN %s ... ELSE <otherwise> END` and its parameters: a value per
    row for one UPDATE of many rows (the ORM's Case(When(...)) of a page of rows cost more to
    build than to run). `values` hold database values (e.g. adapt_datetimefield_value); ELSE
    a column gives the CASE that column's type even when every value is NULL."""
    pk = connection.ops.quote_name(str(model._meta.pk.column))
    params: list[Any] = []
    for row_pk, value in values.items():
        params += [row_pk, value]
    return f"CASE {pk} {' '.join(['WHEN %s THEN %s'] * len(values))} ELSE {otherwise} END", params


def execute_unsynced(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Run `sql` in its own transaction without waiting for its commit to reach the disk
    (PostgreSQL's synchronous_commit off, for that transaction only: a commit here waits about
    4 ms for the disk, bench_sweep) and return its rows. Only for writes whose loss in a crash
    of the database is harmless. Inside a caller's transaction it runs as usual: the caller's
    commit is never relaxed."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with statements_cursor() as cursor:
            # One message, one implicit transaction: SET LOCAL holds for the statement only.
            cursor.execute(f"SET LOCAL synchronous_commit TO OFF; {sql}", params)
            cursor.nextset()
            return list(cursor.fetchall()) if cursor.description else []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []


@contextmanager
def statements_cursor() -> Iterator[CursorWrapper]:
    """A cursor of the default connection whose execute may hold several statements: one that
    binds its parameters on the client. With server-side binding (servicedesk/databases.py) a
    statement is sent apart from its parameters, and PostgreSQL refuses two in one message."""
    if not server_side_binding():
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import Cursor  # psycopg's ClientCursor, Django's

    with _cursor_of(Cursor) as cursor:
        yield cursor


@contextmanager
def _cursor_of(cursor_class: Any) -> Iterator[CursorWrapper]:
    """A Django cursor (its execute wrappers, its query log) of the default connection, on a
    psycopg cursor class other than the connection's own."""
    connection.ensure_connection()
    raw = cursor_class(connection.connection)  # psycopg's (connection)
    with connection._prepare_cursor(raw) as cursor:  # type: ignore[attr-defined]  # Django's
        yield cursor


def bound_execute(cursor: CursorWrapper, sql: str, params: list[Any]) -> None:
    """`cursor.execute(sql, params)`, for a statement of more than 50 parameters that runs again
    and again with other values (a new ticket with its rows, tickets/services/numbering.py).

    psycopg binds the parameters on the client (Django's default): it splits the text at its
    placeholders and fills in each value's literal. It keeps the split of a statement for the
    next call only up to 50 parameters; past them it split the same text on every ticket again
    (bench_ticket_create: a tenth of the Python time of a creation). Here the split is kept
    per text: the values are the driver's own literals (`as_literal`, what its client-binding
    cursor writes), filled into the text as it fills them in. Text with a placeholder other
    than %s (or a literal %%) and server-side binding go to the driver as they are."""
    if connection.vendor != "postgresql" or server_side_binding() or not _plain_marks(sql):
        cursor.execute(sql, params)
        return
    from psycopg.adapt import Transformer

    raw = connection.connection
    literal = Transformer.from_context(raw).as_literal
    values = tuple(b"NULL" if value is None else literal(value) for value in params)
    encoding = raw.info.encoding
    cursor.execute((_template(sql, encoding) % values).decode(encoding))


_MARK = re.compile(r"%(.)", re.DOTALL)


@lru_cache(maxsize=64)
def _plain_marks(sql: str) -> bool:
    """Does `sql` hold no placeholder but %s (and %% for a literal %)?"""
    return all(mark in "s%" for mark in _MARK.findall(sql)) and not sql.endswith("%")


@lru_cache(maxsize=64)
def _template(sql: str, encoding: str) -> bytes:
    return sql.encode(encoding)


@contextmanager
def prepared_cursor(params: Sequence[Any] = ()) -> Iterator[CursorWrapper]:
    """A cursor of the default connection whose statements PostgreSQL plans once per connection:
    for the few reads every ticket and every email runs with other values (the contract a
    ticket is filed under, the sender's contacts, a ticket's lock; contracts.joined).

    Django binds parameters on the client, so PostgreSQL parsed and planned those joins again
    on every run: 0.3-0.6 ms each (EXPLAIN ANALYZE), as much as running them. This cursor binds
    on the server, and psycopg prepares a statement once the connection has run it five times
    (`prepare_threshold`). Behind PgBouncer (servicedesk/databases.py) the threshold is None:
    nothing is prepared, the statement is sent whole with its values, and that works there.
    A None among `params` (the values to be run) has no type PostgreSQL could plan with: that
    statement goes through the connection's own cursor, as does every one elsewhere (SQLite)
    and while Django logs the queries (DEBUG, a test's CaptureQueriesContext): the log then
    holds the statement with its values, where a prepared one would show none."""
    if (
        connection.vendor != "postgresql"
        or server_side_binding()
        or connection.queries_logged
        or None in params
    ):
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import ServerBindingCursor  # psycopg's, Django's

    with _cursor_of(ServerBindingCursor) as cursor:
        yield cursor


def server_side_binding() -> bool:
    """Does the default connection send parameters apart from the statement (PostgreSQL)?"""
    options = connection.settings_dict.get("OPTIONS", {})
    return connection.vendor == "postgresql" and options.get("server_side_binding") is True


def row_update(
    model: type[Model], pk: Any, values: dict[str, Any], *, where: dict[str, Any] | None = None
) -> int:
    """`model.objects.filter(pk=pk, **where).update(**values)` for plain values (attribute
    names to values, equality in `where`): the rows changed. Each value is prepared as the
    ORM's update prepares it (`get_db_prep_save`); the statement's text is built once per
    model and names, as the ORM's compilation of an update of a dozen columns cost more than
    the database's answer (every routed email writes its outcome so, bench_intake). An
    expression, a model instance or a field with a placeholder of its own goes to the ORM."""
    where = where or {}
    meta = model._meta
    fields = [_column(model, name) for name in values]
    plain = not any(
        hasattr(value, "resolve_expression") or hasattr(value, "prepare_database_save")
        for value in [*values.values(), *where.values()]
    )
    if not plain or any(hasattr(f, "get_placeholder") for f in fields):
        return model._default_manager.filter(pk=pk, **where).update(**values)
    sql = _row_update_sql(model, tuple(values), tuple(where))
    params = [
        f.get_db_prep_save(v, connection) for f, v in zip(fields, values.values(), strict=True)
    ]
    params.append(meta.pk.get_db_prep_value(pk, connection))
    params += [_column(model, n).get_db_prep_value(v, connection) for n, v in where.items()]
    with transaction.mark_for_rollback_on_error(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


@cache
def _row_update_sql(model: type[Model], names: tuple[str, ...], where: tuple[str, ...]) -> str:
    meta, quote = model._meta, connection.ops.quote_name
    sets = ", ".join(f"{quote(str(_column(model, name).column))} = %s" for name in names)
    conditions = " AND ".join(
        f"{quote(str(_column(model, name).column))} = %s" for name in (meta.pk.attname, *where)
    )
    return f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {conditions}"


def _column(model: type[Model], name: str) -> Field[Any, Any]:
    found = model._meta.get_field(name)
    if not isinstance(found, Field) or found.column is None:
        raise TypeError(f"{name!r} is not a column of {model.__name__}")  # a reverse relation
    return found
