"""The work page's time panel (issue 14 §1): entries shown in their work blocks with the
package's contiguous limit marked, travel with its distance, the engineer's timer, and the
coordinator's billable decision."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.backoffice.conftest import english_client, staff
from tests.factories import ContractFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import Ticket, TimeCategory, TimeEntry, TimeTimer
from tickets.services.work import time_entry_add

pytestmark = pytest.mark.django_db

NOW = ams("2026-06-02 15:00")


@pytest.fixture
def ticket() -> Ticket:
    contract = ContractFactory(provider_code="cbg", package_code="basis")
    return create_ticket(named_contact(contract), ams("2026-06-02 08:00"))


def _page(ticket: Ticket) -> str:
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


def _entry(ticket: Ticket, user, started: str, minutes: int, **kwargs) -> TimeEntry:
    fields = {"category": TimeCategory.IN_SUBSCRIPTION, "note": "", "now": NOW} | kwargs
    return time_entry_add(
        ticket=ticket, user=user, started_at=ams(started), minutes=minutes, **fields
    )


def _get(client: Client, ticket: Ticket) -> str:
    with time_machine.travel(NOW, tick=False):
        return client.get(_page(ticket)).content.decode()


def _post(client: Client, ticket: Ticket, data: dict[str, str], at=NOW):
    with time_machine.travel(at, tick=False):
        return client.post(_page(ticket), data)


def test_entries_show_in_their_blocks_and_a_block_past_the_limit_is_marked(ticket):
    engineer = staff("first")
    _entry(ticket, engineer, "2026-06-02 09:00", 20)
    _entry(ticket, staff("second"), "2026-06-02 09:20", 25)
    _entry(ticket, engineer, "2026-06-02 13:00", 10)
    html = _get(english_client(engineer), ticket)
    assert "Work block 2 Jun 09:00 – 2 Jun 09:45</strong> · 45 min" in html
    assert "Work block 2 Jun 13:00 – 2 Jun 13:10</strong> · 10 min" in html
    assert html.count("longer than the package's 30 contiguous minutes") == 1


def test_the_page_registers_travel_with_its_distance(ticket):
    client = english_client(staff("first"))
    response = _post(
        client,
        ticket,
        {
            "do": "time",
            "time-started_at": "2026-06-02T14:00",
            "time-minutes": "35",
            "time-category": "travel",
            "time-distance_km": "42",
        },
    )
    assert response.status_code == 302
    entry = ticket.time_entries.get()
    assert (entry.category, entry.minutes, entry.distance_km) == ("travel", 35, 42)
    assert "42 km one way" in _get(client, ticket)


def test_a_refused_entry_is_shown_and_nothing_is_written(ticket):
    response = _post(
        english_client(staff("first")),
        ticket,
        {
            "do": "time",
            "time-started_at": "2026-06-02T14:00",
            "time-minutes": "35",
            "time-category": "travel",
        },
    )
    assert response.status_code == 400
    assert "Give the distance travelled, in km one way." in response.content.decode()
    assert not TimeEntry.objects.exists()


def test_the_engineer_starts_and_stops_the_timer_from_the_page(ticket):
    engineer = staff("first")
    client = english_client(engineer)
    assert 'value="timer_start"' in _get(client, ticket)
    _post(client, ticket, {"do": "timer_start"}, at=ams("2026-06-02 14:00"))
    assert TimeTimer.objects.get(user=engineer).ticket == ticket
    assert "Your timer is running since 2 Jun 14:00." in _get(client, ticket)
    response = _post(
        client,
        ticket,
        {"do": "timer_stop", "timer_stop-category": "in_subscription", "timer_stop-note": "Klaar"},
        at=ams("2026-06-02 14:24:10"),
    )
    assert response.status_code == 302
    entry = ticket.time_entries.get()
    assert (entry.user, entry.minutes, entry.note) == (engineer, 25, "Klaar")
    assert not TimeTimer.objects.exists()


def test_a_timer_running_elsewhere_is_pointed_to(ticket):
    engineer = staff("first")
    other = create_ticket(ticket.contact, ams("2026-06-02 08:30"))
    _post(english_client(engineer), other, {"do": "timer_start"}, at=ams("2026-06-02 14:00"))
    html = _get(english_client(engineer), ticket)
    assert f"Your timer is running on ticket {other.number} since 2 Jun 14:00." in html
    assert 'value="timer_start"' not in html


def test_a_coordinator_records_a_billable_decision_from_the_page(ticket):
    entry = _entry(ticket, staff("first"), "2026-06-02 09:00", 20)
    client = english_client(staff("coordinator"))
    assert 'value="time_override"' in _get(client, ticket)
    response = _post(
        client,
        ticket,
        {
            "do": "time_override",
            "time_override-entry_id": str(entry.pk),
            "time_override-billable": "yes",
            "time_override-reason": "Nieuwe gebruiker ingericht",
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.billable_override, entry.billable_override_reason) == (
        True,
        "Nieuwe gebruiker ingericht",
    )


def test_the_first_line_gets_no_decision_form_and_a_forged_one_is_refused(ticket):
    engineer = staff("first")
    entry = _entry(ticket, engineer, "2026-06-02 09:00", 20)
    client = english_client(engineer)
    assert 'value="time_override"' not in _get(client, ticket)
    response = _post(
        client,
        ticket,
        {
            "do": "time_override",
            "time_override-entry_id": str(entry.pk),
            "time_override-billable": "no",
            "time_override-reason": "Eigen fout",
        },
    )
    assert "Only a support coordinator may decide whether time is billable." in (
        response.content.decode()
    )
    entry.refresh_from_db()
    assert entry.billable_override is None


def test_a_decision_on_another_tickets_entry_is_not_found(ticket):
    other = create_ticket(ticket.contact, ams("2026-06-02 08:30"))
    entry = _entry(other, staff("first"), "2026-06-02 09:00", 20)
    response = _post(
        english_client(staff("coordinator")),
        ticket,
        {
            "do": "time_override",
            "time_override-entry_id": str(entry.pk),
            "time_override-billable": "no",
            "time_override-reason": "Eigen fout",
        },
    )
    assert response.status_code == 404
    assert TimeEntry.objects.get(pk=entry.pk).billable_override is None


def test_a_discarded_timer_registers_nothing_and_a_new_one_can_start(ticket):
    engineer = staff("first")
    client = english_client(engineer)
    _post(client, ticket, {"do": "timer_start"}, at=ams("2026-06-02 14:00"))
    _post(client, ticket, {"do": "timer_discard"}, at=ams("2026-06-02 14:01"))
    _post(client, ticket, {"do": "timer_start"}, at=ams("2026-06-02 14:02"))
    assert TimeTimer.objects.get(user=engineer).started_at == ams("2026-06-02 14:02")
    assert not TimeEntry.objects.exists()
