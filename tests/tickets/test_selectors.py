"""SLA clocks in words for the back-office (D5-D7), and the ticket list without N+1."""

import weakref

import pytest
from django.utils.translation import override

from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import Metric, Status
from tickets.selectors import (
    due_state,
    ticket_clock_label,
    ticket_priority_label,
    tickets_for_queue,
)
from tickets.services import (
    ticket_record_root_cause,
    ticket_reply,
    ticket_resolve,
    ticket_transition,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact():
    return named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))


def _labels(ticket, language="en"):
    ticket = tickets_for_queue().get(pk=ticket.pk)
    with override(language):
        return (
            ticket_clock_label(ticket, Metric.RESPONSE),
            ticket_clock_label(ticket, Metric.RESOLUTION),
        )


def test_resolution_clock_not_started_until_the_root_cause(contact):
    ticket = create_ticket(contact, ams("2026-06-01 09:00"), priority_level="top")
    assert _labels(ticket) == (
        "running",
        "resolution clock not started (waits for the root cause)",
    )
    ticket_record_root_cause(
        ticket=ticket, text="x", now=ams("2026-06-01 09:30"), actor=UserFactory()
    )
    assert _labels(ticket) == ("running", "running")


def test_labels_are_dutch_by_default(contact):
    ticket = create_ticket(contact, ams("2026-06-01 09:00"), priority_level="top")
    assert _labels(ticket, "nl") == (
        "loopt",
        "oplostijd loopt nog niet (wacht op de hoofdoorzaak)",
    )


def test_information_requests_show_no_target(contact):
    ticket = create_ticket(contact, ams("2026-06-01 09:00"), request_type="information")
    assert _labels(ticket) == ("no target", "no target")


def test_waiting_for_the_customer_shows_paused(contact):
    ticket = create_ticket(contact, ams("2026-06-01 09:00"), priority_level="top")
    ticket_transition(
        ticket=ticket,
        to_status=Status.WAITING_FOR_CUSTOMER,
        now=ams("2026-06-01 09:20"),
        actor=UserFactory(),
    )
    assert _labels(ticket)[0] == "paused (waiting for the customer)"


def test_met_and_missed_after_the_clocks_stop(contact):
    agent = UserFactory()
    ticket = create_ticket(contact, ams("2026-06-01 09:00"), priority_level="top")
    ticket_reply(
        ticket=ticket, body="We kijken ernaar", now=ams("2026-06-01 09:30"), author_user=agent
    )
    ticket_resolve(ticket=ticket, kind="fix", text="ok", now=ams("2026-06-01 15:00"), actor=agent)
    assert _labels(ticket) == ("met", "missed")


