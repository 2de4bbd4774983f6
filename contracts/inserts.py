"""New rows of several tables written in one round trip.

A new ticket writes its clocks, its clock segment and its audit event right after the ticket
itself; each its own INSERT was a round trip to the database each, on every ticket of every
channel (bench/bench_ticket_create.py). On PostgreSQL `rows_insert` writes them all in one
statement (each INSERT a data-modifying WITH query, compiled by the ORM's own insert
compiler, so the values are the ones `bulk_create` would write); elsewhere one `bulk_create` a
table. Either way every instance has its primary key afterwards. No signals are sent (as with
`bulk_create`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model
from django.db.models.sql import InsertQuery


def rows_insert(*groups: Sequence[Model]) -> None:
    """INSERT each group (unsaved instances of one model) and set their primary keys."""
    filled = [list(group) for group in groups if group]
    if connection.vendor != "postgresql" or len(filled) < 2:
        for group in filled:
            type(group[0])._default_manager.bulk_create(group)
        return
    ctes: list[str] = []
    selects: list[str] = []
    params: list[Any] = []
    for n, group in enumerate(filled):
        meta = type(group[0])._meta
        for instance in group:  # a relation set before its row was saved: take its key now
            instance._prepare_related_fields_for_save(operation_name="rows_insert")  # type: ignore[attr-defined]
        query = InsertQuery(type(group[0]))
        query.insert_values([f for f in meta.concrete_fields if not f.primary_key], group)
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = [meta.pk]
        [(sql, sql_params)] = compiler.as_sql()
        ctes.append(f"i{n} AS ({sql})")
        selects.append(f"SELECT {n}, * FROM i{n}")
        params += sql_params
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(ctes)} {' UNION ALL '.join(selects)}", params)
        returned = cursor.fetchall()
    keys: list[list[Any]] = [[] for _ in filled]
    for n, pk in returned:
        keys[n].append(pk)
    for group, pks in zip(filled, keys, strict=True):
        for instance, pk in zip(group, pks, strict=True):
            instance.pk = pk
            instance._state.adding = False
            instance._state.db = connection.alias
