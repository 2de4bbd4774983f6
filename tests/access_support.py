"""A customer with a manager, a plain named contact and another customer, for the
remote-access grant tests (services, portal, work page, API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from contracts.models import Contact, ContactRoleKind, Contract, RemoteAccessGrant
from contracts.services.access import remote_access_grant, remote_access_revoke
from tests.factories import ContractFactory, CustomerFactory
from tests.portal.conftest import contact_in_role
from tests.tickets.helpers import ams

NOW = ams("2026-06-15 10:00")


@dataclass
class GrantCustomer:
    contract: Contract
    manager: Contact
    named: Contact


def grant_customer(code: str) -> GrantCustomer:
    customer = CustomerFactory(code=code, name=f"{code.title()} Techniek B.V.")
    contract = ContractFactory(customer=customer, reference=f"ONS-{code.upper()}-1")
    manager = contact_in_role(
        contract,
        ContactRoleKind.SUPPORT_SERVICES_MANAGER,
        name=f"{code.title()} Manager",
        email=f"manager@{code}.example",
    )
    named = contact_in_role(
        contract,
        ContactRoleKind.NAMED_CONTACT,
        name=f"{code.title()} Medewerker",
        email=f"medewerker@{code}.example",
    )
    return GrantCustomer(contract, manager, named)


def granted(
    who: GrantCustomer,
    system: str,
    *,
    at: datetime = NOW,
    days: float = 7,
    scope: str = "logs lezen",
) -> RemoteAccessGrant:
    return remote_access_grant(
        contact=who.manager,
        system=system,
        scope=scope,
        expires_at=at + timedelta(days=days),
        now=at,
        contract=who.contract,
    )


def three_grants(who: GrantCustomer) -> tuple[RemoteAccessGrant, ...]:
    """An active grant, one that expired yesterday and one revoked: the three states."""
    active = granted(who, "erp-prod-01")
    expired = granted(who, "fileserver-02", at=NOW - timedelta(days=8), days=7)
    revoked = granted(who, "vpn-gateway", at=NOW - timedelta(hours=2))
    revoked = remote_access_revoke(
        grant=revoked, by=who.manager, now=NOW - timedelta(hours=1), reason="klaar"
    )
    return active, expired, revoked
