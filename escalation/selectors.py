"""Reads for the escalation engine: policies, recipients, configuration problems."""

# escalation_policy_for lives with the policies (contracts); re-exported for the engine.

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model

from contracts.models import Contract
from contracts.selectors import escalation_contacts_for
from contracts.selectors import escalation_policy_for as escalation_policy_for
from notifications.services.recipients import (
    COORDINATOR_GROUP,
    Recipient,
    staff_languages_by_email,
    staff_recipient,
    ticket_staff_recipients,
)
from tickets.models import Ticket


def _staff_recipient(user: object, role: str) -> Recipient | None:
    """A staff member with an address, told in their own language (issue #11 §2)."""
    if not getattr(user, "email", ""):
        return None
    return staff_recipient(user, role)


def _csam(contract: Contract) -> list[Recipient]:
    found = _staff_recipient(contract.csam, "customer success account manager")
    return [found] if found else []


def escalation_contact_recipients(contract: Contract, level: int) -> list[Recipient]:
    """The contract's escalation contacts of `level` with an address; one who is also a staff
    member is written to in that person's language, everyone else in the desk's default."""
    contacts = [c for c in escalation_contacts_for(contract=contract, level=level) if c.email]
    languages = staff_languages_by_email(c.email for c in contacts)
    return [
        Recipient(c.role, c.name, c.email, languages.get(c.email.lower(), settings.LANGUAGE_CODE))
        for c in contacts
    ]


def ticket_engineers(ticket: Ticket) -> list[Recipient]:
    """The people who work the ticket: its assignee, else its line's group (issue #11 §2)."""
    role = "assignee" if ticket.assignee_id is not None else "line"
    return [member.recipient(role) for member in ticket_staff_recipients(ticket)]


def escalation_recipients(ticket: Ticket, level: int) -> tuple[list[Recipient], str]:
    """Who is told at `level`, resolved now from the contract's roles, and any problem (D10).

    A warning goes to the people who work the ticket (its assignee, else its line's group,
    issue #11 §2) and the support coordinators."""
    contract = ticket.contract
    if level == 0:
        people = ticket_engineers(ticket)
        coordinators = (
            get_user_model()
            .objects.filter(groups__name=COORDINATOR_GROUP, is_active=True)
            .select_related("staff_profile")
            .order_by("pk")
        )
        people += [
            coordinator
            for user in coordinators
            if (coordinator := _staff_recipient(user, "support coordinator")) is not None
        ]
        problem = "" if people else "no assignee and no support coordinator with an email address"
        return _unique(people), problem
    contacts = escalation_contact_recipients(contract, level)
    everyone = contacts + _csam(contract)
    if not contacts:
        return _unique(everyone), (
            f"contract {contract.reference} has no level-{level} escalation contact with an "
            "email address"
        )
    return _unique(everyone), ""


def _unique(recipients: list[Recipient]) -> list[Recipient]:
    seen: set[str] = set()
    unique = []
    for recipient in recipients:
        if recipient.email.lower() not in seen:
            seen.add(recipient.email.lower())
            unique.append(recipient)
    return unique
