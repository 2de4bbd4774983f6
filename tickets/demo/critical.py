"""Demo: a Microsoft Critical ticket with its critical situation resource and an action plan
(SPEC §3.10, ESC-12), so the work page and the portal show both."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.contrib.auth.models import User

from tickets.demo.ticketing import Advance
from tickets.models import OPEN_STATUSES, Ticket
from tickets.services import ticket_critical_resource_assign, ticket_status_update

SUBJECT = "ExpressRoute circuit flapping between sites"
ACTION_PLAN = (
    "1. Verkeer via de tweede ExpressRoute-verbinding geleid.\n"
    "2. Microsoft-netwerkteam onderzoekt de BGP-sessies.\n"
    "3. Volgende update uiterlijk over vier uur."
)


def critical_demo(
    *, staff: dict[str, User], now: datetime, counts: Counter[str], advance: Advance
) -> None:
    """After the history: the demo's open Performance Critical ticket (which escalated for the
    missing resource) gets its resource and an action plan just before `now`; `advance(now)`
    then sends their mails, as for every other step."""
    ticket = Ticket.objects.filter(
        subject=SUBJECT, status__in=OPEN_STATUSES, critical_resource__isnull=True
    ).first()
    engineer = staff.get("secondline")
    assigned_at, planned_at = now - timedelta(minutes=10), now - timedelta(minutes=5)
    if ticket is None or engineer is None or ticket.created_at > assigned_at:
        return
    ticket_critical_resource_assign(
        ticket=ticket, user=engineer, actor=staff.get("coordinator", engineer), now=assigned_at
    )
    ticket_status_update(
        ticket=ticket, author=engineer, kind="action_plan", body=ACTION_PLAN, now=planned_at
    )
    advance(now)
    counts["critical situations"] += 1
