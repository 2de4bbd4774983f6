"""What happened to a ticket, told to the layers above without importing them (issue #11 §1).

Every conversation change (a ticket registered, a public reply, a customer reply, an internal
note, a logged call, a status change the customer cares about) is written by one service in
`tickets.services`, which sends `ticket_changed` with a `TicketChange` **inside its
transaction**. `notifications` connects the mails (and, later, webhooks) to it, so the outbox
rows are written in the same transaction as the change: a rollback leaves neither the change nor
its mails, and a committed change always has them (D12).

Receivers must only write rows (outbox, markers); they never call out of the process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.dispatch import Signal

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from contracts.models import Contact
    from tickets.models import Ticket, TicketMessage


class ChangeKind(models.TextChoices):
    CREATED = "created"
    PUBLIC_REPLY = "public_reply"
    CUSTOMER_REPLY = "customer_reply"
    NOTE_ADDED = "note_added"
    CALL_LOGGED = "call_logged"
    REOPENED = "reopened"
    WAITING_FOR_CUSTOMER = "waiting_for_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"
    LINE_CHANGED = "line_changed"
    ASSIGNED = "assigned"
    # Files added without a message (a follow-up ticket's): {"attachments": n}.
    ATTACHMENTS_ADDED = "attachments_added"
    # Issue #12 §4: changes only integrations are told of (webhooks, "ticket.updated").
    STATUS_CHANGED = "status_changed"
    PRIORITY_CHANGED = "priority_changed"
    SHARING_CHANGED = "sharing_changed"


@dataclass(frozen=True)
class TicketChange:
    kind: str
    ticket: Ticket
    now: datetime
    message: TicketMessage | None = None
    actor_user: User | None = None
    actor_contact: Contact | None = None
    # Kind-specific facts: for CREATED {"receipt": bool}; for CUSTOMER_REPLY {"reopened": bool}.
    data: dict[str, Any] = field(default_factory=dict)


ticket_changed = Signal()


def ticket_change_emit(change: TicketChange) -> None:
    """Tell the receivers, in the caller's transaction; a receiver's error rolls it back."""
    ticket_changed.send(sender=TicketChange, change=change)
