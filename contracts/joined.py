"""Rows of several tables read by one plain SQL query, rebuilt as model instances.

For the two queries every API request and every ticket runs (the token lookup, the contract a
ticket is filed under), the ORM's compilation of a `select_related` cost more than the
database's answer (bench/bench_api_create.py). Those queries are written once as SQL selecting
`joined_select(...)`; `joined_fetch` rebuilds each aliased table's row, its columns converted as
the ORM's own compiler converts them (backend, then field), so they are the model instances
`select_related` would give. A table's long columns can be left out (`leave_out`: alias ->
attribute names), as `defer()` leaves them out: read when first asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model

from contracts.bulk_sql import prepared_cursor

Aliases = dict[str, type[Model]]
LeftOut = Mapping[str, tuple[str, ...]]  # alias -> attribute names not selected


def _selected(model: type[Model], leave_out: tuple[str, ...]) -> list[Any]:
    return [f for f in model._meta.concrete_fields if f.attname not in leave_out]


@cache
def _shape(
    model: type[Model], leave_out: tuple[str, ...] = ()
) -> tuple[list[str], list[tuple[Any, list[Any]]], int]:
    """(attnames, (column expression, converters) per field, index of the primary key)."""
    fields = _selected(model, leave_out)
    converted = []
    for field in fields:
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        converted.append((column, converters))
    primary = [field.primary_key for field in fields].index(True)
    return [field.attname for field in fields], converted, primary


def joined_select(aliases: Aliases, leave_out: LeftOut | None = None) -> str:
    """The select list: every concrete column of every aliased table (but those left out), in
    order."""
    return ", ".join(
        f"{alias}.{field.column}"
        for alias, model in aliases.items()
        for field in _selected(model, (leave_out or {}).get(alias, ()))
    )


def joined_fetch(
    sql: str, params: Sequence[Any], aliases: Aliases, leave_out: LeftOut | None = None
) -> list[tuple[dict[str, Any], tuple[Any, ...]]]:
    """Per row: alias -> instance (None where an outer join found no row), and the columns
    selected after the joined ones."""
    with prepared_cursor(params) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = []
    db = connections[DEFAULT_DB_ALIAS]  # `connection` is a proxy: a lookup per attribute
    for row in rows:
        instances: dict[str, Any] = {}
        start = 0
        for alias, model in aliases.items():
            attnames, converted, primary = _shape(model, (leave_out or {}).get(alias, ()))
            values = list(row[start : start + len(attnames)])
            start += len(attnames)
            if values[primary] is None:
                instances[alias] = None
                continue
            for i, (column, converters) in enumerate(converted):
                for convert in converters:
                    values[i] = convert(values[i], column, db)
            instances[alias] = model.from_db(DEFAULT_DB_ALIAS, attnames, values)
        found.append((instances, tuple(row[start:])))
    return found
