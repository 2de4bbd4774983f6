"""Helpers of the ticket action and record proofs (issue #12 §2)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.utils import timezone

from tickets.models import Status, Ticket
from tickets.services import ticket_change_priority, ticket_transition


def other_level(ticket: Ticket) -> str:
    """The first priority level of the ticket's policy other than its own."""
    assert ticket.sla_policy is not None
    levels = ticket.sla_policy.targets.filter(request_type=ticket.request_type).exclude(
        level=ticket.priority_level
    )
    return str(levels.order_by("rank").values_list("level", flat=True).first())


def waiting_for_customer(ticket: Ticket, by: User, reason: str) -> Ticket:
    return ticket_transition(
        ticket=ticket,
        to_status=Status.WAITING_FOR_CUSTOMER,
        now=timezone.now(),
        actor=by,
        reason=reason,
    )


def reprioritised(ticket: Ticket, by: User, reason: str) -> Ticket:
    """The priority changed by staff to another level: the clocks are recomputed."""
    return ticket_change_priority(
        ticket=ticket, level=other_level(ticket), reason=reason, now=timezone.now(), actor=by
    )
