"""Reads for the escalation engine: policies, recipients, configuration problems."""

# escalation_policy_for lives with the policies (contracts); re-exported for the engine.

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from contracts.models import Contract
from contracts.selectors import escalation_policy_for as escalation_policy_for
from contracts.selectors_escalation import escalation_contacts_of
from escalation.models import Level
from notifications.services.recipients import (
    COORDINATOR_GROUP,
    Recipient,
    StaffMember,
    staff_language_column,
    staff_members,
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
    return Audience.of([], contacts_of=[(contract, level)]).contacts[(contract.pk, level)]


def ticket_engineers(ticket: Ticket) -> list[Recipient]:
    """The people who work the ticket: its assignee, else its line's group (issue #11 §2)."""
    return Audience.of([ticket]).engineers(ticket)


def escalation_recipients(ticket: Ticket, level: int) -> tuple[list[Recipient], str]:
    """Who is told at `level`, resolved now from the contract's roles, and any problem (D10).

    A warning goes to the people who work the ticket (its assignee, else its line's group,
    issue #11 §2) and the support coordinators."""
    warning = level == Level.WARNING
    contacts_of = [] if warning else [(ticket.contract, level)]
    audience = Audience.of([ticket], contacts_of=contacts_of, coordinators=warning)
    return audience.recipients(ticket, level)


@dataclass
class Audience:
    """Who is told of the escalations of many tickets: read in a few queries, whatever the
    number of tickets and contracts (a sweep's batch), then answered per ticket and level."""

    # (contract, level) -> its escalation contacts with an address
    contacts: dict[tuple[int, int], list[Recipient]]
    coordinators: list[Recipient]
    # assignee -> how to write to them (active, with an address)
    assignees: dict[int, StaffMember]

    @classmethod
    def of(
        cls,
        tickets: Iterable[Ticket],
        *,
        contacts_of: Iterable[tuple[Contract, int]] = (),
        coordinators: bool = False,
    ) -> Audience:
        """For `tickets`' engineers, the escalation contacts of each (contract, level) of
        `contacts_of`, and the support coordinators if asked for (warnings)."""
        pairs = list(contacts_of)
        contacts: dict[tuple[int, int], list[Recipient]] = {}
        if pairs:
            contracts = {contract.pk: contract for contract, _ in pairs}
            rows = escalation_contacts_of(
                contracts.values(),
                {level for _, level in pairs},
                staff_language=staff_language_column(),
            )
            for key, people in rows.items():
                contacts[key] = [
                    Recipient(c.role, c.name, c.email, c.staff_language)  # type: ignore[attr-defined]
                    for c in people
                    if c.email
                ]
        assigned = {t.assignee_id for t in tickets if t.assignee_id is not None}
        return cls(
            contacts=contacts,
            coordinators=_coordinators() if coordinators else [],
            assignees=staff_members(assigned),
        )

    def engineers(self, ticket: Ticket) -> list[Recipient]:
        """The people who work the ticket: its assignee, else its line's group."""
        if ticket.assignee_id is not None:
            member = self.assignees.get(ticket.assignee_id)
            return [member.recipient("assignee")] if member else []
        return [member.recipient("line") for member in ticket_staff_recipients(ticket)]

    def recipients(self, ticket: Ticket, level: int) -> tuple[list[Recipient], str]:
        """`escalation_recipients` of the ticket at `level`."""
        contract = ticket.contract
        if level == 0:
            people = self.engineers(ticket) + self.coordinators
            problem = (
                "" if people else "no assignee and no support coordinator with an email address"
            )
            return _unique(people), problem
        contacts = self.contacts[(contract.pk, level)]
        everyone = contacts + _csam(contract)
        if not contacts:
            return _unique(everyone), (
                f"contract {contract.reference} has no level-{level} escalation contact with an "
                "email address"
            )
        return _unique(everyone), ""


def _coordinators() -> list[Recipient]:
    users = (
        get_user_model()
        .objects.filter(groups__name=COORDINATOR_GROUP, is_active=True)
        .select_related("staff_profile")
        .order_by("pk")
    )
    return [
        coordinator
        for user in users
        if (coordinator := _staff_recipient(user, "support coordinator")) is not None
    ]


def _unique(recipients: list[Recipient]) -> list[Recipient]:
    seen: set[str] = set()
    unique = []
    for recipient in recipients:
        if recipient.email.lower() not in seen:
            seen.add(recipient.email.lower())
            unique.append(recipient)
    return unique
