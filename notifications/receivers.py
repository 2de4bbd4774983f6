"""What notifications does when a ticket changes (issue #11 §2): one table from the kind of
change to the mails it writes, connected to `tickets.signals.ticket_changed` when the app is
ready. Every handler runs inside the change's transaction and only writes outbox rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from notifications.services import customer_mails, ticket_mails
from notifications.services.outbox import outbox_inserts_carried
from notifications.services.upload_alerts import quota_reached_alert
from notifications.services.webhooks.ticket_events import ticket_change_webhook
from tickets.signals import ChangeKind, TicketChange

Handler = Callable[[TicketChange], object]


def _quota_alert(change: TicketChange) -> None:
    """Files stored with the change may have filled a quota: the coordinators are told once."""
    if change.data.get("attachments"):
        quota_reached_alert(customer=change.ticket.customer, ticket=change.ticket, now=change.now)


# Every change below is also a webhook event (its type: notifications.services.webhooks.
# ticket_events.TICKET_EVENTS).
_webhook = ticket_change_webhook

HANDLERS: dict[str, tuple[Handler, ...]] = {
    ChangeKind.CREATED: (ticket_mails.ticket_created_mails, _webhook),
    ChangeKind.PUBLIC_REPLY: (ticket_mails.public_reply_mail, _quota_alert, _webhook),
    ChangeKind.CUSTOMER_REPLY: (ticket_mails.staff_customer_reply_mail, _quota_alert, _webhook),
    ChangeKind.NOTE_ADDED: (_quota_alert, _webhook),
    ChangeKind.CALL_LOGGED: (_quota_alert, _webhook),
    ChangeKind.ATTACHMENTS_ADDED: (_quota_alert, _webhook),
    ChangeKind.REOPENED: (ticket_mails.staff_reopened_mail, _webhook),
    ChangeKind.ASSIGNED: (ticket_mails.staff_assigned_mail, _webhook),
    ChangeKind.LINE_CHANGED: (ticket_mails.staff_line_mail, _webhook),
    ChangeKind.WAITING_FOR_CUSTOMER: (customer_mails.customer_waiting_mail, _webhook),
    ChangeKind.RESOLVED: (customer_mails.customer_resolved_mail, _webhook),
    ChangeKind.CLOSED: (customer_mails.customer_closed_mail, _webhook),
    ChangeKind.STATUS_CHANGED: (_webhook,),
    ChangeKind.PRIORITY_CHANGED: (_webhook,),
    ChangeKind.SHARING_CHANGED: (_webhook,),
}


def ticket_changed_receiver(sender: Any, change: TicketChange, **kwargs: Any) -> None:
    # A change's new mails ride on its webhook event's statement (one round trip, issue #16).
    with outbox_inserts_carried():
        for handler in HANDLERS.get(change.kind, ()):
            handler(change)
