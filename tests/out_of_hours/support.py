"""Shared setup for the out-of-hours tests (issue #13 §2): a CBG customer with its manager and
a caller, codes hashed fast, and a stand-in for the on-call pager that records each page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import User

from contracts.models import Contact, ContactRole, ContactRoleKind, Contract, PhoneCode
from contracts.services.phone_codes import phone_code_issue, phone_code_reveal
from tests.factories import ContactFactory, ContractFactory, UserFactory, named_contact

# Sunday 8 March 2026, 03:00 in Amsterdam (UTC+1); the next opening is Monday 08:30.
SUNDAY_0300 = datetime(2026, 3, 8, 2, 0, tzinfo=UTC)
# Saturday 7 March 2026, 03:00 in Amsterdam.
SATURDAY_0300 = datetime(2026, 3, 7, 2, 0, tzinfo=UTC)
# Tuesday 10 March 2026, 12:00 in Amsterdam: the office is open.
TUESDAY_NOON = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
ISSUED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class CbgCustomer:
    contract: Contract
    manager: Contact
    caller: Contact
    coordinator: User


def cbg_customer(package: str = "extra", reference: str = "") -> CbgCustomer:
    contract = ContractFactory(
        provider_code="cbg", package_code=package, **({"reference": reference} if reference else {})
    )
    manager = ContactFactory(customer=contract.customer, name="Mia Manager")
    ContactRole.objects.create(
        contact=manager, contract=contract, role=ContactRoleKind.SUPPORT_SERVICES_MANAGER
    )
    caller = named_contact(contract, name="Bas Beller")
    coordinator = UserFactory(username=f"coordinator-{contract.reference}")
    return CbgCustomer(contract, manager, caller, coordinator)


def code_revealed(customer: CbgCustomer, at: datetime = ISSUED) -> tuple[PhoneCode, str]:
    code = phone_code_issue(contract=customer.contract, actor=customer.coordinator, now=at)
    return phone_code_reveal(code=code, contact=customer.manager, now=at)


@dataclass
class PagerRecorder:
    pages: list[dict[str, Any]] = field(default_factory=list)

    def oncall_page_open(self, *, ticket: Any, now: datetime, reason: str) -> None:
        self.pages.append({"ticket": ticket.pk, "now": now, "reason": reason})

    def paged(self, reason: str) -> list[dict[str, Any]]:
        """The pages for `reason` (the on-call package pages every 24x7 ticket on its own)."""
        return [page for page in self.pages if page["reason"] == reason]
