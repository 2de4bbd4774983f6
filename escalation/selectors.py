"""Reads for the escalation engine: policies, recipients, configuration problems."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q

from contracts.models import Contract, EscalationPolicy
from contracts.selectors import escalation_contacts_for
from notifications.services.recipients import COORDINATOR_GROUP, Recipient
from tickets.models import Ticket


def escalation_policy_for(contract: Contract) -> EscalationPolicy:
    """The contract's own policy, else the catalogue's for its package, else D10's defaults."""
    own = EscalationPolicy.objects.filter(contract=contract).first()
    if own is not None:
        return own
    from_catalogue = (
        EscalationPolicy.objects.filter(release_id=contract.package.release_id)
        .filter(Q(packages=None) | Q(packages=contract.package_id))
        .first()
    )
    return from_catalogue or EscalationPolicy()


def _staff_recipient(user: object, role: str) -> Recipient | None:
    email = getattr(user, "email", "")
    if not email:
        return None
    name = getattr(user, "get_full_name", lambda: "")() or getattr(user, "username", "")
    return Recipient(role, name, email, "nl")


def _csam(contract: Contract) -> list[Recipient]:
    found = _staff_recipient(contract.csam, "customer success account manager")
    return [found] if found else []


def escalation_recipients(ticket: Ticket, level: int) -> tuple[list[Recipient], str]:
    """Who is told at `level`, resolved now from the contract's roles, and any problem (D10)."""
    contract = ticket.contract
    if level == 0:
        people = [_staff_recipient(ticket.assignee, "assignee")] if ticket.assignee else []
        coordinators = get_user_model().objects.filter(
            groups__name=COORDINATOR_GROUP, is_active=True
        )
        people += [_staff_recipient(user, "support coordinator") for user in coordinators]
        found = [p for p in people if p is not None]
        problem = "" if found else "no assignee and no support coordinator with an email address"
        return _unique(found), problem
    contacts = escalation_contacts_for(contract=contract, level=level)
    found = [Recipient(c.role, c.name, c.email, "nl") for c in contacts if c.email] + _csam(
        contract
    )
    if not any(c.email for c in contacts):
        return _unique(found), (
            f"contract {contract.reference} has no level-{level} escalation contact with an "
            "email address"
        )
    return _unique(found), ""


def _unique(recipients: list[Recipient]) -> list[Recipient]:
    seen: set[str] = set()
    unique = []
    for recipient in recipients:
        if recipient.email.lower() not in seen:
            seen.add(recipient.email.lower())
            unique.append(recipient)
    return unique
