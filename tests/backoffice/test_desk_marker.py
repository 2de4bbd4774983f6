"""The "customer replied" marker is cleared by the one who owes the answer (issue #11 §2): the
assignee, or when nobody is assigned someone of the ticket's line; once, with one event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from tests.backoffice.conftest import english_client, staff
from tests.intake.conftest import Desk
from tests.tickets.helpers import create_ticket
from tickets.models import Line, Ticket, TicketEvent
from tickets.services.markers import ticket_customer_reply_seen

pytestmark = pytest.mark.django_db


def _marked(desk: Desk, assignee: User | None = None, line: str = Line.FIRST) -> Ticket:
    ticket = create_ticket(desk.anna, timezone.now() - timedelta(hours=1), priority_level="hoog")
    Ticket.objects.filter(pk=ticket.pk).update(customer_replied=True, assignee=assignee, line=line)
    return Ticket.objects.get(pk=ticket.pk)


def _seen_events(ticket: Ticket) -> int:
    return TicketEvent.objects.filter(ticket=ticket, kind="customer_reply_seen").count()


def test_the_assignee_clears_the_marker_with_one_event(desk: Desk) -> None:
    engineer = staff("second", "engineer")
    ticket = _marked(desk, engineer, Line.SECOND)

    cleared = ticket_customer_reply_seen(ticket=ticket, user=engineer, now=timezone.now())

    ticket.refresh_from_db()
    assert cleared is True
    assert ticket.customer_replied is False
    assert _seen_events(ticket) == 1


def test_a_colleague_reading_along_leaves_the_marker(desk: Desk) -> None:
    engineer = staff("second", "engineer")
    colleague = staff("second", "colleague")
    ticket = _marked(desk, engineer, Line.SECOND)

    cleared = ticket_customer_reply_seen(ticket=ticket, user=colleague, now=timezone.now())

    ticket.refresh_from_db()
    assert cleared is False
    assert ticket.customer_replied is True
    assert _seen_events(ticket) == 0


def test_unassigned_the_line_clears_it_and_other_lines_do_not(desk: Desk) -> None:
    ticket = _marked(desk, None, Line.FIRST)
    second = staff("second")

    assert ticket_customer_reply_seen(ticket=ticket, user=second, now=timezone.now()) is False
    ticket.refresh_from_db()
    assert ticket.customer_replied is True

    assert ticket_customer_reply_seen(ticket=ticket, user=staff("first"), now=timezone.now())
    ticket.refresh_from_db()
    assert ticket.customer_replied is False


def test_a_second_look_writes_no_second_event(desk: Desk) -> None:
    engineer = staff("second", "engineer")
    ticket = _marked(desk, engineer, Line.SECOND)
    stale = Ticket.objects.get(pk=ticket.pk)  # another tab, read before the first clear

    ticket_customer_reply_seen(ticket=ticket, user=engineer, now=timezone.now())
    again = ticket_customer_reply_seen(ticket=stale, user=engineer, now=timezone.now())

    assert again is False
    assert _seen_events(ticket) == 1


def test_a_reassignment_after_the_read_keeps_the_marker(desk: Desk) -> None:
    engineer = staff("second", "engineer")
    ticket = _marked(desk, engineer, Line.SECOND)
    Ticket.objects.filter(pk=ticket.pk).update(assignee=staff("second", "other-engineer"))

    cleared = ticket_customer_reply_seen(ticket=ticket, user=engineer, now=timezone.now())

    assert cleared is False
    assert Ticket.objects.get(pk=ticket.pk).customer_replied is True


def test_opening_the_work_page_clears_it_for_the_assignee_only(desk: Desk) -> None:
    engineer = staff("second", "engineer")
    ticket = _marked(desk, engineer, Line.SECOND)
    page = reverse("admin:tickets_ticket_change", args=[ticket.pk])

    coordinator_view = english_client(staff("coordinator")).get(page).content.decode()
    assert Ticket.objects.get(pk=ticket.pk).customer_replied is True
    assert 'id="customer-replied"' in coordinator_view

    engineer_view = english_client(engineer).get(page).content.decode()
    assert 'id="customer-replied"' in engineer_view  # shown on the visit that clears it
    assert Ticket.objects.get(pk=ticket.pk).customer_replied is False
    assert 'id="customer-replied"' not in english_client(engineer).get(page).content.decode()
