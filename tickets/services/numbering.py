"""A new ticket's number and its row in one statement (issue #16).

The number is SD-<year>-<n>, n from the year's counter row (an UPDATE ... RETURNING, so two
creations never draw the same n). Drawn first and then inserted, that was two round trips on
every ticket of every channel; on PostgreSQL the counter's UPDATE is a data-modifying WITH query
of the ticket's INSERT, whose number is formatted from it in SQL. The draw and the row commit
together, as before: a refused creation (a rolled-back transaction) uses no number.

The INSERT is the ORM's own (contracts.inserts.insert_statement), so the values are those
`save()` would write, and `pre_save`/`post_save` are sent as `save()` sends them (the figures'
month marks listen). The counter row of a new year is made on the first ticket of that year.
Other databases draw the number and save as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Model
from django.db.models.signals import post_save, pre_save

from contracts.bulk_sql import bound_execute
from contracts.inserts import child_insert_statement, insert_statement, mark_saved, rows_insert
from tickets.models import Ticket, TicketCounter


def ticket_year(now: datetime) -> int:
    """The year of the number: the provider's calendar year, not UTC's."""
    return now.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE)).year


def _draw(counter: type[Model]) -> str:
    """The counter's UPDATE: the year's next n (no row: no n)."""
    table = counter._meta.db_table
    return f"UPDATE {table} SET last = last + 1 WHERE year = %s RETURNING last"


def ticket_number_next(*, now: datetime) -> str:
    """SD-<year>-<n>: one UPDATE ... RETURNING per ticket, safe under concurrency."""
    year = ticket_year(now)
    sql = _draw(TicketCounter)
    with connection.cursor() as cursor:
        cursor.execute(sql, [year])
        row = cursor.fetchone()
        if row is None:
            TicketCounter.objects.bulk_create([TicketCounter(year=year)], ignore_conflicts=True)
            cursor.execute(sql, [year])
            row = cursor.fetchone()
    return f"SD-{year}-{row[0]:06d}"


def numbered_insert(
    instance: Model, *, counter: type[Model], year: int, prefix: str, digits: int
) -> tuple[str, str, list[Any]]:
    """The unsaved `instance` inserted with the year's next n of `counter`, zero-padded to
    `digits` (more digits past them), in one statement: (the draw as a WITH query named n,
    `INSERT ... SELECT <prefix><n> ... FROM n` without its RETURNING, their parameters). No
    counter row: no row inserted. The number field must be the model's first column;
    `pre_save` is sent as save() sends it."""
    model = type(instance)
    instance.number = prefix  # type: ignore[attr-defined]  # a placeholder the statement replaces
    pre_save.send(
        sender=model, instance=instance, raw=False, using=connection.alias, update_fields=None
    )
    insert, params = insert_statement([instance])
    head, values = insert.split(" VALUES (", 1)
    values = values.rsplit(") RETURNING ", 1)[0]
    if not values.startswith("%s") or params[0] != prefix:
        raise RuntimeError(f"the {model.__name__} INSERT does not start with its number")
    padded = (
        f"CASE WHEN n.last < {10**digits} THEN lpad(n.last::text, {digits}, '0') "
        "ELSE n.last::text END"
    )
    draw = f"n AS ({_draw(counter)})"
    return draw, f"{head} SELECT %s || {padded}{values[2:]} FROM n", [year, *params]


def numbered_saved(instance: Model, pk: Any, number: str) -> None:
    """After `numbered_insert`'s statement wrote row `pk`: saved, as after save(), and
    `post_save` sent as save() sends it."""
    mark_saved(instance, pk)
    instance.number = number  # type: ignore[attr-defined]
    post_save.send(
        sender=type(instance),
        instance=instance,
        created=True,
        update_fields=None,
        raw=False,
        using=connection.alias,
    )


def numbered_execute(
    sql: str, params: list[Any], *, counter: type[Model], year: int
) -> list[tuple[Any, ...]]:
    """Run a statement of `numbered_insert` and return its rows (the inserted row's first);
    the first of a year makes the year's counter row first (no counter row, no row: run
    again)."""
    with connection.cursor() as cursor:
        bound_execute(cursor, sql, params)
        rows = cursor.fetchall()
        if not rows:
            counter._default_manager.bulk_create([counter(year=year)], ignore_conflicts=True)
            bound_execute(cursor, sql, params)
            rows = cursor.fetchall()
    return [tuple(row) for row in rows]


def ticket_insert_numbered(
    ticket: Ticket, *, now: datetime, children: Sequence[Sequence[Model]] = ()
) -> None:
    """Give the unsaved `ticket` the next number of `now`'s year and insert it (in the caller's
    transaction); afterwards it is saved, as after `save(force_insert=True)`. `children`:
    groups of unsaved rows of one model each pointing at the ticket by a `ticket` foreign key
    (its clocks, its first clock segment, its audit event), inserted with it and given their
    keys (on PostgreSQL in the same statement: one round trip for all; no signals are sent for
    them, as with bulk_create)."""
    groups = [list(group) for group in children if group]
    if connection.vendor != "postgresql":
        ticket.number = ticket_number_next(now=now)
        ticket.save(force_insert=True)
        rows_insert(*groups)
        return
    year = ticket_year(now)
    draw, insert, params = numbered_insert(
        ticket, counter=TicketCounter, year=year, prefix=f"SD-{year}-", digits=6
    )
    quote = connection.ops.quote_name
    pk = quote(str(Ticket._meta.pk.column))
    ctes = [draw, f"t AS ({insert} RETURNING {pk}, {quote('number')})"]
    selects = [f"SELECT -1, {pk}, {quote('number')} FROM t"]
    for n, group in enumerate(groups):
        sql, group_params = child_insert_statement(
            group, parent_key="ticket", parent="t", parent_column=str(Ticket._meta.pk.column)
        )
        ctes.append(f"c{n} AS ({sql})")
        selects.append(f"SELECT {n}, {quote(str(type(group[0])._meta.pk.column))}, NULL FROM c{n}")
        params += group_params
    sql = f"WITH {', '.join(ctes)} {' UNION ALL '.join(selects)}"
    rows = numbered_execute(sql, params, counter=TicketCounter, year=year)
    (ticket_pk, number) = next((pk, number) for g, pk, number in rows if g == -1)
    numbered_saved(ticket, ticket_pk, number)
    ticket._loaded_record()
    keys: list[list[Any]] = [[] for _ in groups]
    for g, row_pk, _ in rows:
        if g >= 0:
            keys[g].append(row_pk)
    for group, pks in zip(groups, keys, strict=True):
        for instance, row_pk in zip(group, pks, strict=True):
            mark_saved(instance, row_pk)
            instance.ticket_id = ticket.pk  # type: ignore[attr-defined]
