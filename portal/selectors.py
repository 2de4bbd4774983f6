"""What a contact may see (DECISIONS D15). Every portal read goes through these."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import holidays
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.dates import WEEKDAYS

from contracts.calendars import DAY_KEYS, calendar_closed_days, calendar_for
from contracts.models import BusinessCalendar, Contract, ProviderChannel, ResolutionStart
from contracts.models import Contact as ContactModel
from contracts.selectors import calendar_revision_current, warning_percent_for
from escalation.models import Escalation
from tickets.models import Metric, SegmentState, SlaClock, Status, Ticket
from tickets.selectors import contact_is_manager, tickets_visible_to
from tickets.sla import warning_due

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


def contract_calendar(contract: Contract) -> BusinessCalendar | None:
    """The calendar the contract's clock uses today: its own or its package's, current revision."""
    row = contract.calendar or contract.package.default_calendar
    return calendar_revision_current(row) if row is not None else None


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


@dataclass(frozen=True)
class ClosedDayShown:
    day: date
    name: str


@dataclass(frozen=True)
class ClosedDaysYear:
    year: int
    remaining_only: bool  # this year: only the days from today on
    days: list[ClosedDayShown]


def closed_days_ahead(row: BusinessCalendar, *, today: date, language: str) -> list[ClosedDaysYear]:
    """This year's remaining and next year's closed days on which the weekly hours would open,
    with each holiday's name in `language` where the holiday source has it."""
    years = []
    for year in (today.year, today.year + 1):
        days = [
            ClosedDayShown(c.day, _holiday_name(row, c.day, language) or c.reason)
            for c in calendar_closed_days(calendar_row_or_spec=row, year=year)
            if not c.is_open and c.day >= today
        ]
        years.append(ClosedDaysYear(year, year == today.year, days))
    return years


def _holiday_name(row: BusinessCalendar, day: date, language: str) -> str:
    if not row.holiday_country:
        return ""
    names = _holiday_names(
        row.holiday_country,
        row.holiday_subdivision or None,
        tuple(row.holiday_categories) or ("public",),
        day.year,
        language,
    )
    return names.get(day, "")


@functools.cache
def _holiday_names(
    country: str, subdivision: str | None, categories: tuple[str, ...], year: int, language: str
) -> dict[date, str]:
    """Holiday names of one year in the page's language; empty if the source has no such
    language (the caller then shows the catalogue's English name)."""
    try:
        cls = holidays.country_holidays(country, subdiv=subdivision).__class__
    except NotImplementedError:
        return {}
    supported = getattr(cls, "supported_languages", ())
    chosen = next((lang for lang in supported if lang.split("_")[0] == language), None)
    if chosen is None:
        return {}
    table = cls(subdiv=subdivision, years=year, categories=categories, language=chosen)
    return {day: name.replace("; ", ", ") for day, name in table.items()}
