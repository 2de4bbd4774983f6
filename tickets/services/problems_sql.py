"""A Top incident's automatic problem in one statement on PostgreSQL (D21, issue #16).

Opening it was four round trips on every Top incident: the year's problem number drawn, the
problem inserted, the ticket linked to it, the "problem_opened" event written. Here the draw is
a data-modifying WITH query of the problem's INSERT (tickets.services.numbering, as a ticket's
number), and the link and the event are WITH queries reading the new problem's row: one
statement, in the caller's transaction, writing the same rows.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import connection

from tickets.models import Problem, ProblemCounter, Ticket, TicketEvent
from tickets.services.numbering import numbered_execute, numbered_insert, numbered_saved


def top_problem_insert(
    problem: Problem, *, ticket: Ticket, year: int, now: datetime, actor: User | None
) -> None:
    """Insert the unsaved `problem` of `ticket` with the next PRB-<year>-<n>, link the ticket
    to it and log the event; afterwards `problem` is saved, as after save()."""
    draw, insert, params = numbered_insert(
        problem, counter=ProblemCounter, year=year, prefix=f"PRB-{year}-", digits=4
    )
    quote = connection.ops.quote_name
    tickets, events = quote(Ticket._meta.db_table), quote(TicketEvent._meta.db_table)
    event_columns = ", ".join(
        quote(name)
        for name in ("ticket_id", "kind", "actor_user_id", "actor_contact_id", "data", "created_at")
    )
    sql = (
        f"WITH {draw}, "
        f"p AS ({insert} RETURNING {quote(str(Problem._meta.pk.column))} AS id, number), "
        f"t AS (UPDATE {tickets} SET problem_id = p.id FROM p WHERE {tickets}.id = %s), "
        f"e AS (INSERT INTO {events} ({event_columns}) SELECT %s, 'problem_opened', %s, NULL, "
        "jsonb_build_object('problem', p.id, 'number', p.number, 'automatic', true), %s FROM p) "
        "SELECT p.id, p.number FROM p"
    )
    params += [ticket.pk, ticket.pk, actor.pk if actor else None, now]
    [row] = numbered_execute(sql, params, counter=ProblemCounter, year=year)
    numbered_saved(problem, row[0], row[1])
