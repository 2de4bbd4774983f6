"""Time recorded once (issue 14 §1): what time_entry_add refuses (in Dutch and English, with
nothing written), one person's entries never overlapping, and a coordinator's decision whether
an entry is billed."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.utils.translation import override

from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.exceptions import TicketNotAllowed, TicketValidationError
from tickets.models import TicketEvent, TimeCategory, TimeEntry
from tickets.services.work import time_entry_add, time_entry_billable_override

pytestmark = pytest.mark.django_db

NOW = ams("2026-06-01 11:00")


@pytest.fixture
def contact():
    return named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))


@pytest.fixture
def ticket(contact):
    return create_ticket(contact, ams("2026-06-01 07:00"), priority_level="hoog")


@pytest.fixture
def other_ticket(contact):
    return create_ticket(contact, ams("2026-06-01 07:30"), priority_level="laag")


@pytest.fixture
def agent():
    return UserFactory()


def _in_group(name: str) -> User:
    user = UserFactory()
    user.groups.add(Group.objects.get(name=name))
    return User.objects.get(pk=user.pk)  # fresh: no cached permissions


def _add(ticket, user, **kwargs):
    fields = {
        "ticket": ticket,
        "user": user,
        "started_at": ams("2026-06-01 10:00"),
        "minutes": 30,
        "category": TimeCategory.IN_SUBSCRIPTION,
        "note": "",
        "now": NOW,
    }
    return time_entry_add(**(fields | kwargs))


def _written() -> tuple[int, int]:
    return (
        TimeEntry.objects.count(),
        TicketEvent.objects.filter(kind__startswith="time_entry").count(),
    )


# (arguments, field at fault, {language: message}); {n} is the other ticket's number.
REFUSALS = {
    "zero-minutes": (
        {"minutes": 0},
        "minutes",
        {
            "en": "Give between 1 and 1440 minutes per entry.",
            "nl": "Geef per registratie tussen 1 en 1440 minuten op.",
        },
    ),
    "negative-minutes": (
        {"minutes": -15},
        "minutes",
        {
            "en": "Give between 1 and 1440 minutes per entry.",
            "nl": "Geef per registratie tussen 1 en 1440 minuten op.",
        },
    ),
    "travel-without-distance": (
        {"category": TimeCategory.TRAVEL},
        "distance_km",
        {
            "en": "Give the distance travelled, in km one way.",
            "nl": "Geef de gereden afstand op, in km enkele reis.",
        },
    ),
    "travel-zero-km": (
        {"category": TimeCategory.TRAVEL, "distance_km": 0},
        "distance_km",
        {
            "en": "Give between 1 and 1000 km one way.",
            "nl": "Geef tussen 1 en 1000 km enkele reis op.",
        },
    ),
    "distance-on-other-work": (
        {"category": TimeCategory.DATA_MIGRATION, "distance_km": 12},
        "distance_km",
        {
            "en": "Only travel has a distance; leave it empty for data migration.",
            "nl": "Alleen reistijd heeft een afstand; laat die leeg bij datamigratie.",
        },
    ),
    "starts-in-the-future": (
        {"started_at": ams("2026-06-01 11:05")},
        "started_at",
        {
            "en": "This work would end in the future; register it once it is done.",
            "nl": "Dit werk zou in de toekomst eindigen; registreer het zodra het klaar is.",
        },
    ),
    "overlaps-own-entry-on-another-ticket": (
        {"started_at": ams("2026-06-01 08:30")},
        "started_at",
        {
            "en": "This overlaps the time you registered from 01-06-2026 08:00 to 01-06-2026 "
            "08:45 on ticket {n}; one person's entries may not overlap.",
            "nl": "Dit overlapt met de tijd die u van 01-06-2026 08:00 tot 01-06-2026 08:45 op "
            "ticket {n} registreerde; de registraties van één persoon mogen elkaar niet "
            "overlappen.",
        },
    ),
}


CASES = [
    pytest.param(case, language, id=f"{case}-{language}")
    for case in REFUSALS
    for language in ("nl", "en")
]


@pytest.mark.parametrize(("case", "language"), CASES)
def test_refused_time_says_why_in_the_users_language_and_writes_nothing(
    ticket, other_ticket, agent, case, language
):
    _add(other_ticket, agent, started_at=ams("2026-06-01 08:00"), minutes=45)
    before = _written()
    kwargs, field, messages = REFUSALS[case]
    with override(language), pytest.raises(TicketValidationError) as refused:
        _add(ticket, agent, **kwargs)
    assert refused.value.field == field
    assert str(refused.value) == messages[language].format(n=other_ticket.number)
    assert _written() == before


@pytest.mark.parametrize(
    ("started", "minutes"),
    [("2026-06-01 07:30", 45), ("2026-06-01 08:40", 30), ("2026-06-01 07:00", 120)],
    ids=["ends-inside", "starts-inside", "covers"],
)
def test_one_persons_entries_never_overlap_on_any_ticket(
    ticket, other_ticket, agent, started, minutes
):
    _add(other_ticket, agent, started_at=ams("2026-06-01 08:00"), minutes=45)
    with pytest.raises(TicketValidationError, match="08:00"):
        _add(ticket, agent, started_at=ams(started), minutes=minutes)
    assert not ticket.time_entries.exists()


def test_work_right_before_and_after_an_entry_is_not_an_overlap(ticket, other_ticket, agent):
    _add(other_ticket, agent, started_at=ams("2026-06-01 08:00"), minutes=45)
    _add(ticket, agent, started_at=ams("2026-06-01 07:30"), minutes=30)
    _add(ticket, agent, started_at=ams("2026-06-01 08:45"), minutes=15)
    assert ticket.time_entries.count() == 2


def test_two_people_may_work_at_the_same_time(ticket, agent):
    _add(ticket, agent, started_at=ams("2026-06-01 08:00"), minutes=45)
    _add(ticket, UserFactory(), started_at=ams("2026-06-01 08:00"), minutes=45)
    assert ticket.time_entries.count() == 2


def test_travel_with_its_distance_is_registered(ticket, agent):
    entry = _add(ticket, agent, category=TimeCategory.TRAVEL, distance_km=35)
    assert (entry.category, entry.distance_km, entry.minutes) == ("travel", 35, 30)


def test_work_ending_in_the_minute_under_way_is_accepted(ticket, agent):
    entry = _add(ticket, agent, started_at=ams("2026-06-01 10:31"), minutes=30)
    assert entry.ended_at == ams("2026-06-01 11:01")


# --- The coordinator's decision ---------------------------------------------------------------


@pytest.fixture
def entry(ticket, agent):
    return _add(ticket, agent)


def test_a_coordinator_decides_with_a_reason_and_the_ticket_records_it(ticket, entry):
    coordinator = _in_group("Support coordinator")
    decided = time_entry_billable_override(
        entry=entry, billable=False, reason=" Garantie op eerdere fout ", by=coordinator, now=NOW
    )
    decided.refresh_from_db()
    assert (
        decided.billable_override,
        decided.billable_override_reason,
        decided.billable_override_by,
        decided.billable_override_at,
    ) == (False, "Garantie op eerdere fout", coordinator, NOW)
    event = ticket.events.get(kind="time_entry_billable_overridden")
    assert (event.actor_user, event.data) == (
        coordinator,
        {
            "entry": entry.pk,
            "billable": False,
            "previous": None,
            "reason": "Garantie op eerdere fout",
        },
    )


def test_a_decision_can_be_handed_back_to_the_contracts_rules(entry):
    coordinator = _in_group("Support coordinator")
    time_entry_billable_override(
        entry=entry, billable=True, reason="Meerwerk", by=coordinator, now=NOW
    )
    back = time_entry_billable_override(
        entry=entry, billable=None, reason="Toch binnen abonnement", by=coordinator, now=NOW
    )
    assert back.billable_override is None
    assert entry.ticket.events.filter(kind="time_entry_billable_overridden").count() == 2


@pytest.mark.parametrize(
    "role", ["First line", "Second line", "Service support manager", "Escalation officer"]
)
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Only a support coordinator may decide whether time is billable."),
        pytest.param("nl", "Alleen een supportcoördinator mag besluiten of tijd declarabel is."),
    ],
)
def test_only_a_coordinator_may_decide(entry, role, language, message):
    with override(language), pytest.raises(TicketNotAllowed) as refused:
        time_entry_billable_override(
            entry=entry, billable=True, reason="Meerwerk", by=_in_group(role), now=NOW
        )
    assert str(refused.value) == message
    entry.refresh_from_db()
    assert entry.billable_override is None
    assert not TicketEvent.objects.filter(kind="time_entry_billable_overridden").exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Give the reason for this decision."),
        pytest.param("nl", "Geef de reden van dit besluit op."),
    ],
)
def test_a_decision_needs_a_reason(entry, language, message):
    with override(language), pytest.raises(TicketValidationError) as refused:
        time_entry_billable_override(
            entry=entry, billable=True, reason="  ", by=_in_group("Support coordinator"), now=NOW
        )
    assert (refused.value.field, str(refused.value)) == ("reason", message)
    entry.refresh_from_db()
    assert entry.billable_override is None
