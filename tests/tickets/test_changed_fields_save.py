"""A ticket read from the database saves only the columns that changed (issue #16: a change
rewrote every column, the description of tens of kilobytes too), and never loses a change."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ContractFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import LONG_TEXTS, Status, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket() -> Ticket:
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    made = create_ticket(named_contact(contract), ams("2026-06-01 10:00"), description="x" * 20_000)
    return Ticket.objects.get(pk=made.pk)


def _updates(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]


def test_a_change_writes_its_columns_and_not_the_description(ticket: Ticket) -> None:
    ticket.subject = "Nieuw onderwerp"
    with CaptureQueriesContext(connection) as ctx:
        ticket.save()
    [update] = _updates(ctx)
    assert '"subject"' in update
    assert '"description"' not in update
    assert Ticket.objects.get(pk=ticket.pk).subject == "Nieuw onderwerp"


def test_a_save_that_changes_nothing_sends_nothing(ticket: Ticket) -> None:
    with CaptureQueriesContext(connection) as ctx:
        ticket.save()
    assert ctx.captured_queries == []


def test_a_json_value_changed_in_place_is_written(ticket: Ticket) -> None:
    ticket.business_critical_checklist["production_down"] = True
    ticket.save()
    stored = Ticket.objects.get(pk=ticket.pk).business_critical_checklist
    assert stored["production_down"] is True


def test_a_change_left_out_of_update_fields_is_written_by_the_next_save(ticket: Ticket) -> None:
    ticket.status = Status.IN_PROGRESS
    ticket.updated_at = ams("2026-06-01 11:00")
    ticket.save(update_fields=["updated_at"])
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW
    ticket.save()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.IN_PROGRESS


def test_after_a_refresh_everything_is_written(ticket: Ticket) -> None:
    original = ticket.subject
    Ticket.objects.filter(pk=ticket.pk).update(subject="Elders gewijzigd")
    ticket.refresh_from_db(fields=["status"])  # the subject in memory is still the original
    ticket.subject = original  # equal to what was read, but no longer to the row
    ticket.save()
    assert Ticket.objects.get(pk=ticket.pk).subject == original


def test_a_long_text_read_late_is_known_and_its_change_written(ticket: Ticket) -> None:
    """A lock reads the ticket without its long texts (LONG_TEXTS); one read later is recorded
    as in the row, so an unchanged description is not rewritten and a changed one is."""
    light = Ticket.objects.defer(*LONG_TEXTS).get(pk=ticket.pk)
    assert light.description == "x" * 20_000  # read now, one query
    light.subject = "Ander onderwerp"
    with CaptureQueriesContext(connection) as ctx:
        light.save()
    [update] = _updates(ctx)
    assert '"description"' not in update
    light.description = "korter"
    light.save()
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (stored.subject, stored.description) == ("Ander onderwerp", "korter")


def test_a_lock_leaves_the_long_texts_in_the_row(ticket: Ticket) -> None:
    from tickets.services.lifecycle import _locked

    locked = _locked(ticket)
    assert not set(LONG_TEXTS) & set(locked.__dict__)
    assert locked.customer.pk == ticket.customer_id  # joined, no query later
