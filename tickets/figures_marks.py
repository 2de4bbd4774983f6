"""A late change makes a rolled-up month count again (issue #16).

The dashboard reads the months that are over from a roll-up (tickets.figures); this module
keeps that roll-up honest. Whatever writes a ticket, an SLA clock or a survey answer in a way
that changes the figures of a month that is over (a reply that stops last month's overdue
clock, a reopened ticket, last month's ticket re-prioritised or exempted, a ticket registered
with a past arrival time) adds a `FiguresMonthChange` for that month in the same transaction;
a month with one is counted live by the dashboard until the roll-up task counts it again
(tickets.services.figures, which removes the changes it saw).

How a change is seen, without a query on the hot paths:
- Rows saved or deleted one by one (the services' `save()`, the admin, a cascade) are seen by
  signals: the values a row was loaded with are kept at `post_init`, compared at `pre_save`
  with what is written, and the months of both states are marked at `post_save` (after the
  write: outside a transaction a roll-up in between counts the new row, then is marked).
  Which month a clock counts in follows tickets.compliance.decided_in: the month it stopped
  with a verdict, else the month it was due.
- Queryset updates bypass the signals; the two that change clocks (tickets.services.clocks:
  a cancel, a reopen) call `clocks_months_touch` before updating.
- A new ticket's clocks are bulk-inserted without signals: a ticket registered into a month
  that is over marks every month from then to now.

Only months already over are marked (the current month is never rolled up): a service's
write does not pay for this unless it touches the past. "Over" is judged by the wall clock
here, not by the service's `now`: the roll-up task counts a month only ROLLUP_GRACE after it
ended by the same clock, so a transaction still open at midnight has either committed before
the month is counted or marks it. A mark is an insert and nothing else: changes never wait
for each other or for the roll-up, and cannot deadlock on it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_init, post_save, pre_delete, pre_save
from django.utils import timezone

from tickets.figures import display_zone, month_add, month_of, month_start
from tickets.models import FiguresMonthChange, SatisfactionSurvey, SlaClock, Ticket

MISSING = object()
_LOADED = "_figures_loaded"  # the values a row was loaded (or last saved) with
_BEFORE = "_figures_before"  # the months the row counted in before this save

# The fields that place a row in the figures, per model.
CLOCK_FIELDS = ("ticket_id", "metric", "stopped_at", "met", "due_at")
SURVEY_FIELDS = ("ticket_id", "answered_at", "score")
# A ticket's own figure (registered in a month) and what groups its clocks and surveys.
TICKET_OPENED_FIELDS = ("created_at", "contract_id", "provider_id")
TICKET_GROUP_FIELDS = (
    "contract_id",
    "provider_id",
    "sla_target_id",
    "priority_rank",
    "number",
    "sla_exempt_reason",
    "resolution_vendor_owned",
)
TICKET_FIELDS = tuple(dict.fromkeys(TICKET_OPENED_FIELDS + TICKET_GROUP_FIELDS))
FIELDS: dict[type[Model], tuple[str, ...]] = {
    SlaClock: CLOCK_FIELDS,
    SatisfactionSurvey: SURVEY_FIELDS,
    Ticket: TICKET_FIELDS,
}


# --- Marking -------------------------------------------------------------------------------------
def months_touch(months: Iterable[date | None]) -> None:
    """Mark each of `months` that is over as changed: one insert, in the caller's transaction."""
    zone = display_zone()
    now = timezone.now()
    over = {m for m in months if m is not None and month_start(month_add(m, 1), zone) <= now}
    if over:
        FiguresMonthChange.objects.bulk_create(
            FiguresMonthChange(zone=zone.key, month=month) for month in sorted(over)
        )


def clock_month(
    stopped_at: datetime | None, met: bool | None, due_at: datetime | None
) -> date | None:
    """The month a clock's verdict falls in (tickets.compliance.decided_in), if any."""
    zone = display_zone()
    if stopped_at is not None:
        return month_of(stopped_at, zone) if met is not None else None
    return month_of(due_at, zone) if due_at is not None else None


def clocks_months_touch(clocks: Any) -> None:
    """Mark the months the `clocks` (a queryset about to be updated in bulk) count in."""
    rows = clocks.values_list("stopped_at", "met", "due_at")
    months_touch(clock_month(*row) for row in rows)


# --- What a row counts in ------------------------------------------------------------------------
def _values(instance: Model, fields: tuple[str, ...]) -> dict[str, Any]:
    """The fields' values held by the instance (deferred ones are MISSING: never loaded)."""
    return {name: instance.__dict__.get(name, MISSING) for name in fields}


def _counted(sender: type[Model], values: dict[str, Any]) -> tuple[Any, ...]:
    """What a clock or a survey adds to the figures: the month it counts in and how it counts
    there (another due time in the same month, say, changes nothing)."""
    if sender is SlaClock:
        month = clock_month(values["stopped_at"], values["met"], values["due_at"])
        verdict = values["met"] if values["stopped_at"] is not None else False
        return (month, values["ticket_id"], values["metric"], verdict)
    answered = values["answered_at"]
    month = month_of(answered, display_zone()) if answered is not None else None
    return (month, values["ticket_id"], values["score"])


