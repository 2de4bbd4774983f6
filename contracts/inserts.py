"""New rows of several tables written in one round trip.

A new ticket writes its clocks, its clock segment and its audit event right after the ticket
itself; each its own INSERT was a round trip to the database each, on every ticket of every
channel (bench/bench_ticket_create.py). On PostgreSQL `rows_insert` writes them all in one
statement (each INSERT a data-modifying WITH query, compiled by the ORM's own insert
compiler, so the values are the ones `bulk_create` would write); elsewhere one `bulk_create` a
table. Either way every instance has its primary key afterwards. No signals are sent (as with
`bulk_create`).

`insert_returning` writes many new rows of one table in one INSERT ... RETURNING, written out:
for the outbox's mails the ORM's bulk_create spent more building the statement than the
database spent on it (bench_ticket_create, bench_sweep), and bulk_create cannot both leave out
the rows a unique constraint refuses and say which rows it wrote (with ignore_conflicts it
returns no ids). With `skip_clashes` it does both: ON CONFLICT DO NOTHING (PostgreSQL; INSERT
OR IGNORE on SQLite), the rows written recognised in RETURNING by the constraint's own fields.
That is how the exactly-once rows (an escalation per trigger and clock version, a mail per key)
are written many at a time: the database decides which are new, even against a concurrent
writer.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Any, Literal, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import BigIntegerField, BinaryField, Expression, Field, Model
from django.db.models.constants import OnConflict
from django.db.models.expressions import RawSQL
from django.db.models.sql import InsertQuery

M = TypeVar("M", bound=Model)


def insert_statement(group: Sequence[Model], *, related: bool = True) -> tuple[str, list[Any]]:
    """The INSERT ... RETURNING <pk> of `group` (unsaved instances of one model), as the ORM's
    insert compiler writes it, for a statement of one's own (a WITH, a relaxed commit).

    The statement's text depends only on the model and the number of rows when every value is
    a plain one (no expression, no field with a placeholder of its own): it is compiled once
    per shape and process, and afterwards only the values are prepared, as the compiler
    prepares them (`pre_save`, then `get_db_prep_save`). The compiler's work around the values
    cost more than the values (bench_ticket_create: a ticket has some 60 columns). The first
    statement of each shape is the compiler's own, and the values prepared here are checked
    against its values then: a shape whose values differ is always compiled. `related=False`:
    the caller sets the keys of relations to rows not saved yet (`child_insert_statement`)."""
    model = type(group[0])
    for instance in group if related else ():  # a relation set before its row was saved
        instance._prepare_related_fields_for_save(operation_name="rows_insert")  # type: ignore[attr-defined]
    keyed = group[0].pk is not None  # keys taken before (`keys_columns`): written as they are
    if any((instance.pk is not None) != keyed for instance in group):
        raise ValueError("rows of one INSERT either all have their keys or none has")
    fields = _insert_fields(model, keyed)
    db = connections[DEFAULT_DB_ALIAS]  # `connection` is a proxy: a lookup per attribute
    key = (model, len(group), db.vendor, keyed)
    shape = _SHAPES.get(key)
    if shape is False or len(group) > _SHAPE_ROWS_MAX:
        return _compiled(group, fields)
    rows = [[f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields] for obj in group]
    if any(hasattr(value, "as_sql") for row in rows for value in row):
        return _compiled(group, fields)  # an expression: the compiler writes its SQL
    if not _placeholders_plain(model, keyed, rows):
        return _compiled(group, fields)  # a field that writes its value's SQL itself
    if shape is None:
        sql, params = _compiled(group, fields)
        _SHAPES[key] = _shape_learn(sql, params, rows, fields)
        return sql, params
    sql, by_column = shape
    return sql, [list(column) for column in zip(*rows, strict=True)] if by_column else [
        value for row in rows for value in row
    ]


# (model, rows, vendor, keyed) -> (SQL, values passed by column (PostgreSQL's UNNEST)), or False:
# compiled every time. A handful of shapes per process (a ticket, its clocks, ...).
_SHAPES: dict[tuple[type[Model], int, str, bool], tuple[str, bool] | Literal[False]] = {}
_SHAPE_ROWS_MAX = 16


@cache
def _insert_fields(model: type[Model], keyed: bool = False) -> list[Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if keyed or not f.primary_key]


@cache
def _placeholder_fields(model: type[Model], keyed: bool) -> list[tuple[int, Field[Any, Any]]]:
    """The insert fields that write their value's placeholder themselves, by position."""
    fields = _insert_fields(model, keyed)
    return [(i, f) for i, f in enumerate(fields) if hasattr(f, "get_placeholder")]


def _placeholders_plain(model: type[Model], keyed: bool, rows: list[list[Any]]) -> bool:
    """Is every value's placeholder a plain %s? A binary field's is, on every backend Django
    ships but Oracle (`binary_placeholder_sql`: the raw mail of every inbound message, which
    was compiled each time); any other field with a placeholder of its own is not taken as
    plain."""
    for i, field in _placeholder_fields(model, keyed):
        if not isinstance(field, BinaryField):
            return False
        placeholder = connection.ops.binary_placeholder_sql  # Django's takes the value only
        if any(placeholder(row[i]) != "%s" for row in rows):  # type: ignore[call-arg]
            return False
    return True


