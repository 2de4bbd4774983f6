"""The bare-ORM reference of bench_ticket_create.py (issue #16): the rows ``ticket_create`` wrote,
written again with plain ``Model.objects.create`` / ``bulk_create``, one ``transaction.atomic``
per ticket, with no service logic (no contract resolution, no SLA choice, no rendering).

A template is one ticket the service made in the round just measured and every row pointing at
it, found through every model's foreign key to Ticket (so a row the service starts writing
tomorrow is mirrored without a change here; rows that point only at such a row are not), plus
the counter rows it moved: TicketCounter for the ticket's number,
ProblemCounter for each problem it opened. A foreign key of the ticket to one of those rows
(``Ticket.problem``) is set by an UPDATE after the row exists, as the service does. Unique text
values get the copy's own prefix (``BARE<tag>-<i>-``); the copies are deleted with every row that
points at them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.db import models

Row = dict[str, Any]


@dataclass(frozen=True)
class Dependent:
    model: type[models.Model]
    ticket_attname: str  # its foreign key to the ticket, e.g. "ticket_id"
    rows: list[Row]
    old_pks: list[int]


@dataclass(frozen=True)
class Template:
    ticket: Row  # without the primary key and the links set afterwards
    dependents: list[Dependent]
    # (ticket field attname, index into dependents, index into its rows): set after the copy
    backlinks: list[tuple[str, int, int]]
    counters: list[tuple[type[models.Model], int]]  # (counter model, year) moved per copy


def ticket_links() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every (model, foreign key) pointing at Ticket, but Ticket's own (follow_up_of)."""
    from django.apps import apps

    from tickets.models import Ticket

    return [
        (model, field)
        for model in apps.get_models()
        if model is not Ticket
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is Ticket
    ]


def _row(instance: models.Model, skip: str = "") -> Row:
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if not f.primary_key and f.attname != skip
    }


def templates_capture(tickets: list[Any]) -> list[Template]:
    """The rows the service wrote for each of `tickets` (read back, untimed: one query per model
    that points at Ticket, whatever the number of tickets)."""
    from tickets.models import Problem, ProblemCounter, Ticket, TicketCounter

    pks = [t.pk for t in tickets]
    found: dict[int, list[Dependent]] = {pk: [] for pk in pks}
    for model, field in ticket_links():
        rows: dict[int, list[models.Model]] = {}
        for row in model._default_manager.filter(**{f"{field.attname}__in": pks}).order_by("pk"):
            rows.setdefault(getattr(row, field.attname), []).append(row)
        for pk, group in rows.items():
            found[pk].append(
                Dependent(
                    model,
                    field.attname,
                    [_row(r, field.attname) for r in group],
                    [r.pk for r in group],
                )
            )
    templates = []
    for ticket in tickets:
        dependents = found[ticket.pk]
        fields = _row(ticket)
        backlinks = []
        for f in Ticket._meta.concrete_fields:
            value = fields.get(f.attname)
            for d, dependent in enumerate(dependents):
                if (
                    f.is_relation
                    and f.related_model is dependent.model
                    and value in dependent.old_pks
                ):
                    backlinks.append((f.attname, d, dependent.old_pks.index(value)))
                    fields[f.attname] = None
        year = int(ticket.number.split("-")[1])
        counters: list[tuple[type[models.Model], int]] = [(TicketCounter, year)]
        for dependent in dependents:
            if dependent.model is Problem:
                counters += [(ProblemCounter, year)] * len(dependent.rows)
        templates.append(Template(fields, dependents, backlinks, counters))
    return templates


def _unique_copy(model: type[models.Model], row: Row, prefix: str) -> Row:
    """`row` with its unique text values made the copy's own."""
    copy = dict(row)
    for f in model._meta.concrete_fields:
        if f.unique and not f.primary_key and f.attname in copy:
            value = copy[f.attname]
            if not isinstance(value, str):
                raise NotImplementedError(f"unique non-text {model.__name__}.{f.name}")
            copy[f.attname] = f"{prefix}{value}"[: f.max_length]
    return copy


def ticket_copy(template: Template, prefix: str) -> None:
    """One ticket and its rows through the bare ORM, in one transaction."""
    from django.db import transaction
    from django.db.models import F

    from tickets.models import Ticket

    with transaction.atomic():
        for counter, year in template.counters:
            counter._default_manager.filter(year=year).update(last=F("last") + 1)
        ticket = Ticket.objects.create(**_unique_copy(Ticket, template.ticket, prefix))
        made: list[list[models.Model]] = []
        for dependent in template.dependents:
            objs = [
                dependent.model(**_unique_copy(dependent.model, row, prefix))
                for row in dependent.rows
            ]
            for obj in objs:
                setattr(obj, dependent.ticket_attname, ticket.pk)
            if len(objs) == 1:
                objs[0].save(force_insert=True)
            else:
                objs = dependent.model._default_manager.bulk_create(objs)
            made.append(objs)
        if template.backlinks:
            Ticket.objects.filter(pk=ticket.pk).update(
                **{name: made[d][r].pk for name, d, r in template.backlinks}
            )


def copies_delete(prefix: str) -> None:
    """The copies whose number starts with `prefix` and every row pointing at them."""
    from tickets.models import Ticket

    copies = Ticket.objects.filter(number__startswith=prefix)
    for model, field in ticket_links():
        model._default_manager.filter(**{f"{field.name}__in": copies}).delete()
    copies.delete()


def bare_copies(templates: list[Template], tag: str, start: int = 0) -> float:
    """Seconds to write one copy of every template, in order (numbered from `start`, so blocks
    of one round do not clash); the copies stay until `copies_delete(f"BARE{tag}-")`."""
    started = time.perf_counter()
    for i, template in enumerate(templates, start):
        ticket_copy(template, f"BARE{tag}-{i}-")
    return time.perf_counter() - started


def bare_queries(templates: list[Template], count: int) -> list[int]:
    """SQL statements of `count` copies (an extra, unmeasured sample)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for i in range(count):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            ticket_copy(templates[i % len(templates)], f"BAREq-{i}-")
        counts.append(len(ctx.captured_queries))
    copies_delete("BAREq-")
    return counts
