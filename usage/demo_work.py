"""The demo's work recorded on the demo tickets (`usage.demo_data.WORK`), through the one time
recording service: working days of a month, the ticket a piece of work lands on, and the
moments it is recorded and decided."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.db.models import Q

from contracts.businesstime import Calendar
from contracts.calendars import calendar_for
from contracts.models import Contract
from contracts.selectors import contract_calendar
from tickets.demo.data import AMSTERDAM
from tickets.models import Status, Ticket, TimeEntry
from usage.demo_data import COORDINATOR, Work
from usage.services.months import next_month
from usage.services.time import time_entry_billable_decide, time_entry_record

RECORDED_AFTER = timedelta(minutes=20)  # the engineer writes the time down after the work
DECIDED_AFTER = timedelta(hours=1)  # the coordinator looks at it later that day
# Work may land on a ticket raised up to this long before its month (or earlier, if none).
EARLIER_TICKETS = timedelta(days=21)
CREATED_BEFORE_WORK = timedelta(hours=1)

Months = dict[int, date]  # PREVIOUS and CURRENT -> the first day of that month
Step = tuple[datetime, int, Callable[[], object]]  # (moment, order within it, what happens)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local moment of a day."""
    return datetime.combine(day, time(hour, minute), AMSTERDAM)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=AMSTERDAM)


def working_days(month: date, calendars: list[Calendar]) -> list[date]:
    """The month's weekdays that no calendar of the demo contracts closes (public holidays)."""
    days, day = [], month
    while day < next_month(month):
        if day.weekday() < 5 and not any(day in c.closed for c in calendars):
            days.append(day)
        day += timedelta(days=1)
    return days


def demo_calendars(contracts: dict[str, Contract]) -> list[Calendar]:
    rows = (contract_calendar(c) for c in contracts.values())
    return [calendar_for(row) for row in rows if row is not None]


@dataclass(frozen=True)
class Planned:
    work: Work
    contract: Contract
    started_at: datetime
    month_start: datetime

    @property
    def ended_at(self) -> datetime:
        return self.started_at + timedelta(minutes=self.work.minutes)

    @property
    def recorded_at(self) -> datetime:
        return self.ended_at + RECORDED_AFTER


def work_planned(
    *,
    work: tuple[Work, ...],
    contracts: dict[str, Contract],
    months: Months,
    calendars: list[Calendar],
    now: datetime,
) -> list[Planned]:
    """The work at its moments; what would be recorded after `now` is not planned (yet)."""
    days = {offset: working_days(month, calendars) for offset, month in months.items()}
    planned = []
    for item in work:
        if item.customer not in contracts or item.day > len(days[item.month]):
            continue
        hour, minute = (int(part) for part in item.at.split(":"))
        start = datetime.combine(days[item.month][item.day - 1], time(hour, minute), AMSTERDAM)
        entry = Planned(item, contracts[item.customer], start, local_midnight(months[item.month]))
        if entry.recorded_at + DECIDED_AFTER <= now:
            planned.append(entry)
    return planned


def ticket_for(planned: Planned, *, taken: set[int]) -> Ticket | None:
    """The contract's latest ticket raised before the work (in its month or the few weeks
    before it), preferring one still open when the work was done; never a cancelled one, nor
    one in `taken` (the tickets of the other month's work: a job's lines stay in one month, so
    closing a month never needs a correction of the demo's own work)."""
    tickets = (
        Ticket.objects.filter(
            contract=planned.contract, created_at__lte=planned.started_at - CREATED_BEFORE_WORK
        )
        .exclude(status=Status.CANCELLED)
        .exclude(pk__in=taken)
    )
    recent = tickets.filter(created_at__gte=planned.month_start - EARLIER_TICKETS)
    tickets = (recent if recent.exists() else tickets).order_by("-created_at", "-pk")
    still_open = tickets.filter(Q(resolved_at__isnull=True) | Q(resolved_at__gt=planned.ended_at))
    return still_open.first() or tickets.first()


def work_record(
    *, planned: Planned, ticket: Ticket, people: dict[str, User], counts: Counter[str]
) -> TimeEntry:
    """One piece of work through the time recording service (its lines and EDE hours follow),
    and the coordinator's decision on it when the plan has one."""
    work = planned.work
    entry = time_entry_record(
        ticket=ticket,
        user=people[work.user],
        started_at=planned.started_at,
        minutes=work.minutes,
        category=work.category,
        note=work.note,
        now=planned.recorded_at,
        distance_km=work.km,
    )
    counts["time entries"] += 1
    if work.billable is not None:
        billable, reason = work.billable
        time_entry_billable_decide(
            entry=entry,
            billable=billable,
            reason=reason,
            by=people[COORDINATOR],
            now=planned.recorded_at + DECIDED_AFTER,
        )
        counts["billable decisions"] += 1
    return entry
