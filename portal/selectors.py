"""What a contact may see (DECISIONS D15). Every portal read goes through these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.dates import WEEKDAYS

from contracts.calendar_days import ClosedDayShown, ClosedDaysYear, closed_days_ahead
from contracts.calendars import DAY_KEYS, calendar_for
from contracts.models import BusinessCalendar, Contract, ProviderChannel, ResolutionStart
from contracts.models import Contact as ContactModel
from contracts.selectors import contract_calendar, warning_percent_for
from escalation.models import Escalation
from tickets.models import Metric, SegmentState, SlaClock, Status, Ticket
from tickets.selectors import contact_is_manager, tickets_visible_to
from tickets.sla import warning_due

# Moved down to contracts (the API shows them too); re-exported for the portal's pages.
__all__ = [
    "ClosedDayShown",
    "ClosedDaysYear",
    "closed_days_ahead",
    "contact_is_manager",
    "contract_calendar",
    "tickets_visible",
]


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
        state = _clock_state(ticket, clock, now)
        if state == "running" and clock is not None and _at_risk(ticket, clock, now):
            state = "at_risk"
        views.append(ClockView(metric, clock.due_at if clock else None, state))
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
    return "running"


def _at_risk(ticket: Ticket, clock: SlaClock, now: datetime) -> bool:
    """The one definition of "at risk" (tickets.sla.warning_due): the policy's warning share of
    the clock's business-time budget has run."""
    if ticket.calendar is None or clock.started_at is None:
        return False
    pauses = [
        (s.started_at, s.ended_at) for s in ticket.segments.all() if s.state == SegmentState.PAUSED
    ]
    warn = warning_due(
        start=clock.started_at,
        budget_seconds=clock.budget_seconds,
        warning_percent=warning_percent_for(ticket.contract),
        pauses=sorted(pauses, key=lambda p: p[0]),
        calendar=calendar_for(ticket.calendar),
    )
    return warn is not None and now >= warn


# --- the contract page (issue #11 §4, §5) -------------------------------------------------------


def contract_channels(contract: Contract) -> QuerySet[ProviderChannel]:
    """The provider's channels for the contract's own package: a channel the catalogue gives
    no packages applies to every package of its release."""
    package = contract.package
    return (
        ProviderChannel.objects.filter(release_id=package.release_id)
        .filter(Q(packages=None) | Q(packages=package.pk))
        .distinct()
        .order_by("-preferred", "kind", "pk")
    )


@dataclass(frozen=True)
class OpeningDay:
    name: str  # localised weekday name ("maandag" / "Monday")
    hours: str  # "08:30–12:00, 13:00–17:30"


def opening_hours(row: BusinessCalendar) -> list[OpeningDay]:
    """Weekly opening hours, Monday first, in the active language (Django's weekday names)."""
    days = []
    for index, key in enumerate(DAY_KEYS):
        intervals = row.hours.get(key) or []
        if intervals:
            hours = ", ".join(f"{start}–{end}" for start, end in intervals)
            days.append(OpeningDay(str(WEEKDAYS[index]), hours))
    return days
