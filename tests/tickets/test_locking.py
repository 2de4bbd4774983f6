"""`tickets.services.locking.ticket_locked`: the row `select_related` + `defer` would give,
read by one plain query under the lock."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.factories import ContractFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import LONG_TEXTS, Ticket
from tickets.services.locking import ticket_locked

pytestmark = pytest.mark.django_db

RELATED = ("customer", "contract", "sla_policy", "sla_target", "calendar")


def _orm_locked(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related(*RELATED)
        .defer(*LONG_TEXTS)
        .get(pk=ticket.pk)
    )


def _values(row: object) -> dict[str, object]:
    return {f.attname: row.__dict__.get(f.attname) for f in type(row)._meta.concrete_fields}


@transaction.atomic
def test_the_locked_row_is_the_one_the_orm_gives_with_its_relations_joined() -> None:
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    ticket = create_ticket(named_contact(contract), ams("2026-06-01 10:00"), priority_level="hoog")
    expected = _orm_locked(ticket)
    with CaptureQueriesContext(connection) as ctx:
        locked = ticket_locked(ticket)
        related = [getattr(locked, name) for name in RELATED]
    assert len(ctx.captured_queries) == 1
    assert _values(locked) == _values(expected)
    assert [_values(r) for r in related] == [_values(getattr(expected, n)) for n in RELATED]
    assert not set(LONG_TEXTS) & set(locked.__dict__)
    assert locked.description == ticket.description  # read when asked for


@transaction.atomic
def test_a_ticket_without_targets_has_none_joined() -> None:
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    ticket = create_ticket(named_contact(contract), ams("2026-06-01 10:00"), request_type="change")
    locked = ticket_locked(ticket)
    assert (locked.sla_policy, locked.sla_target) == (None, None)
