"""The steps of a demo ticket's life cycle, each through a ticket service at its own time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User

from contracts.models import Contact
from tickets.demo.tickets_data import SURVEYS, TEXTS, TicketSpec
from tickets.models import Channel, Line, ResolutionKind, Status, Ticket
from tickets.services import (
    ticket_assign,
    ticket_change_priority,
    ticket_mark_complete,
    ticket_record_root_cause,
    ticket_reply,
    ticket_resolve,
    ticket_set_line,
    ticket_survey_answer,
    ticket_transition,
)


@dataclass(frozen=True)
class StepContext:
    ticket: Ticket
    spec: TicketSpec
    contact: Contact
    agent: User
    coordinator: User
    at: datetime


Step = Callable[[StepContext], Ticket]


def _text(key: str, contact: Contact) -> str:
    dutch, english = TEXTS[key]
    return english if contact.language == "en" else dutch


def _say(s: StepContext, key: str, channel: str, *, by_customer: bool = False) -> None:
    """A public message in the contact's language, from the agent or from the contact."""
    ticket_reply(
        ticket=s.ticket,
        body=_text(key, s.contact),
        now=s.at,
        channel=channel,
        author_user=None if by_customer else s.agent,
        author_contact=s.contact if by_customer else None,
    )


def _transition(to_status: str, reason: str = "", *, by_customer: bool = False) -> Step:
    """A step moving the ticket to `to_status`, done by the agent or by the contact."""

    def step(s: StepContext) -> Ticket:
        return ticket_transition(
            ticket=s.ticket,
            to_status=to_status,
            now=s.at,
            actor=None if by_customer else s.agent,
            contact=s.contact if by_customer else None,
            reason=reason,
        )

    return step


def _resolve(kind: str) -> Step:
    """A step resolving the ticket with a fix or a workaround (the text of the same key)."""

    def step(s: StepContext) -> Ticket:
        text = _text(kind, s.contact)
        return ticket_resolve(ticket=s.ticket, kind=kind, text=text, now=s.at, actor=s.agent)

    return step


def _step_assign(s: StepContext) -> Ticket:
    """The coordinator hands the ticket to an engineer, at the engineer's line."""
    ticket = s.ticket
    if s.agent.groups.filter(name="Second line").exists():
        ticket = ticket_set_line(ticket=ticket, line=Line.SECOND, now=s.at, actor=s.coordinator)
    return ticket_assign(ticket=ticket, assignee=s.agent, now=s.at, actor=s.coordinator)


def _step_reply(s: StepContext) -> Ticket:
    _say(s, "reply", Channel.PHONE if s.spec.channel == "phone" else Channel.EMAIL)
    return _fresh(s.ticket)


def _step_ask(s: StepContext) -> Ticket:
    _say(s, "ask", Channel.PORTAL)
    return _transition(Status.WAITING_FOR_CUSTOMER, "information requested")(s)


def _step_customer(s: StepContext) -> Ticket:
    _say(s, "customer", Channel.EMAIL, by_customer=True)
    return _fresh(s.ticket)


def _step_root_cause(s: StepContext) -> Ticket:
    return ticket_record_root_cause(
        ticket=s.ticket, text=_text("root_cause", s.contact), now=s.at, actor=s.agent
    )


def _step_priority(s: StepContext) -> Ticket:
    return ticket_change_priority(
        ticket=s.ticket,
        level=s.spec.new_level,
        reason="Impact larger than reported: several users affected.",
        now=s.at,
        actor=s.coordinator,
    )


def _fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.get(pk=ticket.pk)


def _step_start(s: StepContext) -> Ticket:
    """The first line checks the request complete (TKT-06), then work starts."""
    if s.ticket.completeness_checked_at is None:
        ticket_mark_complete(ticket=s.ticket, now=s.at, actor=s.agent)
    return _transition(Status.IN_PROGRESS)(s)


def _survey(kind: str) -> Step:
    """The contact answers the satisfaction survey: a score and a comment in their language."""
    score, key = SURVEYS[kind]

    def step(s: StepContext) -> Ticket:
        comment = _text(key, s.contact)
        ticket_survey_answer(
            ticket=s.ticket, contact=s.contact, score=score, comment=comment, now=s.at
        )
        return _fresh(s.ticket)

    return step


STEPS: dict[str, Step] = {
    "assign": _step_assign,
    "reply": _step_reply,
    "start": _step_start,
    "ask": _step_ask,
    "customer": _step_customer,
    "vendor": _transition(Status.WAITING_FOR_VENDOR, "escalated to the vendor"),
    "root_cause": _step_root_cause,
    "priority": _step_priority,
    "fix": _resolve(ResolutionKind.FIX),
    "workaround": _resolve(ResolutionKind.WORKAROUND),
    "close": _transition(Status.CLOSED, "resolution confirmed by the customer"),
    **{kind: _survey(kind) for kind in SURVEYS},
    "cancel": _transition(
        Status.CANCELLED, "withdrawn by the customer: the problem went away", by_customer=True
    ),
}
