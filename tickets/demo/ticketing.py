"""Demo tickets: created through `ticket_create` at fixed times relative to an anchor week,
then taken through their life cycle (`tickets.demo.steps`)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import User

from contracts.models import Contact
from tickets.demo import DemoDataError
from tickets.demo.data import AMSTERDAM, CUSTOMERS, contact_email
from tickets.demo.steps import STEPS, StepContext
from tickets.demo.tickets_data import HIGH_RANKS, LIFECYCLES, TICKETS, TicketSpec
from tickets.models import Ticket
from tickets.services import TicketCreateInput, ticket_create
from tickets.services.create import BUSINESS_CRITICAL_CHECKS


def tickets_create(*, staff: dict[str, User], now: datetime, counts: Counter[str]) -> None:
    """Every demo ticket, oldest first, each taken through its life cycle."""
    anchor = _anchor_monday(now)
    contacts = {c.email: c for c in Contact.objects.select_related("user", "customer")}
    domains = {c.code: c.domain for c in CUSTOMERS}
    planned = sorted(TICKETS, key=lambda s: _created_at(s, anchor))
    for spec in planned:
        contact = contacts[contact_email(spec.contact, domains[spec.customer])]
        created_at = _created_at(spec, anchor)
        _steps_check(spec, created_at, now)
        ticket = ticket_create(data=_create_input(spec, contact, staff), now=created_at)
        ticket = _lifecycle_run(ticket, spec, contact, staff, created_at)
        counts["tickets"] += 1
        counts[f"status:{ticket.status}"] += 1


def _anchor_monday(now: datetime) -> date:
    """Monday of the last full week before `now`: every demo step then lies in the past."""
    today = now.astimezone(AMSTERDAM).date()
    return today - timedelta(days=today.weekday() + 7)


def _created_at(spec: TicketSpec, anchor: date) -> datetime:
    weeks_back, weekday, hhmm = spec.when
    day = anchor - timedelta(weeks=weeks_back) + timedelta(days=weekday)
    local = datetime.combine(day, time.fromisoformat(hhmm), tzinfo=AMSTERDAM)
    return local.astimezone(UTC)


def _steps_check(spec: TicketSpec, created_at: datetime, now: datetime) -> None:
    minutes = sum(m for _, m in LIFECYCLES[spec.life])
    if created_at + timedelta(minutes=minutes) > now:
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


def _lifecycle_run(
    ticket: Ticket,
    spec: TicketSpec,
    contact: Contact,
    staff: dict[str, User],
    created_at: datetime,
) -> Ticket:
    at = created_at
    agent = staff["secondline" if ticket.priority_rank in HIGH_RANKS else "firstline"]
    for action, minutes in LIFECYCLES[spec.life]:
        at += timedelta(minutes=minutes)
        step = StepContext(ticket, spec, contact, agent, staff["coordinator"], at)
        ticket = STEPS[action](step)
    return ticket