def _ticket_group(values: dict[str, Any]) -> tuple[Any, ...]:
    """What groups a ticket's clocks and survey; an exemption counts by being there."""
    return tuple(
        bool(values[f]) if f == "sla_exempt_reason" else values[f] for f in TICKET_GROUP_FIELDS
    )


def _ticket_months(before: dict[str, Any], after: dict[str, Any], pk: int) -> set[date | None]:
    """The months a change of the ticket's own fields touches: where it was registered, and
    where its clocks and survey count when what groups them changed (two queries, only then:
    a priority change, an exemption; and only for a ticket registered in a month that is over,
    as no verdict or answer comes before the registration)."""
    months: set[date | None] = set()
    zone = display_zone()
    moments = [at for at in (before["created_at"], after["created_at"]) if isinstance(at, datetime)]
    if any(before[f] != after[f] for f in TICKET_OPENED_FIELDS):
        months |= {month_of(at, zone) for at in moments}
    reaches_back = not moments or min(moments) < month_start(month_of(timezone.now(), zone), zone)
    if reaches_back and _ticket_group(before) != _ticket_group(after):
        clocks = SlaClock.objects.filter(ticket_id=pk)
        months |= {clock_month(*row) for row in clocks.values_list("stopped_at", "met", "due_at")}
        answered = SatisfactionSurvey.objects.filter(ticket_id=pk)
        months |= {month_of(at, zone) for at in answered.values_list("answered_at", flat=True)}
    return months


def _registered_months(created_at: datetime) -> set[date | None]:
    """A ticket registered into a month that is over (a past arrival time, a data load): its
    clocks were inserted in bulk, so every month from its registration on may have changed."""
    zone = display_zone()
    month = month_of(created_at, zone)
    this = month_of(timezone.now(), zone)
    months: set[date | None] = set()
    while month < this:
        months.add(month)
        month = month_add(month, 1)
    return months


def _stored(instance: Model) -> dict[str, Any]:
    """The values the row holds in the database: as loaded (or last saved), or read again
    when one was never loaded (a row loaded with only())."""
    fields = FIELDS[type(instance)]
    loaded = instance.__dict__.get(_LOADED) or _values(instance, fields)
    if instance.pk is None:
        return loaded
    if any(value is MISSING for value in loaded.values()):
        row = type(instance)._default_manager.filter(pk=instance.pk).values(*fields).first()
        return row if row is not None else loaded
    return loaded


# --- Receivers -----------------------------------------------------------------------------------
def _on_init(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    instance.__dict__[_LOADED] = _values(instance, FIELDS[sender])


def _on_pre_write(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    """Before a save or a delete: what the row holds now."""
    adding = instance._state.adding or instance.pk is None
    instance.__dict__[_BEFORE] = None if adding or kwargs.get("raw") else _stored(instance)


def _on_post_save(sender: type[Model], instance: Model, created: bool, **kwargs: Any) -> None:
    before = instance.__dict__.pop(_BEFORE, None)
    instance.__dict__.pop(_LOADED, None)
    after = _stored(instance)  # what was written (read back only if a field was never loaded)
    instance.__dict__[_LOADED] = after
    if kwargs.get("raw"):
        return
    if sender is Ticket:
        if before is None and not created:  # never seen as stored: assume all changed
            before = dict.fromkeys(TICKET_FIELDS, MISSING)
        months_touch(
            _registered_months(after["created_at"])
            if created
            else _ticket_months(before, after, instance.pk)
        )
        return
    keys = {_counted(sender, after)}
    known = before is not None and MISSING not in before.values()
    if known:
        keys.add(_counted(sender, before))
    if not known or len(keys) > 1:
        months_touch(key[0] for key in keys)


def _on_post_delete(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    before = instance.__dict__.pop(_BEFORE, None)
    if before is None or MISSING in before.values():
        return
    if sender is Ticket:
        months_touch({month_of(before["created_at"], display_zone())})
        return
    months_touch({_counted(sender, before)[0]})


def figures_marks_connect() -> None:
    """Called once from TicketsConfig.ready()."""
    for model in FIELDS:
        uid = f"figures-marks-{model._meta.label_lower}"
        post_init.connect(_on_init, sender=model, dispatch_uid=f"{uid}-init", weak=False)
        pre_save.connect(_on_pre_write, sender=model, dispatch_uid=f"{uid}-pre", weak=False)
        post_save.connect(_on_post_save, sender=model, dispatch_uid=f"{uid}-post", weak=False)
        pre_delete.connect(_on_pre_write, sender=model, dispatch_uid=f"{uid}-pre-del", weak=False)
        post_delete.connect(_on_post_delete, sender=model, dispatch_uid=f"{uid}-del", weak=False)
