"""Plain SQL for writing many rows in one statement, where the ORM costs more than the database.

`rows_insert`: new rows by one INSERT ... RETURNING, the columns and values bulk_create writes.
For the rows every new ticket, mail and escalation writes (outbox rows, escalation records),
the ORM's bulk_create spent more building the statement than the database spent on it
(bench_ticket_create, bench_sweep); and bulk_create cannot both leave out the rows a unique
constraint refuses and say which rows it wrote (with ignore_conflicts it returns no ids).
`rows_insert(..., skip_clashes=...)` does both: ON CONFLICT DO NOTHING (PostgreSQL; INSERT OR
IGNORE on SQLite), and the rows written are recognised in RETURNING by the constraint's own
fields. That is how the exactly-once rows (an escalation per trigger and clock version, a mail
per key) are written many at a time: the database decides which are new, even against a
concurrent writer.

`case_by_pk`: a value per row for one UPDATE of many rows.

`execute_unsynced`: a statement whose loss in a crash of the database is harmless (a lease that
comes back, a next check that is made again), committed without waiting for the disk.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Field, Model
from django.db.models.constants import OnConflict

M = TypeVar("M", bound=Model)


def rows_insert(objs: Sequence[M], *, skip_clashes: Sequence[str] = ()) -> list[M]:
    """Insert `objs` (all of one model, primary keys unset) and return the rows written, their
    primary keys set. Without `skip_clashes` a clash raises IntegrityError and nothing of the
    statement is written; with it (the attribute names of the unique constraint that may clash)
    a clashing row is left out and every other row is written. Rows of one call that clash with
    each other are written once (the first)."""
    if not objs:
        return []
    meta = type(objs[0])._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    key_fields = [_concrete(meta.get_field(name)) for name in skip_clashes]
    returning = ", ".join(quote(str(f.column)) for f in [_concrete(meta.pk), *key_fields])
    on_conflict = OnConflict.IGNORE if skip_clashes else None
    # PostgreSQL: INSERT ... ON CONFLICT DO NOTHING; SQLite: INSERT OR IGNORE ...
    insert = connection.ops.insert_statement(on_conflict=on_conflict)
    suffix = connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None)
    size = max(1, connection.ops.bulk_batch_size(fields, objs))
    written: list[M] = []
    for start in range(0, len(objs), size):
        chunk = objs[start : start + size]
        params = [
            f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in chunk for f in fields
        ]
        sql = (
            f"{insert} {quote(meta.db_table)} ({columns}) "
            f"VALUES {', '.join([marks] * len(chunk))} {suffix} RETURNING {returning}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        written += _mark_written(chunk, rows, key_fields)
    return written


def _concrete(found: object) -> Field[Any, Any]:
    if not isinstance(found, Field):
        raise TypeError(f"{found!r} is not a column of the model")  # e.g. a reverse relation
    return found


def _mark_written(
    chunk: Sequence[M], rows: list[tuple[Any, ...]], key_fields: list[Field[Any, Any]]
) -> list[M]:
    if key_fields:
        by_key: dict[tuple[object, ...], M] = {}
        for obj in chunk:
            by_key.setdefault(tuple(getattr(obj, f.attname) for f in key_fields), obj)
        pairs = [(by_key[tuple(row[1:])], row[0]) for row in rows]
    else:
        pairs = list(zip(chunk, [row[0] for row in rows], strict=True))
    for obj, pk in pairs:
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return [obj for obj, _ in pairs]


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
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # One message, one implicit transaction: SET LOCAL holds for the statement only.
            cursor.execute(f"SET LOCAL synchronous_commit TO OFF; {sql}", params)
            cursor.nextset()
        else:
            cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []
