"""Issue #13 §1: a 24x7 ticket outside office hours pages on call at once; an unacknowledged
page goes to the next person after the policy's 15 minutes, then to the escalation contact;
each step exactly once, however often the sweep runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from escalation.models import OnCallPage
from escalation.services.oncall import oncall_page_open, oncall_pager_send, oncall_sweep
from tests.escalation.oncall_world import (
    MONDAY_10AM,
    SATURDAY_3AM,
    SDM,
    oncall_mails,
    page_of,
    steps,
)
from tests.tickets.helpers import ams
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db

ON_CALL = "on_call"
CONTACT = "escalation_contact"


def test_a_critical_ticket_on_saturday_night_pages_the_primary_at_once(
    rota, pager, worker, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(SATURDAY_3AM, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        ticket = rota.ticket()

    assert steps(ticket) == [(1, ON_CALL, "Anna Jansen")]
    assert oncall_mails(ticket) == [rota.anna.email]
    assert [m.to_phone for m in pager.sent] == [f"+3161234{rota.anna.pk:04d}"]
    assert "/oncall/acknowledge/" in pager.sent[0].url
    assert page_of(ticket).next_step_at == SATURDAY_3AM + timedelta(minutes=15)
    assert TicketEvent.objects.filter(ticket=ticket, kind="oncall_paged").count() == 1


def test_unacknowledged_goes_to_the_backup_after_15_minutes_then_the_contact(rota, pager):
    ticket = rota.ticket()

    assert oncall_sweep(now=SATURDAY_3AM + timedelta(minutes=14)).stepped == 0
    assert oncall_sweep(now=SATURDAY_3AM + timedelta(minutes=15)).stepped == 1
    assert oncall_sweep(now=SATURDAY_3AM + timedelta(minutes=15)).stepped == 0  # twice: once
    assert oncall_sweep(now=SATURDAY_3AM + timedelta(minutes=30)).stepped == 1
    assert oncall_sweep(now=SATURDAY_3AM + timedelta(hours=2)).stepped == 0

    assert steps(ticket) == [
        (1, ON_CALL, "Anna Jansen"),
        (2, ON_CALL, "Bram Visser"),
        (3, CONTACT, "Sam de Vries"),
    ]
    assert oncall_mails(ticket) == [rota.anna.email, rota.bram.email, SDM]
    assert page_of(ticket).next_step_at is None


def test_the_pager_sends_exactly_one_message_per_step(rota, pager):
    ticket = rota.ticket()
    oncall_sweep(now=SATURDAY_3AM + timedelta(minutes=15))
    oncall_sweep(now=SATURDAY_3AM + timedelta(minutes=30))
    first_step = page_of(ticket).steps.get(number=1)

    # The broker lost the tasks: the sweep sends them; a redelivered task sends nothing more.
    oncall_sweep(now=SATURDAY_3AM + timedelta(minutes=32))
    oncall_sweep(now=SATURDAY_3AM + timedelta(minutes=33))
    assert oncall_pager_send(step_id=first_step.pk, now=SATURDAY_3AM) is False

    assert sorted(m.key for m in pager.sent) == [
        f"oncall:{first_step.page_id}:1",
        f"oncall:{first_step.page_id}:2",
        f"oncall:{first_step.page_id}:3",
    ]


def test_a_failing_pager_is_tried_again_by_the_sweep(rota, pager):
    pager.failures = 1
    ticket = rota.ticket()
    step = page_of(ticket).steps.get(number=1)

    assert oncall_pager_send(step_id=step.pk, now=SATURDAY_3AM) is False
    step.refresh_from_db()
    assert "gateway down" in step.pager_error
    assert oncall_sweep(now=SATURDAY_3AM + timedelta(minutes=2)).pager_sent == 1
    assert len(pager.sent) == 1


def test_an_acknowledged_page_pages_nobody_else(rota, pager):
    from escalation.services.oncall import oncall_page_acknowledge

    ticket = rota.ticket()
    page = page_of(ticket)
    step = page.steps.get(number=1)

    assert oncall_page_acknowledge(page=page, step=step, now=SATURDAY_3AM + timedelta(minutes=5))
    assert not oncall_page_acknowledge(page=page, step=step, now=SATURDAY_3AM)
    oncall_sweep(now=SATURDAY_3AM + timedelta(hours=1))

    assert steps(ticket) == [(1, ON_CALL, "Anna Jansen")]
    page.refresh_from_db()
    assert (page.acknowledged_by, page.acknowledged_by_name) == (rota.anna, "Anna Jansen")


def test_opening_twice_pages_once(rota, pager):
    ticket = rota.ticket()

    again = oncall_page_open(ticket=ticket, now=SATURDAY_3AM, reason="24x7-outside-office-hours")

    assert again == page_of(ticket)
    assert steps(ticket) == [(1, ON_CALL, "Anna Jansen")]


def test_a_second_reason_while_the_page_waits_pages_nobody_again(rota, pager):
    """An out-of-hours code call is a 24x7 ticket outside office hours too: one page."""
    ticket = rota.ticket()

    again = oncall_page_open(ticket=ticket, now=SATURDAY_3AM, reason="out_of_hours_phone")

    assert again == page_of(ticket)
    assert steps(ticket) == [(1, ON_CALL, "Anna Jansen")]
    assert OnCallPage.objects.filter(ticket=ticket).count() == 1


def test_a_gap_in_the_rota_pages_the_escalation_contact_and_is_recorded(rota, pager):
    ticket = rota.ticket(now=ams("2026-06-16 03:00"))  # Tuesday night: nobody on the rota

    assert steps(ticket) == [(1, CONTACT, "Sam de Vries")]
    assert page_of(ticket).rota_gap is True
    assert page_of(ticket).next_step_at is None


def test_office_hours_and_business_targets_page_nobody(rota, pager):
    during_office_hours = rota.ticket(now=MONDAY_10AM)
    business_clock = rota.ticket(level="normal")

    assert steps(during_office_hours) == []
    assert steps(business_clock) == []


def test_a_priority_raised_to_critical_at_night_pages_on_call(rota, pager):
    from tickets.services.priority import ticket_change_priority

    ticket = rota.ticket(level="normal")
    ticket_change_priority(
        ticket=ticket, level="critical", actor=rota.anna, now=SATURDAY_3AM, reason="Alles ligt stil"
    )

    assert steps(ticket) == [(1, ON_CALL, "Anna Jansen")]


def test_a_resolved_ticket_stops_the_page(rota, pager):
    from tickets.models import Status, Ticket

    ticket = rota.ticket()
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED)

    assert oncall_sweep(now=SATURDAY_3AM + timedelta(minutes=15)).stepped == 0
    assert steps(ticket) == [(1, ON_CALL, "Anna Jansen")]
