"""EDE hours deducted from EDE time entries (CON-51, 53, 54; D20): once per entry, only in EDE
hours on business days, never below zero, not after the agreement."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from contracts.models import EntitlementMovement
from contracts.selectors import entitlement_balances
from tests.factories import ContractFactory
from tests.tickets.helpers import ams
from tests.usage.microsoft_helpers import buy, ede_entry, ms_contract, ms_ticket
from usage.exceptions import EdeRefused
from usage.services.microsoft import ede_time_entry_deduct

pytestmark = pytest.mark.django_db
EDE = "ede_hours"


@pytest.fixture
def ticket():
    contract = ms_contract()
    buy(contract, EDE, "10")
    return ms_ticket(contract)


def _deduct(entry, when="2026-06-10 18:00"):
    return ede_time_entry_deduct(entry=entry, now=ams(when))


@pytest.mark.parametrize(("minutes", "left"), [(90, "8.50"), (25, "9.58"), (510, "1.50")])
def test_an_ede_entry_takes_minutes_over_60_hours(ticket, minutes, left):
    movement = _deduct(ede_entry(ticket, "2026-06-08 09:00", minutes))
    assert (movement.cause, movement.time_entry is not None) == ("ede", True)
    assert entitlement_balances(ticket.contract)[EDE] == Decimal(left)


def test_an_entry_is_deducted_exactly_once(ticket):
    entry = ede_entry(ticket, "2026-06-08 10:00", 60)
    first = _deduct(entry)
    assert _deduct(entry, "2026-06-10 19:00") == first
    assert EntitlementMovement.objects.filter(time_entry=entry).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        EntitlementMovement.objects.create(
            contract=ticket.contract,
            kind=EDE,
            quantity=Decimal(-1),
            reason="twice",
            occurred_at=ams("2026-06-10 19:00"),
            time_entry=entry,
        )


def test_an_entry_of_another_category_deducts_nothing(ticket):
    entry = ede_entry(ticket, "2026-06-08 10:00", 60)
    entry.category = "analysis"
    assert _deduct(entry) is None


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    "started",
    [
        "2026-06-08 08:30",  # before 09:00
        "2026-06-08 17:00",  # runs past 17:30
        "2026-06-13 10:00",  # Saturday
        "2026-05-25 10:00",  # Whit Monday (Dutch public holiday)
    ],
)
def test_an_entry_outside_ede_hours_is_refused_and_nothing_written(ticket, started):
    entry = ede_entry(ticket, started, 60)
    with pytest.raises(EdeRefused, match="only 09:00-17:30 on business days"):
        _deduct(entry)
    assert entitlement_balances(ticket.contract)[EDE] == 10


def test_an_entry_outside_ede_hours_is_refused_in_dutch(ticket):
    with pytest.raises(EdeRefused, match="alleen 09:00-17:30 op werkdagen"):
        _deduct(ede_entry(ticket, "2026-06-13 10:00", 60))


@pytest.mark.usefixtures("english")
def test_an_entry_beyond_the_hours_left_is_refused(ticket):
    _deduct(ede_entry(ticket, "2026-06-08 09:00", 510))  # 8.5 of 10
    with pytest.raises(EdeRefused, match=r"needs 2\.00 EDE hours; only 1\.50 are left"):
        _deduct(ede_entry(ticket, "2026-06-09 09:00", 120))


@pytest.mark.usefixtures("english")
def test_ede_ends_with_the_agreement(ticket):
    entry = ede_entry(ticket, "2026-11-30 10:00", 60)  # the last day of the work order
    with pytest.raises(EdeRefused, match="EDE ends with the agreement"):
        _deduct(entry, "2026-12-01 09:00")


@pytest.mark.usefixtures("english")
def test_ede_exists_only_on_microsoft_work_orders():
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    from tests.factories import named_contact
    from tests.tickets.helpers import create_ticket

    ticket = create_ticket(named_contact(contract), ams("2026-06-01 08:00"), priority_level="hoog")
    with pytest.raises(EdeRefused, match="only on Microsoft work orders"):
        _deduct(ede_entry(ticket, "2026-06-08 10:00", 60))


@pytest.mark.usefixtures("english")
def test_recording_ede_time_outside_ede_hours_refuses_the_entry_too(ticket):
    from tickets.models import TimeEntry
    from usage.services.time import time_entry_record

    fields = {
        "ticket": ticket,
        "user": ticket.contract.csam,
        "minutes": 60,
        "category": "ede",
        "note": "",
        "now": ams("2026-06-13 12:00"),
    }
    with pytest.raises(EdeRefused, match="only 09:00-17:30"):
        time_entry_record(**fields, started_at=ams("2026-06-13 10:00"))  # Saturday
    entry = time_entry_record(**fields, started_at=ams("2026-06-12 10:00"))
    assert (TimeEntry.objects.count(), entry.entitlement_movement.quantity) == (1, Decimal(-1))
