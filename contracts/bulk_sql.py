"""Plain SQL for updating many rows in one statement, where the ORM costs more than the database.

`case_by_pk`: a value per row for one UPDATE of many rows. `execute_unsynced`: a statement whose
loss in a crash of the database is harmless (a lease that comes back, a next check that is made
again), committed without waiting for the disk.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Model


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
