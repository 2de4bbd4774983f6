"""What a newcomer saw on the portal's ticket page (issue #11 §2, §5): the time the ticket waited
for the customer reads as a duration in words in the page's language, and a resolved ticket
shows its resolution (text, fix or workaround) and root cause."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from portal.templatetags.portal_text import duration_in_words
from tests.factories import UserFactory
from tests.portal.conftest import Org, client_for
from tests.tickets.helpers import create_ticket
from tickets.models import Status, Ticket
from tickets.services import ticket_record_root_cause, ticket_resolve, ticket_transition

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning, inside business hours


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (timedelta(0), "no time yet"),
        (timedelta(seconds=40), "less than a minute"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=2, minutes=5, seconds=59), "2 hours and 5 minutes"),
        (timedelta(days=1, hours=3, minutes=1), "1 day, 3 hours and 1 minute"),
        (timedelta(days=2, minutes=30), "2 days and 30 minutes"),
    ],
)
def test_duration_in_words_in_english(value: timedelta, expected: str) -> None:
    assert duration_in_words(value) == expected


def test_duration_in_words_in_dutch() -> None:
    """Needs the Dutch catalogue with locale/pending/portalfix.json merged."""
    assert duration_in_words(timedelta(hours=2, minutes=5)) == "2 uur en 5 minuten"
    assert duration_in_words(timedelta(days=1, hours=1, minutes=1)) == "1 dag, 1 uur en 1 minuut"


def _waited(org: Org) -> Ticket:
    """A ticket that waited 2 h 5 min for the customer, then went back to work."""
    agent = UserFactory(username="agent-newcomer")
    ticket = create_ticket(org.manager, START, subject="Wachtende storing")
    Ticket.objects.filter(pk=ticket.pk).update(completeness_checked_at=START)
    ticket.refresh_from_db()
    ticket_transition(
        ticket=ticket, to_status=Status.IN_PROGRESS, now=START + timedelta(minutes=5), actor=agent
    )
    ticket_transition(
        ticket=ticket,
        to_status=Status.WAITING_FOR_CUSTOMER,
        now=START + timedelta(minutes=10),
        actor=agent,
    )
    ticket_transition(
        ticket=ticket,
        to_status=Status.IN_PROGRESS,
        now=START + timedelta(hours=2, minutes=15),
        actor=agent,
    )
    return ticket


def _page(org: Org, ticket: Ticket, language: str) -> str:
    client = client_for(org.manager)
    client.cookies["django_language"] = language
    with time_machine.travel(START + timedelta(hours=3), tick=False):
        response = client.get(reverse("portal:ticket", args=[ticket.number]))
    assert response.status_code == 200
    return response.content.decode()


def test_time_waiting_for_you_reads_in_english_words(org_a: Org) -> None:
    page = _page(org_a, _waited(org_a), "en")
    assert "Time waiting for you: 2 hours and 5 minutes" in page
    assert "2:05:00" not in page


def test_time_waiting_for_you_reads_in_dutch_words(org_a: Org) -> None:
    """Needs the Dutch catalogue with locale/pending/portalfix.json merged."""
    page = _page(org_a, _waited(org_a), "nl")
    assert "Wachttijd op uw reactie: 2 uur en 5 minuten" in page
    assert "2:05:00" not in page


def _resolved(org: Org, kind: str) -> Ticket:
    agent = UserFactory(username="agent-resolver")
    ticket = create_ticket(org.manager, START, subject="Koppeling plat")
    ticket_record_root_cause(
        ticket=ticket, text="Verlopen certificaat op de koppeling", now=START, actor=agent
    )
    return ticket_resolve(
        ticket=Ticket.objects.get(pk=ticket.pk),
        kind=kind,
        text="Certificaat vernieuwd en koppeling herstart",
        now=START + timedelta(hours=1),
        actor=agent,
    )


def test_resolved_ticket_shows_resolution_fix_and_root_cause_in_english(org_a: Org) -> None:
    page = _page(org_a, _resolved(org_a, "fix"), "en")
    assert 'id="h-resolution">Resolution</h2>' in page
    assert "A fix: the cause is removed" in page
    assert "Certificaat vernieuwd en koppeling herstart" in page
    assert "Root cause" in page
    assert "Verlopen certificaat op de koppeling" in page


def test_resolved_ticket_shows_a_workaround_in_dutch(org_a: Org) -> None:
    """Needs the Dutch catalogue with locale/pending/portalfix.json merged."""
    page = _page(org_a, _resolved(org_a, "workaround"), "nl")
    assert 'id="h-resolution">Oplossing</h2>' in page
    assert "Een tijdelijke oplossing" in page
    assert "Hoofdoorzaak" in page
    assert "Verlopen certificaat op de koppeling" in page


def test_open_ticket_shows_no_resolution(org_a: Org) -> None:
    page = _page(org_a, _waited(org_a), "en")
    assert 'id="h-resolution"' not in page
