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

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models.signals import post_save, pre_save

from contracts.inserts import insert_statement, mark_saved
from tickets.models import Ticket, TicketCounter

# n zero-padded to six digits; a year past a million tickets grows the number (converters.py).
_FORMATTED = "CASE WHEN n.last < 1000000 THEN lpad(n.last::text, 6, '0') ELSE n.last::text END"


def ticket_year(now: datetime) -> int:
    """The year of the number: the provider's calendar year, not UTC's."""
    return now.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE)).year


def _draw() -> str:
    """The counter's UPDATE: the year's next n (no row: no n)."""
    table = TicketCounter._meta.db_table
    return f"UPDATE {table} SET last = last + 1 WHERE year = %s RETURNING last"


def _counter_ensure(year: int) -> None:
    TicketCounter.objects.bulk_create([TicketCounter(year=year)], ignore_conflicts=True)


def ticket_number_next(*, now: datetime) -> str:
    """SD-<year>-<n>: one UPDATE ... RETURNING per ticket, safe under concurrency."""
    year = ticket_year(now)
    sql = _draw()
    with connection.cursor() as cursor:
        cursor.execute(sql, [year])
        row = cursor.fetchone()
        if row is None:
            _counter_ensure(year)
            cursor.execute(sql, [year])
            row = cursor.fetchone()
    return f"SD-{year}-{row[0]:06d}"


def ticket_insert_numbered(ticket: Ticket, *, now: datetime) -> None:
    """Give the unsaved `ticket` the next number of `now`'s year and insert it (in the caller's
    transaction); afterwards it is saved, as after `save(force_insert=True)`."""
    if connection.vendor != "postgresql":
        ticket.number = ticket_number_next(now=now)
        ticket.save(force_insert=True)
        return
    year = ticket_year(now)
    prefix = f"SD-{year}-"
    ticket.number = prefix  # a placeholder the statement replaces with the drawn number
    pre_save.send(
        sender=Ticket, instance=ticket, raw=False, using=connection.alias, update_fields=None
    )
    insert, params = insert_statement([ticket])
    head, values = insert.split(" VALUES (", 1)
    values, returning = values.rsplit(") RETURNING ", 1)
    # The number is the first column written (Ticket.number is its first field).
    if not values.startswith("%s") or params[0] != prefix:
        raise RuntimeError("the ticket INSERT does not start with its number")
    sql = (
        f"WITH n AS ({_draw()}) {head} SELECT %s || {_FORMATTED}{values[2:]} FROM n "
        f"RETURNING {returning}, {connection.ops.quote_name('number')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [year, *params])
        row = cursor.fetchone()
        if row is None:  # the first ticket of a year: its counter row first
            _counter_ensure(year)
            cursor.execute(sql, [year, *params])
            row = cursor.fetchone()
    mark_saved(ticket, row[0])
    ticket.number = row[1]
    post_save.send(
        sender=Ticket,
        instance=ticket,
        created=True,
        update_fields=None,
        raw=False,
        using=connection.alias,
    )
    ticket._loaded_record()
