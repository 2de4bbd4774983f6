"""The portal's side of a critical situation (SPEC §3.10, D8): who the critical situation
resource is, and the customer's request for 24x7 effort on a Normal case."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from contracts.critical_situations import effort_24x7_on_request
from contracts.models import ClockKind, Contact
from tickets.models import OPEN_STATUSES, Ticket
from tickets.services import ticket_request_24x7_effort
from tickets.services.critical import ticket_critical_situation


def critical_portal_context(ticket: Ticket) -> dict[str, Any]:
    resource = ticket.critical_resource if ticket_critical_situation(ticket).resource else None
    policy_code = getattr(ticket.sla_policy, "code", "")
    return {
        "critical_resource": resource,
        "effort_24x7_offered": ticket.status in OPEN_STATUSES
        and not ticket.effort_24x7_requested
        and effort_24x7_on_request(policy_code, ticket.sla_target),
    }


def staffing_downgrade_offered(ticket: Ticket) -> bool:
    """D8: on a 24x7 priority the customer may ask for less because it cannot staff 24x7."""
    return ticket.sla_target is not None and ticket.sla_target.clock_kind == ClockKind.ALWAYS


def effort_24x7_request(
    request: HttpRequest, ticket: Ticket, contact: Contact, now: datetime
) -> None:
    """The customer asks for 24x7 effort: a flag for the engineers, the clocks unchanged."""
    ticket_request_24x7_effort(ticket=ticket, contact=contact, now=now)
    messages.success(
        request,
        _(
            "Your request for 24x7 effort is recorded. Please make sure your own people are "
            "available around the clock as well."
        ),
    )
