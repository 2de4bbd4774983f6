"""`contracts.inserts.rows_insert`: new rows of several tables in one round trip on PostgreSQL,
one bulk_create a table elsewhere; every instance gets its own primary key, in order."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.inserts import (
    child_insert_statement,
    insert_statement,
    keys_carried,
    keys_columns,
    rows_insert,
)
from contracts.models import Contact
from tests.factories import ContractFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db


def test_rows_of_two_tables_get_their_own_keys_in_order() -> None:
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    ticket = create_ticket(named_contact(contract), ams("2026-06-01 10:00"))
    contacts = [
        Contact(customer=contract.customer, name=f"C {i}", email=f"c{i}@x.example")
        for i in range(3)
    ]
    events = [
        TicketEvent(ticket=ticket, kind=f"k{i}", data={"i": i}, created_at=ticket.created_at)
        for i in range(2)
    ]
    with CaptureQueriesContext(connection) as ctx:
        rows_insert(contacts, [], events)
    writes = [q for q in ctx.captured_queries if "INSERT" in q["sql"]]
    assert len(writes) == (1 if connection.vendor == "postgresql" else 2)
    stored = dict(Contact.objects.filter(email__endswith="@x.example").values_list("email", "pk"))
    assert [c.pk for c in contacts] == [stored[f"c{i}@x.example"] for i in range(3)]
    assert [TicketEvent.objects.get(pk=e.pk).data for e in events] == [{"i": 0}, {"i": 1}]
    assert not any(row._state.adding for row in [*contacts, *events])


def test_a_new_ticket_writes_its_clocks_segment_and_event_in_one_statement() -> None:
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    contact = named_contact(contract)
    create_ticket(contact, ams("2026-06-01 10:00"))  # the catalogue's caches are warm now
    with CaptureQueriesContext(connection) as ctx:
        ticket = create_ticket(contact, ams("2026-06-01 10:05"))
    writes = [
        q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().startswith(("INSERT", "WITH"))
    ]
    assert ticket.clocks.count() == 2
    assert ticket.segments.count() == 1
    assert ticket.events.filter(kind="created").count() == 1
    if connection.vendor == "postgresql":
        together = [sql for sql in writes if "tickets_slaclock" in sql]
        assert len(together) == 1
        assert "tickets_clocksegment" in together[0]
        assert "tickets_ticketevent" in together[0]
        assert '"tickets_ticket"' in together[0]  # the ticket itself, its number drawn there


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a WITH query's rows as parent")
def test_rows_whose_parent_comes_from_the_same_statement_hold_what_the_orm_writes() -> None:
    """`child_insert_statement`: the rows' key to the parent is the parent's, every other
    column the value the ORM writes for the same instance (typed through the derived table:
    text, JSON, timestamps, NULLs, integers), one row (VALUES) or several (UNNEST)."""
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    contact = named_contact(contract)
    ticket = create_ticket(contact, ams("2026-06-01 10:00"))
    other = create_ticket(contact, ams("2026-06-01 10:05"))

    def events(target: object, n: int) -> list[TicketEvent]:
        return [
            TicketEvent(
                ticket=target,
                kind=f"k{i}",
                actor_contact=contact if i % 2 else None,
                data={"i": i, "text": "één", "none": None},
                created_at=ams("2026-06-01 10:10"),
            )
            for i in range(n)
        ]

    for n in (1, 3):
        ours, orm = events(other, n), events(ticket, n)
        sql, params = child_insert_statement(ours, parent_key="ticket", parent="t")
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH t AS (SELECT %s::bigint AS id), c AS ({sql}) SELECT id FROM c",
                [ticket.pk, *params],
            )
            keys = [pk for (pk,) in cursor.fetchall()]
        TicketEvent.objects.bulk_create(orm)
        fields = [f.attname for f in TicketEvent._meta.concrete_fields if not f.primary_key]
        written = [TicketEvent.objects.filter(pk=pk).values(*fields).get() for pk in keys]
        expected = [TicketEvent.objects.filter(pk=e.pk).values(*fields).get() for e in orm]
        assert written == expected  # the parent's key (not `other`'s) and the same values


def _compiler_statement(group: list) -> tuple[str, list]:
    from django.db.models.sql import InsertQuery

    meta = type(group[0])._meta
    query = InsertQuery(type(group[0]))
    query.insert_values([f for f in meta.concrete_fields if not f.primary_key], group)
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [meta.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, list(params)


def _comparable(params: list) -> list:
    """JSON values are wrapped by the driver: compared by what they wrap."""
    return [_comparable(p) if isinstance(p, list) else getattr(p, "obj", p) for p in params]


def test_a_statement_of_a_known_shape_is_the_compilers_own() -> None:
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    ticket = create_ticket(named_contact(contract), ams("2026-06-01 10:00"))
    for n in range(3):  # the first of each shape is compiled, the next ones reuse its text
        single = [TicketEvent(ticket=ticket, kind="k", data={"n": n}, created_at=ticket.created_at)]
        pair = [
            TicketEvent(
                ticket=ticket, kind=f"k{i}", data={"i": [n, i]}, created_at=ticket.updated_at
            )
            for i in range(2)
        ]
        for group in (single, pair):
            sql, params = insert_statement(group)
            expected_sql, expected_params = _compiler_statement(group)
            assert sql == expected_sql
            assert _comparable(params) == _comparable(expected_params)


def test_an_expression_among_the_values_is_compiled() -> None:
    from django.db.models.functions import Now

    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    ticket = create_ticket(named_contact(contract), ams("2026-06-01 10:00"))
    plain = TicketEvent(ticket=ticket, kind="k", data={}, created_at=ticket.created_at)
    insert_statement([plain])  # the shape is known
    timed = TicketEvent(ticket=ticket, kind="k", data={}, created_at=Now())
    sql, _ = insert_statement([timed])
    assert sql == _compiler_statement([timed])[0]
    rows_insert([timed], [TicketEvent(ticket=ticket, kind="j", data={}, created_at=Now())])
    assert TicketEvent.objects.filter(pk=timed.pk).exists()


def test_a_binary_column_keeps_its_shape_and_the_compilers_values() -> None:
    """The raw mail of every inbound message (a BinaryField, whose placeholder the field writes
    itself): its statement is learnt once, as long as the backend's placeholder is a plain %s,
    and its values are the compiler's own; a backend with another placeholder is compiled."""
    from datetime import UTC, datetime

    from contracts import inserts
    from intake.models import InboundMessage

    def message(n: int) -> InboundMessage:
        return InboundMessage(
            dedupe_key=f"k{n}",
            message_id=f"<m{n}@x.example>",
            sha256="0" * 64,
            size=3,
            raw=b"\x00raw'\xff" * n,
            transport="pipe",
            received_at=datetime(2026, 6, 1, 8, 0, tzinfo=UTC),
        )

    for n in range(1, 4):
        group = [message(n)]
        sql, params = insert_statement(group)
        expected_sql, expected_params = _compiler_statement(group)
        assert sql == expected_sql
        assert [bytes(p) if isinstance(p, memoryview) else p for p in _comparable(params)] == [
            bytes(p) if isinstance(p, memoryview) else p for p in _comparable(expected_params)
        ]
    assert inserts._SHAPES[(InboundMessage, 1, connection.vendor, False)] is not False
    rows_insert([message(9)])
    assert bytes(InboundMessage.objects.get(dedupe_key="k9").raw) == b"\x00raw'\xff" * 9


