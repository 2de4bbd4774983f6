"""A ticket read fresh under a write lock: the first step of every change to it."""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.db.models import Model
from django.db.transaction import TransactionManagementError

from contracts.joined import joined_fetch, joined_select
from contracts.models import BusinessCalendar, Contract, Customer, SlaPolicy, SlaTarget
from tickets.models import LONG_TEXTS, Ticket


def ticket_locked(ticket: Ticket) -> Ticket:
    """Fresh row under a write lock, so concurrent changes apply one after the other. The long
    texts the customer wrote are left in the row (LONG_TEXTS: read when asked for): a change
    of state never needs them, and an email's description is tens of kilobytes.

    With its customer, contract, SLA policy, target and calendar, as `select_related` would
    give them, in one plain SQL query: every reply and change of every channel runs it, and
    the ORM's compilation of it cost more than the database's answer (contracts.joined)."""
    lock = _lock_clause()
    if lock and connection.get_autocommit():  # as the ORM refuses it: the lock would not hold
        raise TransactionManagementError(
            "select_for_update cannot be used outside of a transaction."
        )
    found = joined_fetch(_locked_sql(lock), [ticket.pk], _LOCKED, _LOCKED_LEAVE_OUT)
    if not found:
        raise Ticket.DoesNotExist(f"ticket {ticket.pk} does not exist")
    rows = found[0][0]
    fresh: Ticket = rows["t"]
    fresh.customer, fresh.contract = rows["k"], rows["c"]
    fresh.sla_policy, fresh.sla_target, fresh.calendar = rows["p"], rows["s"], rows["b"]
    return fresh


_LOCKED: dict[str, type[Model]] = {
    "t": Ticket,
    "k": Customer,
    "c": Contract,
    "p": SlaPolicy,
    "s": SlaTarget,
    "b": BusinessCalendar,
}
_LOCKED_LEAVE_OUT = {"t": LONG_TEXTS}


def _lock_clause() -> str:
    """As `select_for_update(of=("self",))` writes it: nothing where rows are not locked
    (SQLite locks the whole database for a write)."""
    features = connection.features
    if features.has_select_for_update_of:
        return "FOR UPDATE OF t"
    return "FOR UPDATE" if features.has_select_for_update else ""


@cache
def _locked_sql(lock: str) -> str:
    def table(model: type[Model]) -> str:
        return str(model._meta.db_table)

    return (
        f"SELECT {joined_select(_LOCKED, _LOCKED_LEAVE_OUT)} FROM {table(Ticket)} t "
        f"JOIN {table(Customer)} k ON k.id = t.customer_id "
        f"JOIN {table(Contract)} c ON c.id = t.contract_id "
        f"LEFT JOIN {table(SlaPolicy)} p ON p.id = t.sla_policy_id "
        f"LEFT JOIN {table(SlaTarget)} s ON s.id = t.sla_target_id "
        f"LEFT JOIN {table(BusinessCalendar)} b ON b.id = t.calendar_id "
        f"WHERE t.id = %s {lock}"
    )
