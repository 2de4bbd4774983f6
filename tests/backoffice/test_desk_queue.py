"""The queue reads like a desk (issue #11 §2, §5): it opens on open work, marks the tickets a
customer wrote on, filters on that mark, and its title names the work in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.backoffice.conftest import english_client, staff
from tests.factories import UserFactory
from tests.intake.conftest import Desk
from tests.tickets.helpers import create_ticket
from tickets.models import Status, Ticket, TicketEvent

pytestmark = pytest.mark.django_db
QUEUE = "admin:tickets_ticket_changelist"


def _ticket(desk: Desk, subject: str, status: str = Status.NEW, **fields: object) -> Ticket:
    ticket = create_ticket(
        desk.anna, timezone.now() - timedelta(hours=2), subject=subject, priority_level="hoog"
    )
    Ticket.objects.filter(pk=ticket.pk).update(status=status, **fields)
    return ticket


def _queue_of(client: Client, name: str, query: str = "") -> str:
    response = client.get(reverse(name) + query)
    assert response.status_code == 200
    return response.content.decode()


def _queue(client: Client, query: str = "") -> str:
    return _queue_of(client, QUEUE, query)


def test_the_queue_opens_on_open_work_only(desk: Desk) -> None:
    for status in (Status.NEW, Status.IN_PROGRESS, Status.WAITING_FOR_CUSTOMER):
        _ticket(desk, f"open-{status}", status)
    for status in (Status.RESOLVED, Status.CLOSED, Status.CANCELLED):
        _ticket(desk, f"done-{status}", status)

    page = _queue(english_client(staff("first")))

    assert "open-new" in page
    assert "open-in_progress" in page
    assert "open-waiting_for_customer" in page
    assert "done-resolved" not in page
    assert "done-closed" not in page
    assert "done-cancelled" not in page


def test_the_all_choice_shows_every_ticket_ever(desk: Desk) -> None:
    _ticket(desk, "still-open")
    _ticket(desk, "long-closed", Status.CLOSED)

    page = _queue(english_client(staff("first")), "?work=all")

    assert "still-open" in page
    assert "long-closed" in page


def test_choosing_a_status_lifts_the_open_default(desk: Desk) -> None:
    _ticket(desk, "still-open")
    _ticket(desk, "was-resolved", Status.RESOLVED)

    page = _queue(english_client(staff("first")), "?status__exact=resolved")

    assert "was-resolved" in page
    assert "still-open" not in page


def test_a_ticket_the_customer_replied_on_carries_the_marker(desk: Desk) -> None:
    _ticket(desk, "replied-ticket", customer_replied=True)
    _ticket(desk, "quiet-ticket")

    page = _queue(english_client(staff("first")))

    assert page.count('class="badge badge-replied"') == 1
    marked_row = page[page.index("badge-replied") :].split("</tr>")[0]
    assert "replied-ticket" in marked_row


def test_the_customer_replied_filter_shows_only_marked_tickets(desk: Desk) -> None:
    _ticket(desk, "replied-ticket", customer_replied=True)
    _ticket(desk, "quiet-ticket")
    client = english_client(staff("first"))

    marked = _queue(client, "?replied=yes")
    quiet = _queue(client, "?replied=no")

    assert "replied-ticket" in marked
    assert "quiet-ticket" not in marked
    assert "quiet-ticket" in quiet
    assert "replied-ticket" not in quiet


def test_the_queue_title_is_tickets_in_english(desk: Desk) -> None:
    page = _queue(english_client(staff("first")))

    assert "<title>Tickets |" in page
    assert "Select ticket to change" not in page
    assert "<h1>Tickets</h1>" in page


def test_the_queue_title_is_tickets_in_dutch(desk: Desk) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    client.force_login(staff("first"))

    page = _queue(client)

    assert "<title>Tickets |" in page
    assert "Selecteer ticket" not in page


def test_the_queue_costs_the_same_for_five_or_twenty_tickets(
    desk: Desk, django_assert_max_num_queries: object
) -> None:
    client = english_client(staff("coordinator"))
    for n in range(5):
        _ticket(desk, f"queue-{n}", customer_replied=n % 2 == 0)
    _queue(client)  # warm the session and the caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        _queue(client)
    for n in range(15):
        _ticket(desk, f"more-{n}", customer_replied=True)
    with django_assert_max_num_queries(len(few)):
        page = _queue(client)
    assert "more-14" in page


def test_the_events_list_names_each_event_in_words(desk: Desk) -> None:
    ticket = _ticket(desk, "with-events")
    TicketEvent.objects.create(
        ticket=ticket, kind="customer_reply_seen", data={}, created_at=timezone.now()
    )
    client = english_client(UserFactory(username="admin", is_superuser=True))

    page = _queue_of(client, "admin:tickets_ticketevent_changelist")

    assert "<h1>Events</h1>" in page
    assert '<td class="field-what">customer&#x27;s reply seen</td>' in page


def test_a_search_finds_closed_tickets_too(desk: Desk) -> None:
    closed = _ticket(desk, "last-years-ticket", Status.CLOSED)

    page = _queue(english_client(staff("first")), f"?q={closed.number}")

    assert "last-years-ticket" in page
