"""A Microsoft Advanced contract with a rota (Anna primary, Bram backup) and a level-1
escalation contact, a fake pager, and helpers for the on-call tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar

import pytest
from django.contrib.auth.models import User

from contracts.models import Contract, EscalationContact, OnCallShift
from escalation.models import OnCallPage, OnCallPageStep
from escalation.services import oncall
from notifications.models import OutboxEmail
from notifications.pagers import PagerMessage
from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import Ticket

SATURDAY_3AM = ams("2026-06-13 03:00")
MONDAY_10AM = ams("2026-06-15 10:00")
SDM = "sdm@microsoft.example"


class FakePager:
    """Records every message instead of sending it (settings.PAGER_BACKEND in the tests)."""

    sent: ClassVar[list[PagerMessage]] = []
    failures: ClassVar[int] = 0

    def send(self, message: PagerMessage) -> None:
        if FakePager.failures:
            FakePager.failures -= 1
            raise ConnectionError("gateway down")
        FakePager.sent.append(message)


@pytest.fixture
def pager(settings: Any) -> type[FakePager]:
    settings.PAGER_BACKEND = "tests.escalation.oncall_world.FakePager"
    FakePager.sent = []
    FakePager.failures = 0
    return FakePager


@pytest.fixture
def worker(monkeypatch: Any) -> list[int]:
    """A worker that runs the pager task as soon as it is published (after commit)."""
    published: list[int] = []

    def run(step_id: int) -> None:
        published.append(step_id)
        oncall.oncall_pager_send(step_id=step_id, now=SATURDAY_3AM)

    monkeypatch.setattr(oncall, "oncall_pager_dispatch", run)
    return published


@dataclass
class Rota:
    contract: Contract
    anna: User
    bram: User

    def ticket(self, now: datetime = SATURDAY_3AM, level: str = "critical") -> Ticket:
        return create_ticket(
            named_contact(self.contract), now, priority_level=level, send_receipt=False
        )


def shift(user: User, contract: Contract, start: datetime, hours: int, position: int = 1):
    return OnCallShift.objects.create(
        provider=contract.provider,
        user=user,
        position=position,
        phone=f"+3161234{user.pk:04d}",
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
    )


@pytest.fixture
def rota() -> Rota:
    contract = ContractFactory(provider_code="microsoft", package_code="advanced")
    EscalationContact.objects.create(
        contract=contract,
        level=1,
        role="Service Delivery Manager",
        name="Sam de Vries",
        email=SDM,
        phone="+31201234567",
    )
    anna = UserFactory(username="anna", first_name="Anna", last_name="Jansen")
    bram = UserFactory(username="bram", first_name="Bram", last_name="Visser")
    weekend = ams("2026-06-12 17:00")
    shift(anna, contract, weekend, 64, position=1)
    shift(bram, contract, weekend, 64, position=2)
    return Rota(contract, anna, bram)


def steps(ticket: Ticket) -> list[tuple[int, str, str]]:
    return list(
        OnCallPageStep.objects.filter(page__ticket=ticket)
        .order_by("number")
        .values_list("number", "role", "name")
    )


def page_of(ticket: Ticket) -> OnCallPage:
    return OnCallPage.objects.get(ticket=ticket)


def oncall_mails(ticket: Ticket) -> list[str]:
    return list(
        OutboxEmail.objects.filter(ticket=ticket, key__startswith="oncall:")
        .order_by("pk")
        .values_list("to_email", flat=True)
    )