def test_a_placeholder_other_than_plain_is_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    from contracts import inserts
    from intake.models import InboundMessage

    monkeypatch.setattr(connection.ops, "binary_placeholder_sql", lambda value: "to_blob(%s)")
    assert not inserts._placeholders_plain(InboundMessage, False, [[b"x"] * 30])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="keys from the tables' sequences")
def test_keys_read_with_other_rows_are_taken_once_and_rows_are_written_under_them() -> None:
    """Keys taken as columns of a read that runs anyway (no query of their own): every row of
    the read carries the same keys, taken once; a row may name the other's key (an event
    naming its contact) and both go in one statement, under those keys; the sequences never
    hand the keys out again, and a read that finds no row takes none."""
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    ticket = create_ticket(named_contact(contract), ams("2026-06-01 10:00"))
    named_contact(contract)
    read = Contact.objects.filter(customer=contract.customer).annotate(
        **keys_columns(Contact, TicketEvent)
    )
    with CaptureQueriesContext(connection) as ctx:
        found = list(read)
    assert len(ctx.captured_queries) == 1
    assert len(found) == 2
    keys = keys_carried(found[0], 2)
    assert keys is not None
    assert keys == keys_carried(found[1], 2)
    contact_pk, event_pk = keys
    contact = Contact(pk=contact_pk, customer=contract.customer, name="K", email="k@x.example")
    event = TicketEvent(
        pk=event_pk,
        ticket=ticket,
        kind="k",
        data={"contact": contact_pk},
        created_at=ticket.created_at,
    )
    with CaptureQueriesContext(connection) as ctx:
        rows_insert([contact], [event])
    assert len(ctx.captured_queries) == 1
    assert Contact.objects.get(pk=contact_pk).email == "k@x.example"
    assert TicketEvent.objects.get(pk=event_pk).data == {"contact": contact_pk}
    assert list(read.filter(pk=-1)) == []  # takes no key
    later = Contact.objects.create(customer=contract.customer, name="L", email="l@x.example")
    assert later.pk == contact_pk + 1


def test_keys_are_not_taken_without_sequences() -> None:
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL has the sequences")
    assert keys_columns(Contact) == {}
    row = Contact(name="x")
    assert keys_carried(row, 1) is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="one statement on PostgreSQL")
def test_a_group_is_keyed_whole_or_not_at_all() -> None:
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    mixed = [
        Contact(pk=10_000, customer=contract.customer, name="A", email="a@x.example"),
        Contact(customer=contract.customer, name="B", email="b@x.example"),
    ]
    with pytest.raises(ValueError, match="either all have their keys or none"):
        rows_insert(mixed, [TicketEvent(kind="x")])
    assert not Contact.objects.filter(email__endswith="@x.example").exists()