def test_the_admin_ticket_list_does_not_query_per_row(
    contact, admin_client, django_assert_max_num_queries
):
    for minute in range(15):
        create_ticket(contact, ams(f"2026-06-01 09:{minute:02d}"), priority_level="hoog")
    with django_assert_max_num_queries(12):
        response = admin_client.get("/admin/tickets/ticket/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.content.count(b"resolution clock not started") == 15


def test_queue_order_is_rank_then_precedence_then_earliest_due(contact):
    extra = named_contact(ContractFactory(provider_code="cbg", package_code="extra"))
    basis = named_contact(ContractFactory(provider_code="cbg", package_code="basis"))
    info = create_ticket(contact, ams("2026-06-01 08:00"), request_type="information")
    laag = create_ticket(contact, ams("2026-06-01 09:00"), priority_level="laag")
    hoog_late = create_ticket(contact, ams("2026-06-01 11:00"), priority_level="hoog")
    hoog_early = create_ticket(contact, ams("2026-06-01 10:00"), priority_level="hoog")
    cbg_basis = create_ticket(basis, ams("2026-06-01 07:00"))
    cbg_extra = create_ticket(extra, ams("2026-06-01 12:00"))
    order = list(tickets_for_queue().values_list("pk", flat=True))
    # P2 by due time; P3: CBG Extra before Basis; P4; no rank last.
    assert order == [hoog_early.pk, hoog_late.pk, cbg_extra.pk, cbg_basis.pk, laag.pk, info.pk]


def test_the_back_office_shows_times_in_amsterdam(contact, admin_client):
    ticket = create_ticket(contact, ams("2026-06-01 09:00"), priority_level="top")
    response = admin_client.get(
        f"/admin/tickets/ticket/{ticket.pk}/change/", HTTP_ACCEPT_LANGUAGE="en"
    )
    # Registered 07:00 UTC, shown as the Amsterdam wall clock (CEST).
    assert b"Mon 1 Jun 2026 09:00" in response.content


def test_closed_work_follows_open_work_in_the_queue(contact):
    agent = UserFactory()
    done = create_ticket(contact, ams("2026-06-01 08:00"), priority_level="top")
    ticket_resolve(ticket=done, kind="fix", text="ok", now=ams("2026-06-01 08:30"), actor=agent)
    waiting = create_ticket(contact, ams("2026-06-01 09:00"), priority_level="laag")
    assert list(tickets_for_queue().values_list("pk", flat=True)) == [waiting.pk, done.pk]


@pytest.mark.parametrize(("language", "label"), [("nl", "Hoog"), ("en", "High")])
def test_the_priority_shows_the_providers_label_in_the_viewers_language(contact, language, label):
    ticket = create_ticket(contact, ams("2026-06-01 09:00"), priority_level="hoog")
    with override(language):
        assert ticket_priority_label(ticket) == label


@pytest.mark.parametrize(
    ("due", "state", "words"),
    [
        # Not at risk yet: the warning share of the ticket's own clocks decides, not the hour.
        ("2026-06-01 09:40", "on_track", "due in 40 min"),
        ("2026-06-02 09:00", "on_track", "due in 24 h 00 min"),
        ("2026-06-04 14:30", "on_track", "due in 3 d 5 h"),
        ("2026-05-20 08:00", "breached", "12 d 1 h overdue"),
    ],
)
def test_due_words_switch_to_days_beyond_two_days(contact, due, state, words):
    ticket = create_ticket(contact, ams("2026-06-01 09:00"), priority_level="hoog")
    with override("en"):
        assert due_state(ticket, ams(due), ams("2026-06-01 09:00")) == (state, words)


def test_queue_rows_are_freed_without_the_garbage_collector(contact, no_garbage_collector):
    # prefetch_related("clocks") pointed each clock back to its ticket and kept a queryset on
    # the ticket that knew it again: a page's rows lived on until a full collection (#16).
    for hour in ("09:00", "10:00"):
        create_ticket(contact, ams(f"2026-06-01 {hour}"), priority_level="top")
    rows = list(tickets_for_queue())
    assert {len(row.clock_list) for row in rows} == {2}
    kept = [weakref.ref(row) for row in rows] + [weakref.ref(c) for c in rows[0].clock_list]
    del rows
    assert [ref() for ref in kept] == [None] * len(kept)


def test_queue_rows_read_their_clocks_in_one_query_in_metric_order(
    contact, django_assert_num_queries
):
    made = [
        create_ticket(contact, ams(f"2026-06-01 {hour}:00"), priority_level="top")
        for hour in ("09", "10")
    ]
    # The tickets (with customer, package and target), their clocks and their policies (nobody
    # is assigned, so no query for assignees).
    with django_assert_num_queries(3):
        rows = list(tickets_for_queue().filter(pk__in=[t.pk for t in made]))
        for row in rows:
            assert [c.metric for c in row.clock_list] == sorted(c.metric for c in row.clock_list)
            assert {c.ticket_id for c in row.clock_list} == {row.pk}
            assert ticket_clock_label(row, Metric.RESPONSE) == "loopt"
    assert {row.pk for row in rows} == {t.pk for t in made}
