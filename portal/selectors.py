"""What a contact may see (DECISIONS D15). Every portal read goes through these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.http import Http404

from contracts.models import Contact as ContactModel
from contracts.models import Contract, ResolutionStart
from escalation.models import Escalation
from tickets.models import Metric, SegmentState, SlaClock, Status, Ticket
from tickets.selectors import contact_is_manager, tickets_visible_to

__all__ = ["contact_is_manager", "tickets_visible"]


def tickets_visible(contact: ContactModel, *, everything: bool = False) -> QuerySet[Ticket]:
    return tickets_visible_to(contact, everything=everything)


def ticket_visible(contact: ContactModel, number: str) -> Ticket:
    """One ticket, or 404 — also for another organisation's ticket (never 403: no leak)."""
    ticket = (
        tickets_visible(contact, everything=True)
        .select_related("contract__package", "sla_target", "sla_policy", "contact", "provider")
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def contracts_visible(contact: ContactModel) -> QuerySet[Contract]:
    return Contract.objects.filter(customer_id=contact.customer_id).select_related(
        "package__release__provider", "provider", "calendar", "package__default_calendar"
    )


def ticket_escalation_level(ticket: Ticket) -> int | None:
    """The highest open escalation level of the ticket (warnings excluded)."""
    levels = Escalation.objects.filter(
        ticket=ticket, level__gte=1, resolved_at__isnull=True
    ).values_list("level", flat=True)
    return max(levels, default=None)


@dataclass(frozen=True)
class ClockView:
    metric: str
    due_at: datetime | None
    state: str  # met / missed / breached / at_risk / running / paused / not_started / no_target


def sla_panel(ticket: Ticket, now: datetime) -> dict[str, object]:
    """What the customer sees of the SLA (D4-D7): due times, state, time paused for them."""
    clocks = {c.metric: c for c in ticket.clocks.all()}
    views = []
    for metric in (Metric.RESPONSE, Metric.RESOLUTION):
        clock = clocks.get(metric)
        views.append(
            ClockView(metric, clock.due_at if clock else None, _clock_state(ticket, clock, now))
        )
    paused = sum(
        (
            (s.ended_at or now) - s.started_at
            for s in ticket.segments.all()
            if s.state == SegmentState.PAUSED and s.reason == "waiting for customer"
        ),
        timedelta(0),
    )
    root_cause_rule = bool(
        ticket.sla_policy
        and ticket.sla_policy.resolution_start == ResolutionStart.ROOT_CAUSE_IDENTIFIED
    )
    return {
        "clocks": views,
        "paused": paused,
        "root_cause_rule": root_cause_rule,
        "escalation_level": ticket_escalation_level(ticket),
    }


def _clock_state(ticket: Ticket, clock: SlaClock | None, now: datetime) -> str:
    if clock is None:
        return "no_target"
    if clock.stopped_at is not None:
        return "met" if clock.met else ("missed" if clock.met is False else "stopped")
    if clock.started_at is None:
        return "not_started"
    if clock.due_at is None or ticket.status == Status.WAITING_FOR_CUSTOMER:
        return "paused"
    if now >= clock.due_at:
        return "breached"
    elapsed = (now - clock.started_at).total_seconds()
    window = (clock.due_at - clock.started_at).total_seconds() or 1
    return "at_risk" if elapsed / window >= 0.75 else "running"
