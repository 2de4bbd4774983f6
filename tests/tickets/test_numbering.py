"""A new ticket's number is drawn in the statement that writes the ticket (issue #16: one round
trip fewer on every creation), and keeps its promises: one number per ticket, none used by a
refused creation, a counter row per year made on its first ticket, six digits and more."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from contracts.models import Contact
from tests.factories import ContractFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import FiguresMonthChange, Ticket, TicketCounter

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact() -> Contact:
    return named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))


def test_numbers_follow_the_counter_and_the_row_holds_them(contact: Contact) -> None:
    first = create_ticket(contact, ams("2026-06-01 10:00"))
    second = create_ticket(contact, ams("2026-06-01 10:01"))
    assert (first.number, second.number) == ("SD-2026-000001", "SD-2026-000002")
    assert Ticket.objects.get(pk=second.pk).number == "SD-2026-000002"
    assert TicketCounter.objects.get(year=2026).last == 2


def test_the_year_is_amsterdams_and_a_new_year_gets_its_counter(contact: Contact) -> None:
    create_ticket(contact, ams("2026-12-31 23:30"))
    new_year = create_ticket(contact, ams("2027-01-01 00:30"))  # still 2026 in UTC
    assert new_year.number == "SD-2027-000001"
    assert set(TicketCounter.objects.values_list("year", "last")) == {(2026, 1), (2027, 1)}


def test_past_a_million_the_number_grows(contact: Contact) -> None:
    TicketCounter.objects.create(year=2026, last=999_999)
    assert create_ticket(contact, ams("2026-06-01 10:00")).number == "SD-2026-1000000"


def test_a_creation_rolled_back_uses_no_number(contact: Contact) -> None:
    create_ticket(contact, ams("2026-06-01 10:00"))

    def created_then_failed() -> None:
        with transaction.atomic():
            create_ticket(contact, ams("2026-06-01 10:01"))
            raise RuntimeError("the caller's transaction fails after the creation")

    with pytest.raises(RuntimeError):
        created_then_failed()
    assert create_ticket(contact, ams("2026-06-01 10:02")).number == "SD-2026-000002"


def test_the_number_is_drawn_in_the_tickets_insert(contact: Contact) -> None:
    create_ticket(contact, ams("2026-06-01 10:00"))
    with CaptureQueriesContext(connection) as ctx:
        create_ticket(contact, ams("2026-06-01 10:01"))
    writes = [q["sql"] for q in ctx.captured_queries if "tickets_ticketcounter" in q["sql"]]
    [draw] = writes
    if connection.vendor == "postgresql":
        assert 'INSERT INTO "tickets_ticket"' in draw


def test_a_ticket_registered_in_a_past_month_still_marks_it(contact: Contact) -> None:
    """The figures' month marks listen to post_save, which the numbered insert sends."""
    FiguresMonthChange.objects.all().delete()
    import time_machine

    with time_machine.travel(ams("2026-08-10 09:00")):
        create_ticket(contact, ams("2026-06-01 10:00"))
    assert FiguresMonthChange.objects.exists()
