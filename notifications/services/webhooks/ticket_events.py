"""Which webhook event each ticket change is (issue #12 §4), and its facts.

Internal notes, assignments and line changes are `internal`: only the provider's endpoints hear
of them, never a customer's (what the portal does not show, a customer's webhook does not
either)."""

from __future__ import annotations

from typing import Any

from notifications.models import WebhookEventType
from notifications.services.webhooks.events import iso, webhook_event_record
from tickets.signals import ChangeKind, TicketChange

# kind of change -> (event type, internal)
TICKET_EVENTS: dict[str, tuple[str, bool]] = {
    ChangeKind.CREATED: (WebhookEventType.TICKET_CREATED, False),
    ChangeKind.PUBLIC_REPLY: (WebhookEventType.TICKET_REPLIED, False),
    ChangeKind.CUSTOMER_REPLY: (WebhookEventType.TICKET_REPLIED, False),
    ChangeKind.CALL_LOGGED: (WebhookEventType.TICKET_REPLIED, False),
    ChangeKind.RESOLVED: (WebhookEventType.TICKET_RESOLVED, False),
    ChangeKind.REOPENED: (WebhookEventType.TICKET_UPDATED, False),
    ChangeKind.WAITING_FOR_CUSTOMER: (WebhookEventType.TICKET_UPDATED, False),
    ChangeKind.CLOSED: (WebhookEventType.TICKET_UPDATED, False),
    ChangeKind.ATTACHMENTS_ADDED: (WebhookEventType.TICKET_UPDATED, False),
    ChangeKind.STATUS_CHANGED: (WebhookEventType.TICKET_UPDATED, False),
    ChangeKind.PRIORITY_CHANGED: (WebhookEventType.TICKET_UPDATED, False),
    ChangeKind.SHARING_CHANGED: (WebhookEventType.TICKET_UPDATED, False),
    ChangeKind.NOTE_ADDED: (WebhookEventType.TICKET_UPDATED, True),
    ChangeKind.ASSIGNED: (WebhookEventType.TICKET_UPDATED, True),
    ChangeKind.LINE_CHANGED: (WebhookEventType.TICKET_UPDATED, True),
}


def actor_side(change: TicketChange) -> str:
    if change.actor_contact is not None:
        return "customer"
    if change.actor_user is not None:
        return "provider"
    return "system"


def _facts(change: TicketChange) -> dict[str, Any]:
    ticket = change.ticket
    facts: dict[str, Any] = {"change": str(change.kind), "by": actor_side(change)}
    if change.message is not None:
        facts["message"] = {
            "id": change.message.pk,
            "kind": change.message.kind,
            "channel": change.message.channel,
            "created_at": iso(change.message.created_at),
        }
    if change.kind == ChangeKind.RESOLVED:
        facts["resolution_kind"] = ticket.resolution_kind
        facts["resolved_at"] = iso(ticket.resolved_at)
    elif change.kind == ChangeKind.ASSIGNED:
        facts["assignee_id"] = ticket.assignee_id
    elif change.kind == ChangeKind.STATUS_CHANGED:
        facts["status"] = ticket.status
    elif change.kind == ChangeKind.PRIORITY_CHANGED:
        facts["priority"] = {"level": ticket.priority_level, "rank": ticket.priority_rank}
    elif change.kind == ChangeKind.SHARING_CHANGED:
        facts["shared_with_organisation"] = ticket.shared_with_organisation
    elif change.kind == ChangeKind.LINE_CHANGED:
        facts["line"] = ticket.line
    elif change.kind == ChangeKind.ATTACHMENTS_ADDED:
        facts["attachments"] = int(change.data.get("attachments", 0))
    return facts


def ticket_change_webhook(change: TicketChange) -> None:
    """Record the change's webhook event, in the change's transaction."""
    mapped = TICKET_EVENTS.get(change.kind)
    if mapped is None:
        return
    event_type, internal = mapped
    webhook_event_record(
        event_type=event_type,
        ticket=change.ticket,
        now=change.now,
        data=_facts(change),
        internal=internal,
    )
