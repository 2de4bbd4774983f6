"""The world of the usage pages' tests (issue #14 §4): two CBG Basis organisations (Alfa uses
far more than Bravo), a Microsoft work order for Alfa with credits and EDE hours, billing lines
in May 2026 (one of them on a ticket of Alfa's named contact), and the people who read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User

from contracts.models import Contact, ContactRoleKind, Contract, EntitlementMovement
from tests.backoffice.conftest import staff
from tests.factories import ContractFactory, CustomerFactory
from tests.portal.conftest import contact_in_role
from tests.tickets.helpers import ams, create_ticket
from tests.usage.factories import ContractBillingFactory, work
from tickets.models import Ticket
from usage.models import BillingLine

MAY = date(2026, 5, 1)
IN_MAY = ams("2026-05-12 10:00")
IN_JUNE = ams("2026-06-10 10:00")


@dataclass
class World:
    alfa: Contract  # CBG Basis, 10 licences, 600 minutes in May
    bravo: Contract  # CBG Basis, 10 licences, 50 minutes in May
    microsoft: Contract  # Alfa's Microsoft work order, ends 2026-12-31
    manager: Contact  # Alfa's support services manager
    named: Contact  # Alfa's named contact
    bravo_manager: Contact
    named_ticket: Ticket
    manager_ticket: Ticket
    bravo_ticket: Ticket
    lines: list[BillingLine]


def line(contract: Contract, ticket: Ticket | None, quantity: int, rate: str, **kw) -> BillingLine:
    """A ledger line written directly (minutes at an hourly rate, other units at their rate)."""
    at = kw.pop("at", IN_MAY)
    unit = kw.pop("unit", "minutes")
    amount = Decimal(quantity) * Decimal(rate) / (60 if unit == "minutes" else 1)
    return BillingLine.objects.create(
        contract=contract,
        month=at.date().replace(day=1),
        ticket=ticket,
        category=kw.pop("category", "over_limit"),
        description=kw.pop("description", ""),
        quantity=Decimal(quantity),
        unit=unit,
        rate=Decimal(rate),
        amount=amount.quantize(Decimal("0.01")),
        vat_code="NL-21",
        source=f"test:{contract.pk}:{BillingLine.objects.count()}",
        created_at=at,
    )


def world_build() -> World:
    alfa = ContractFactory(
        provider_code="cbg",
        package_code="basis",
        reference="CBG-ALFA",
        customer=CustomerFactory(name="Alfa Bouw B.V."),
    )
    bravo = ContractFactory(
        provider_code="cbg",
        package_code="basis",
        reference="CBG-BRAVO",
        customer=CustomerFactory(name="Bravo Zorg B.V."),
    )
    for contract in (alfa, bravo):
        ContractBillingFactory(contract=contract, licence_count=10, vat_code="NL-21")
    manager = contact_in_role(alfa, ContactRoleKind.SUPPORT_SERVICES_MANAGER, name="Mia Manager")
    named = contact_in_role(alfa, ContactRoleKind.NAMED_CONTACT, name="Noor Named")
    bravo_manager = contact_in_role(
        bravo, ContactRoleKind.SUPPORT_SERVICES_MANAGER, name="Bram Bravo"
    )
    named_ticket = create_ticket(named, ams("2026-05-04 08:00"), subject="Printer van Noor")
    manager_ticket = create_ticket(manager, ams("2026-05-04 08:30"), subject="Server van Mia")
    bravo_ticket = create_ticket(bravo_manager, ams("2026-05-04 08:00"), subject="Bravo geheim")
    # After the tickets: with two current contracts a ticket must name its contract.
    microsoft = ContractFactory(
        provider_code="microsoft",
        package_code="performance",
        reference="MS-ALFA",
        customer=alfa.customer,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )
    work(named_ticket, ams("2026-05-04 09:00"), 400)
    work(manager_ticket, ams("2026-05-05 09:00"), 200)
    work(manager_ticket, ams("2026-05-05 16:00"), 30, category="travel")  # not fair use
    work(bravo_ticket, ams("2026-05-04 09:00"), 50)
    EntitlementMovement.objects.bulk_create(
        [
            EntitlementMovement(
                contract=microsoft,
                kind=kind,
                quantity=Decimal(quantity),
                reason="test",
                occurred_at=ams("2026-01-02 09:00"),
            )
            for kind, quantity in (
                ("proactive_credits", "120"),
                ("proactive_credits", "-45"),
                ("ede_hours", "40"),
                ("ede_hours", "-2.5"),
            )
        ]
    )
    lines = [
        line(alfa, named_ticket, 90, "90.00", description="Printer"),
        line(alfa, manager_ticket, 45, "90.00", description="=HYPERLINK(1)"),
        line(alfa, None, 10, "7.50", category="monthly_fee", unit="licences"),
        line(bravo, bravo_ticket, 30, "90.00"),
        line(alfa, manager_ticket, 15, "90.00", at=IN_JUNE),
    ]
    return World(
        alfa,
        bravo,
        microsoft,
        manager,
        named,
        bravo_manager,
        named_ticket,
        manager_ticket,
        bravo_ticket,
        lines,
    )


def coordinator_user() -> User:
    return staff("coordinator")
