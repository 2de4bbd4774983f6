"""Due times are whole seconds (D2, issue #10 §6): no microseconds from a start time, a pause's
end or a sweep's moment reach a due time, a next check or a reminder. Due times round down
(never later than the exact deadline), next checks round up (never before what they wait for).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.calendars import calendar_for
from escalation.models import Escalation
from escalation.services.sweep import escalation_sweep
from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import SlaClock, Status
from tickets.services import ticket_mark_complete, ticket_reply, ticket_transition
from tickets.services.clocks import whole_second, whole_second_after
from tickets.sla import clock_due

moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
# Any moment of a working week, to the microsecond (Mon 1 Jun 2026 00:00 Amsterdam + offset).
week_offsets = st.integers(min_value=0, max_value=7 * 24 * 3600 * 10**6 - 1)
levels = st.sampled_from(["top", "hoog", "gemiddeld", "laag"])
DB_EXAMPLES = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@given(moments)
def test_a_due_time_is_the_whole_second_at_or_before_the_exact_one(value: datetime) -> None:
    due = whole_second(value)
    assert due.microsecond == 0
    assert timedelta(0) <= value - due < timedelta(seconds=1)


@given(moments)
def test_a_next_check_is_the_whole_second_at_or_after_the_moment(value: datetime) -> None:
    check = whole_second_after(value)
    assert check.microsecond == 0
    assert timedelta(0) <= check - value < timedelta(seconds=1)


def _on_week(offset: int) -> datetime:
    return ams("2026-06-01 00:00") + timedelta(microseconds=offset)


@pytest.fixture
def contact():
    return named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))


@pytest.mark.django_db
@DB_EXAMPLES
@given(offset=week_offsets, level=levels)
def test_a_new_tickets_due_times_and_next_check_are_whole_seconds(
    contact, offset: int, level: str
) -> None:
    now = _on_week(offset)
    ticket = create_ticket(contact, now, priority_level=level)
    assert ticket.created_at == now  # the registration keeps its exact moment
    calendar = calendar_for(ticket.calendar)
    for clock in SlaClock.objects.filter(ticket=ticket, started_at__isnull=False):
        exact = clock_due(
            start=clock.started_at,
            budget=timedelta(seconds=clock.budget_seconds),
            pauses=[],
            calendar=calendar,
        )
        assert exact is not None
        assert clock.due_at == whole_second(exact)
    for due in (ticket.response_due_at, ticket.resolution_due_at, ticket.earliest_due_at):
        assert due is None or due.microsecond == 0
    assert ticket.next_check_at is not None
    assert ticket.next_check_at.microsecond == 0
    assert ticket.next_check_at <= now  # the sweep still looks at it at once


@pytest.mark.django_db
@DB_EXAMPLES
@given(pause_at=st.integers(min_value=1, max_value=10**9), resume_after=week_offsets)
def test_a_pause_ending_mid_second_gives_a_whole_second_due_time(
    contact, pause_at: int, resume_after: int
) -> None:
    agent = UserFactory()
    start = ams("2026-06-01 09:00")
    ticket = create_ticket(contact, start, priority_level="hoog")
    ticket_mark_complete(ticket=ticket, now=start + timedelta(seconds=1), actor=agent)
    ticket_transition(
        ticket=ticket, to_status=Status.IN_PROGRESS, now=start + timedelta(seconds=2), actor=agent
    )
    paused = start + timedelta(seconds=3, microseconds=pause_at)
    ticket_transition(
        ticket=ticket,
        to_status=Status.WAITING_FOR_CUSTOMER,
        now=paused,
        actor=agent,
        reason="logs requested",
    )
    resumed = paused + timedelta(microseconds=resume_after + 1)
    ticket_reply(ticket=ticket, body="Hierbij de logs.", now=resumed, author_contact=contact)
    ticket.refresh_from_db()
    assert ticket.response_due_at is not None
    assert ticket.response_due_at.microsecond == 0
    assert ticket.next_check_at is not None
    assert ticket.next_check_at.microsecond == 0


@pytest.mark.django_db
@DB_EXAMPLES
@given(created=week_offsets, swept=st.integers(min_value=1, max_value=10**6 - 1))
def test_a_sweep_plans_whole_second_checks_and_reminders(contact, created: int, swept: int) -> None:
    ticket = create_ticket(contact, _on_week(created), priority_level="top")
    now = ticket.created_at + timedelta(days=2, microseconds=swept)  # well past every target
    escalation_sweep(now=now)
    ticket.refresh_from_db()
    assert ticket.next_check_at is None or ticket.next_check_at.microsecond == 0
    assert ticket.next_check_at is None or ticket.next_check_at > now
    reminders = Escalation.objects.filter(ticket=ticket, next_notify_at__isnull=False)
    assert reminders.exists()
    assert {e.next_notify_at.microsecond for e in reminders} == {0}


@pytest.mark.django_db
def test_a_warning_due_on_a_whole_second_fires_at_that_second(contact) -> None:
    """Top on ONS at Mon 8 Jun 08:30:00.7: response due 09:30:00, warning at 09:15:00."""
    ticket = create_ticket(
        contact, ams("2026-06-08 08:30") + timedelta(microseconds=700_000), priority_level="top"
    )
    escalation_sweep(now=ticket.created_at)
    ticket.refresh_from_db()
    assert ticket.response_due_at == ams("2026-06-08 09:30")
    assert ticket.next_check_at == ams("2026-06-08 09:15")
    assert escalation_sweep(now=ams("2026-06-08 09:15")).fired == 1
