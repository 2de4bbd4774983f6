"""The engineer's running timer (issue 14 §1): one per person; stopping it registers the time
rounded up to whole minutes through time_entry_add's rules, and a refusal keeps it running."""

from __future__ import annotations

import pytest
from django.utils.translation import override

from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.exceptions import InvalidTransition, TicketValidationError
from tickets.models import Status, TimeCategory, TimeEntry, TimeTimer
from tickets.services import ticket_transition
from tickets.services.timers import (
    time_timer_discard,
    time_timer_start,
    time_timer_take,
    timer_minutes,
)
from usage.services.time import time_timer_stop

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact():
    return named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))


@pytest.fixture
def ticket(contact):
    return create_ticket(contact, ams("2026-06-01 09:00"), priority_level="hoog")


@pytest.fixture
def agent():
    return UserFactory()


def _stop(agent, now, **kwargs):
    fields = {"user": agent, "category": TimeCategory.IN_SUBSCRIPTION, "note": "", "now": now}
    return time_timer_stop(**(fields | kwargs))


@pytest.mark.parametrize(
    ("stopped", "minutes"),
    [
        ("2026-06-01 10:00:25", 1),  # a few seconds: at least a minute
        ("2026-06-01 10:01:20", 1),  # exactly a minute
        ("2026-06-01 10:01:21", 2),  # a started minute counts
        ("2026-06-01 10:25:30", 26),
    ],
)
def test_a_timer_rounds_up_to_whole_minutes(stopped, minutes):
    assert timer_minutes(ams("2026-06-01 10:00:20"), ams(stopped)) == minutes


def test_stopping_the_timer_registers_the_time_and_ends_it(ticket, agent):
    time_timer_start(ticket=ticket, user=agent, now=ams("2026-06-01 10:00:20"))
    entry = _stop(agent, ams("2026-06-01 10:25:30"), note="VPN hersteld")
    assert (entry.ticket, entry.user, entry.started_at, entry.minutes, entry.note) == (
        ticket,
        agent,
        ams("2026-06-01 10:00:20"),
        26,
        "VPN hersteld",
    )
    assert not TimeTimer.objects.filter(user=agent).exists()
    assert ticket.events.filter(kind="time_entry_added").count() == 1


def test_a_travel_timer_needs_the_distance_like_any_travel(ticket, agent):
    time_timer_start(ticket=ticket, user=agent, now=ams("2026-06-01 10:00"))
    entry = _stop(agent, ams("2026-06-01 10:40"), category=TimeCategory.TRAVEL, distance_km=27)
    assert (entry.minutes, entry.distance_km) == (40, 27)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Your timer is already running on ticket {n}; stop it first."),
        pytest.param("nl", "Uw timer loopt al op ticket {n}; stop die eerst."),
    ],
)
def test_one_timer_per_person(ticket, contact, agent, language, message):
    time_timer_start(ticket=ticket, user=agent, now=ams("2026-06-01 10:00"))
    other = create_ticket(contact, ams("2026-06-01 09:30"), priority_level="laag")
    with override(language), pytest.raises(InvalidTransition) as refused:
        time_timer_start(ticket=other, user=agent, now=ams("2026-06-01 10:05"))
    assert str(refused.value) == message.format(n=ticket.number)
    assert list(TimeTimer.objects.values_list("ticket", flat=True)) == [ticket.pk]


def test_colleagues_run_their_own_timers_on_the_same_ticket(ticket, agent):
    time_timer_start(ticket=ticket, user=agent, now=ams("2026-06-01 10:00"))
    time_timer_start(ticket=ticket, user=UserFactory(), now=ams("2026-06-01 10:01"))
    assert ticket.time_timers.count() == 2


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "You have no timer running on this ticket."),
        pytest.param("nl", "U heeft geen lopende timer op dit ticket."),
    ],
)
def test_stopping_without_a_timer_is_refused(ticket, agent, language, message):
    with override(language), pytest.raises(InvalidTransition) as refused:
        _stop(agent, ams("2026-06-01 10:40"), ticket=ticket)
    assert str(refused.value) == message
    assert not TimeEntry.objects.exists()


def test_a_refused_stop_writes_nothing_and_keeps_the_timer_running(ticket, agent):
    time_timer_start(ticket=ticket, user=agent, now=ams("2026-06-01 10:00"))
    with pytest.raises(TicketValidationError) as refused:
        _stop(agent, ams("2026-06-01 10:40"), category=TimeCategory.TRAVEL)
    assert refused.value.field == "distance_km"
    assert not TimeEntry.objects.exists()
    assert TimeTimer.objects.get(user=agent).started_at == ams("2026-06-01 10:00")


def test_a_timer_overlapping_own_registered_time_is_refused_on_stop(ticket, agent):
    time_timer_start(ticket=ticket, user=agent, now=ams("2026-06-01 10:00"))
    TimeEntry.objects.create(
        ticket=ticket,
        user=agent,
        started_at=ams("2026-06-01 10:10"),
        minutes=10,
        category=TimeCategory.IN_SUBSCRIPTION,
        created_at=ams("2026-06-01 10:20"),
    )
    with pytest.raises(TicketValidationError, match="overlap"):
        _stop(agent, ams("2026-06-01 10:40"))
    assert TimeTimer.objects.filter(user=agent).exists()


def test_a_timer_left_running_over_a_day_is_refused_and_can_be_discarded(ticket, agent):
    time_timer_start(ticket=ticket, user=agent, now=ams("2026-06-01 10:00"))
    with pytest.raises(TicketValidationError) as refused:
        _stop(agent, ams("2026-06-02 10:01"))
    assert refused.value.field == "minutes"
    assert time_timer_discard(user=agent)
    assert not TimeTimer.objects.exists()
    assert not TimeEntry.objects.exists()


def test_taking_a_timer_says_what_to_register(ticket, agent):
    time_timer_start(ticket=ticket, user=agent, now=ams("2026-06-01 10:00"))
    taken = time_timer_take(user=agent, ticket=ticket, now=ams("2026-06-01 10:29:10"))
    assert (taken.ticket, taken.started_at, taken.minutes) == (ticket, ams("2026-06-01 10:00"), 30)
    assert not TimeTimer.objects.exists()


@pytest.mark.usefixtures("english")
def test_no_timer_on_a_cancelled_ticket(ticket, agent):
    ticket_transition(
        ticket=ticket, to_status=Status.CANCELLED, now=ams("2026-06-01 09:30"), actor=agent
    )
    with pytest.raises(InvalidTransition, match="closed or cancelled"):
        time_timer_start(ticket=ticket, user=agent, now=ams("2026-06-01 10:00"))
    assert not TimeTimer.objects.exists()
