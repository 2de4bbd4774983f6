"""The queue's "customer replied" marker (issue #11 §2): set when a customer writes or reopens
(tickets.services.conversation), cleared when the person who owes the answer opens the ticket.

Who owes the answer: the assignee; when nobody is assigned, anyone in the group of the ticket's
line. A colleague reading along leaves the marker for the one who must act.

The clear is one compare-and-set UPDATE (`customer_replied=True -> False`, with the assignee the
decision was made on), so two tabs opening the ticket at once, or a reply landing at the same
moment, write at most one "customer_reply_seen" event, and a marker set by a reply that arrived
after the check is not lost to a stale read.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from tickets.models import Line, Ticket, TicketEvent
from tickets.services.guards import requires_aware_now

# The role group that works each line (escalation/migrations/0002_provider_roles.py).
LINE_GROUPS = {Line.FIRST: "First line", Line.SECOND: "Second line"}


def customer_reply_owner(*, ticket: Ticket, user: User) -> bool:
    """Whether `user` is the one the customer's reply waits for."""
    if ticket.assignee_id is not None:
        return ticket.assignee_id == user.pk
    group = LINE_GROUPS.get(Line(ticket.line)) if ticket.line in Line.values else None
    # Iterated, not filtered: a page that prefetched the user's groups asks nothing more.
    return group is not None and any(g.name == group for g in user.groups.all())


@requires_aware_now
def ticket_customer_reply_seen(*, ticket: Ticket, user: User, now: datetime) -> bool:
    """Clear the marker when `user` owes the answer; True when this call cleared it.

    Nothing is written, and no transaction opened, when the marker is not set or `user` is
    someone else: the work page pays nothing for it on an ordinary visit."""
    if not ticket.customer_replied or not customer_reply_owner(ticket=ticket, user=user):
        return False
    return _clear(ticket=ticket, user=user, now=now)


@transaction.atomic
def _clear(*, ticket: Ticket, user: User, now: datetime) -> bool:
    cleared = Ticket.objects.filter(
        pk=ticket.pk, customer_replied=True, assignee_id=ticket.assignee_id
    ).update(customer_replied=False)
    if not cleared:
        return False
    ticket.customer_replied = False
    TicketEvent.objects.create(
        ticket=ticket, kind="customer_reply_seen", actor_user=user, data={}, created_at=now
    )
    return True