def _compiled(group: Sequence[Model], fields: list[Field[Any, Any]]) -> tuple[str, list[Any]]:
    meta = type(group[0])._meta
    query = InsertQuery(type(group[0]))
    query.insert_values(fields, list(group))
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [meta.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, list(params)


def _shape_learn(
    sql: str, params: list[Any], rows: list[list[Any]], fields: list[Field[Any, Any]]
) -> tuple[str, bool] | Literal[False]:
    """How the compiler passed the values of `rows` in `params`: row after row, or (PostgreSQL,
    several rows) one array a column; False when they are not the values prepared here (a
    backend's own parameters). Placeholders are plain (`_placeholders_plain`, checked on every
    statement)."""
    flat = [value for row in rows for value in row]
    if len(params) == len(flat) and all(map(_same, params, flat)):
        return sql, False
    columns = [list(column) for column in zip(*rows, strict=True)]
    by_column = len(rows) > 1 and len(params) == len(columns)
    pairs = zip(params, columns, strict=by_column)
    if by_column and all(len(p) == len(c) and all(map(_same, p, c)) for p, c in pairs):
        return sql, True
    return False


def _same(compiled: Any, prepared: Any) -> bool:
    """The same value, a wrapper of the driver's (a JSON value) compared by what it wraps."""
    if type(compiled) is not type(prepared):
        return False
    if compiled == prepared:
        return True
    wrapped = getattr(compiled, "obj", _NOTHING)
    return wrapped is not _NOTHING and wrapped == getattr(prepared, "obj", _NOTHING)


_NOTHING = object()


def child_insert_statement(
    group: Sequence[Model], *, parent_key: str, parent: str, parent_column: str = "id"
) -> tuple[str, list[Any]]:
    """The INSERT ... RETURNING <pk> of `group`, whose foreign key `parent_key` (an attribute
    name) is the `parent_column` of the WITH query `parent`: rows of a parent inserted by the
    same statement, before it has a key (PostgreSQL; the parent must return one row). The
    values are `insert_statement`'s, read through a derived table whose columns are cast to
    their fields' types (parameters there have no column to take a type from)."""
    model = type(group[0])
    sql, params = insert_statement(group, related=False)
    return _child_sql(model, sql, parent_key, parent, parent_column), params


@lru_cache(maxsize=64)
def _child_sql(
    model: type[Model], sql: str, parent_key: str, parent: str, parent_column: str
) -> str:
    """`child_insert_statement`'s text from the group's own INSERT: the same for every group of
    a shape (`insert_statement` compiles a shape once), so it is written once too."""
    head, rest = sql.split(") ", 1)  # INSERT INTO "table" ("a", "b" | VALUES ... / SELECT ...
    source, returning = rest.rsplit(" RETURNING ", 1)
    table, columns = head.split(" (", 1)
    quote = connection.ops.quote_name
    by_column = {quote(str(f.column)): f for f in _insert_fields(model, True)}
    key_column = quote(str(_concrete(model._meta.get_field(parent_key)).column))
    picked = []
    for column in columns.split(", "):
        if column == key_column:
            picked.append(f"{parent}.{quote(parent_column)}")
            continue
        db_type = by_column[column].db_type(connection)
        picked.append(f"CAST(v.{column} AS {db_type})" if db_type else f"v.{column}")
    return (
        f"{table} ({columns}) SELECT {', '.join(picked)} FROM {parent}, ({source}) "
        f"AS v({columns}) RETURNING {returning}"
    )


def keys_columns(*models: type[Model]) -> dict[str, Expression]:
    """A new primary key for each of `models`, taken from their sequences by a read that runs
    anyway (no round trip of its own): annotations KEY_COLUMN % n for the nth model. For new
    rows that must know each other's keys before they are written (a mail whose link names
    its step): with their keys set, `rows_insert` writes them all in one statement. On
    PostgreSQL each is an uncorrelated sub-select, which the database runs once per query
    whatever its number of rows: every row carries the same keys, and a read that finds no
    row takes none (`keys_carried` then finds none). Empty where there are no sequences
    (SQLite)."""
    if connection.vendor != "postgresql":
        return {}
    return {
        KEY_COLUMN % n: RawSQL(f"(SELECT {sql})", params, output_field=BigIntegerField())
        for n, (sql, params) in enumerate(map(_key_take, models))
    }


KEY_COLUMN = "new_key_%d"


def keys_carried(row: Model, count: int) -> list[int] | None:
    """The `count` keys of `keys_columns` that `row` was read with, or None."""
    keys = [getattr(row, KEY_COLUMN % n, None) for n in range(count)]
    return None if None in keys else [int(key) for key in keys if key is not None]


def _key_take(model: type[Model]) -> tuple[str, list[Any]]:
    quote = connection.ops.quote_name
    return "nextval(pg_get_serial_sequence(%s, %s))", [
        quote(model._meta.db_table),
        str(model._meta.pk.column),
    ]


def mark_saved(instance: Model, pk: Any) -> None:
    """`instance` is the row `pk` now, as after save()."""
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = DEFAULT_DB_ALIAS  # `connection`'s


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
        sql, sql_params = insert_statement(group)
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
            mark_saved(instance, pk)


def insert_returning(objs: Sequence[M], *, skip_clashes: Sequence[str] = ()) -> list[M]:
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
    db = connections[DEFAULT_DB_ALIAS]
    written: list[M] = []
    for start in range(0, len(objs), size):
        chunk = objs[start : start + size]
        params = [f.get_db_prep_save(f.pre_save(obj, True), db) for obj in chunk for f in fields]
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
        obj._state.db = DEFAULT_DB_ALIAS
    return [obj for obj, _ in pairs]
