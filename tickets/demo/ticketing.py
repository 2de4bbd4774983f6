"""Demo tickets: created through `ticket_create` at fixed times relative to an anchor week,
then taken through their life cycle (`tickets.demo.steps`).

Every creation and step of every ticket runs in the order of its time, across tickets, and
`advance(at)` is called before each: the layer above (escalation.demo) sweeps escalations up to
that moment, so the history's escalations fire and are handled when they would have been.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User

from contracts.models import Contact
from tickets.demo import DemoDataError
from tickets.demo.data import AMSTERDAM, CUSTOMERS, contact_email
from tickets.demo.steps import STEPS, StepContext
from tickets.demo.tickets_data import HIGH_RANKS, LIFECYCLES, TicketSpec
from tickets.models import Ticket
from tickets.services import TicketCreateInput, ticket_create
from tickets.services.create import BUSINESS_CRITICAL_CHECKS

Advance = Callable[[datetime], None]


def advance_nothing(at: datetime) -> None:
    """No layer above: nothing happens between the tickets' own steps."""


@dataclass
class _Planned:
    spec: TicketSpec
    contact: Contact
    created_at: datetime
    ticket_pk: int = 0  # once created
    agent: User | None = None  # who works it: the second line for P1/P2, else the first line


def tickets_create(
    *,
    specs: Sequence[TicketSpec],
    staff: dict[str, User],
    now: datetime,
    counts: Counter[str],
    advance: Advance = advance_nothing,
) -> None:
    """Every ticket of `specs` with its life cycle, all steps in time order; then
    `advance(now)`, so the history is complete up to `now`."""
    anchor = anchor_monday(now)
    contacts = {c.email: c for c in Contact.objects.select_related("user", "customer")}
    domains = {c.code: c.domain for c in CUSTOMERS}
    planned = [
        _Planned(s, contacts[contact_email(s.contact, domains[s.customer])], created_at(s, anchor))
        for s in specs
    ]
    for plan in planned:
        _steps_check(plan.spec, plan.created_at, now)
    # (time, order, ticket index, step index); step -1 creates the ticket
    queue = [(p.created_at, i, i, -1) for i, p in enumerate(planned)]
    heapq.heapify(queue)
    order = len(queue)
    while queue:
        at, _, index, step = heapq.heappop(queue)
        advance(at)
        plan = planned[index]
        if step < 0:
            _ticket_open(plan, staff)
        else:
            _step_run(plan, step, staff, at)
        lifecycle = LIFECYCLES[plan.spec.life]
        if step + 1 < len(lifecycle):
            order += 1
            heapq.heappush(
                queue, (at + timedelta(minutes=lifecycle[step + 1][1]), order, index, step + 1)
            )
    advance(now)
    for plan in planned:
        status = Ticket.objects.values_list("status", flat=True).get(pk=plan.ticket_pk)
        counts["tickets"] += 1
        counts[f"status:{status}"] += 1


def _ticket_open(plan: _Planned, staff: dict[str, User]) -> None:
    ticket = ticket_create(data=_create_input(plan.spec, plan.contact, staff), now=plan.created_at)
    plan.ticket_pk = ticket.pk
    plan.agent = staff["secondline" if ticket.priority_rank in HIGH_RANKS else "firstline"]


def _step_run(plan: _Planned, step: int, staff: dict[str, User], at: datetime) -> None:
    """One step, on the ticket as it is now (a sweep may have changed it since)."""
    action = LIFECYCLES[plan.spec.life][step][0]
    ticket = Ticket.objects.get(pk=plan.ticket_pk)
    agent = plan.agent or staff["firstline"]
    STEPS[action](StepContext(ticket, plan.spec, plan.contact, agent, staff["coordinator"], at))


def anchor_monday(now: datetime) -> date:
    """Monday of the last full week before `now`: every demo step then lies in the past."""
    today = now.astimezone(AMSTERDAM).date()
    return today - timedelta(days=today.weekday() + 7)


def created_at(spec: TicketSpec, anchor: date) -> datetime:
    """When the ticket is reported: its week before the anchor week, weekday and local time."""
    weeks_back, weekday, hhmm = spec.when
    day = anchor - timedelta(weeks=weeks_back) + timedelta(days=weekday)
    local = datetime.combine(day, time.fromisoformat(hhmm), tzinfo=AMSTERDAM)
    return local.astimezone(UTC)


def _steps_check(spec: TicketSpec, start: datetime, now: datetime) -> None:
    minutes = sum(m for _, m in LIFECYCLES[spec.life])
    if start + timedelta(minutes=minutes) > now:
        raise DemoDataError(f"Demo ticket {spec.subject!r} would end after --now ({now}).")


def _create_input(spec: TicketSpec, contact: Contact, staff: dict[str, User]) -> TicketCreateInput:
    """Provider-native priority answers (D7): impact, CBG checklist, emergency or a level."""
    answers: dict[str, Any] = {}
    if spec.level == "business-critical":
        answers = {
            "business_critical_checklist": dict.fromkeys(BUSINESS_CRITICAL_CHECKS, True),
            "any_user_can_login": False,
        }
    elif spec.level == "emergency":
        answers = {"emergency": True}
    elif spec.level:
        answers = {"priority_level": spec.level}
    by_channel = {"phone": staff.get("firstline"), "email": None}
    return TicketCreateInput(
        contact=contact,
        request_type=spec.request_type,
        channel=spec.channel,
        subject=spec.subject,
        description=f"{spec.subject}.\n\n{_description(contact)}",
        policy_code=spec.policy,
        impact_scope=spec.impact[0],
        impact_effect=spec.impact[1],
        created_by=by_channel.get(spec.channel, contact.user),
        send_receipt=False,  # the demo's history is not mailed to anyone
        **answers,
    )


def _description(contact: Contact) -> str:
    if contact.language == "en":
        return f"Reported by {contact.name} ({contact.customer.name}). Demo ticket."
    return f"Gemeld door {contact.name} ({contact.customer.name}). Demoticket."
