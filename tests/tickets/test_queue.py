"""The coordinators' queue in the back-office (issue #6 §2): due-in words, filters and bulk
actions through the services."""

import pytest
import time_machine

from escalation.models import Escalation
from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import Line, Status, Ticket

pytestmark = pytest.mark.django_db

QUEUE = "/admin/tickets/ticket/"


@pytest.fixture
def tickets():
    contact = named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))
    # Mon 1 Jun: Top at 08:30 (due 09:30), Hoog at 09:00 (due Tue 09:00), Laag waiting.
    top = create_ticket(
        contact, ams("2026-06-01 08:30"), priority_level="top", subject="Top koppeling"
    )
    hoog = create_ticket(
        contact, ams("2026-06-01 09:00"), priority_level="hoog", subject="Hoog koppeling"
    )
    laag = create_ticket(
        contact, ams("2026-06-01 09:05"), priority_level="laag", subject="Laag koppeling"
    )
    from tickets.services import ticket_transition

    ticket_transition(
        ticket=laag,
        to_status=Status.WAITING_FOR_CUSTOMER,
        now=ams("2026-06-01 09:06"),
        actor=UserFactory(),
    )
    return top, hoog, laag


def _queue(admin_client, at="2026-06-01 09:10", **params):
    with time_machine.travel(ams(at), tick=False):
        return admin_client.get(QUEUE, {**params}, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_due_times_read_as_words_with_their_state(tickets, admin_client):
    page = _queue(admin_client)
    assert 'class="due due-on_track">due in 20 min<' in page  # Top, due 09:30, at risk 09:15
    assert 'class="due due-on_track">due in 23 h 50 min<' in page  # Hoog, Tue 09:00
    assert 'class="due due-paused">paused<' in page  # Laag, waiting for the customer


def test_a_ticket_is_at_risk_once_the_policys_warning_share_has_run(tickets, admin_client):
    """One definition of "at risk": 75 % of Top's hour (08:30-09:30) has run at 09:15."""
    top = Ticket.objects.get(pk=tickets[0].pk)
    assert top.at_risk_at == ams("2026-06-01 09:15")
    page = _queue(admin_client, at="2026-06-01 09:16")
    assert 'class="due due-warning">due in 14 min<' in page
    at_risk = _queue(admin_client, at="2026-06-01 09:16", due="at_risk")
    assert "Top koppeling" in at_risk
    assert "Hoog koppeling" not in at_risk
    assert "Top koppeling" not in _queue(admin_client, at="2026-06-01 09:14", due="at_risk")


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"due": "within_hour"}, ["Top koppeling"], ["Hoog koppeling", "Laag koppeling"]),
        ({"due": "waiting"}, ["Laag koppeling"], ["Top koppeling", "Hoog koppeling"]),
        ({"assigned": "unassigned"}, ["Top koppeling", "Hoog koppeling"], []),
        # New and not checked complete (TKT-06); Laag left "new" for "waiting".
        ({"assigned": "triage"}, ["Top koppeling", "Hoog koppeling"], ["Laag koppeling"]),
    ],
)
def test_queue_filters(tickets, admin_client, params, shown, hidden):
    page = _queue(admin_client, **params)
    assert all(subject in page for subject in shown)
    assert not any(subject in page for subject in hidden)


def test_breached_filter_after_the_due_time(tickets, admin_client):
    with time_machine.travel(ams("2026-06-01 09:45"), tick=False):
        page = admin_client.get(QUEUE, {"due": "breached"}).content.decode()
    assert "Top koppeling" in page
    assert "Hoog koppeling" not in page


def test_bulk_actions_go_through_the_services(tickets, admin_client, admin_user):
    top, hoog, _ = tickets
    selected = [top.pk, hoog.pk]
    admin_client.post(QUEUE, {"action": "start_work", "_selected_action": selected, "reason": "Go"})
    top.refresh_from_db()
    assert top.status == Status.NEW  # not checked complete yet (TKT-06)
    for action in ("assign_to_me", "to_second_line", "mark_complete"):
        admin_client.post(QUEUE, {"action": action, "_selected_action": selected})
    admin_client.post(QUEUE, {"action": "start_work", "_selected_action": selected})
    top.refresh_from_db()
    assert top.status == Status.NEW  # a status change needs a reason
    admin_client.post(QUEUE, {"action": "start_work", "_selected_action": selected, "reason": "Go"})
    top.refresh_from_db()
    assert (top.assignee, top.line, top.status) == (admin_user, Line.SECOND, Status.IN_PROGRESS)
    kinds = set(top.events.values_list("kind", flat=True))
    assert {"assigned", "line_changed", "completeness_checked", "status_changed"} <= kinds
    assert top.events.get(kind="status_changed").data["reason"] == "Go"
    page = _queue(admin_client, assigned="mine")
    assert "Top koppeling" in page


def test_the_escalation_level_shows_in_the_queue(tickets, admin_client):
    top = tickets[0]
    Escalation.objects.create(
        ticket=top,
        level=1,
        reason="response_breach",
        clock_version=1,
        raised_at=ams("2026-06-01 09:30"),
    )
    assert ">L1<" in _queue(admin_client)


def test_the_queue_does_not_query_per_row(tickets, admin_client, django_assert_max_num_queries):
    contact = tickets[0].contact
    for minute in range(20):
        create_ticket(contact, ams(f"2026-06-01 10:{minute:02d}"), priority_level="hoog")
    with django_assert_max_num_queries(14):
        _queue(admin_client)


def test_the_queue_index_serves_the_queue_order(tickets):
    """On PostgreSQL the first queue page comes from the index of migration 0012 (a changed
    order that no longer matches it would sort every ticket again); the SQL text of the order
    does not depend on set order, so the index keeps matching across processes."""
    from django.db import connection

    from tickets.models import queue_order

    queue = Ticket.objects.order_by(*queue_order())[:100]
    sql, params = queue.query.sql_with_params()
    assert "IN (%s, %s, %s, %s)" in sql
    assert list(params[:4]) == sorted(params[:4])
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "ticket_queue_order_idx" in plan, plan
