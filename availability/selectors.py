"""Reads of availability: the interface the back-office, the portal, the API and the review
packs use (SPEC §6, D22). The arithmetic is the pure ``availability.rules``; this module only
fetches rows, in a bounded number of queries whatever the number of outages or tickets."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from availability.models import (
    ExclusionReason,
    MaintenanceStatus,
    MaintenanceWindow,
    MonitoredService,
    Outage,
    PlannedMaintenance,
)
from availability.rules.figures import (
    SOME_USERS,
    MonthFigures,
    OutageFacts,
    WindowFigures,
    month_figures,
)
from availability.rules.intervals import moment
from availability.rules.maintenance import MaintenanceWindowSpec
from availability.rules.targets import DEFAULT_MAINTENANCE_WINDOWS, Targets
from availability.rules.windows import MonthWindows, month_next, month_windows, months_between
from contracts.businesstime import Calendar
from contracts.calendars import calendar_for
from contracts.models import Contract, Provider
from contracts.selectors import contract_calendar
from tickets.models import Ticket

ALWAYS_OPEN = Calendar(
    code="24x7", tz=ZoneInfo("Europe/Amsterdam"), weekly=((),) * 7, always_open=True
)

# Which promise a breach broke.
OFFICE = "office"
OUTSIDE = "outside"
INTERRUPTIONS = "interruptions"


@dataclass(frozen=True)
class OutageLine:
    """An outage as a report lists it; ``reason`` is "" when it counted."""

    id: int
    service_id: int
    start: datetime
    end: datetime | None
    planned: bool
    affects_all_users: bool
    reason: str
    reason_label: str
    description: str
    ticket_numbers: tuple[str, ...]


@dataclass(frozen=True)
class ServiceMonth:
    """One monitored service of one contract in one calendar month."""

    contract_id: int
    service: MonitoredService
    month: date
    office: WindowFigures
    outside: WindowFigures
    interruptions: int
    max_interruptions: int | None
    interruptions_met: bool | None
    met: bool | None  # None: no target to judge
    counted: tuple[OutageLine, ...]
    excluded: tuple[OutageLine, ...]

    @property
    def broken(self) -> tuple[str, ...]:
        """The promises broken this month: OFFICE, OUTSIDE and/or INTERRUPTIONS."""
        flags = ((OFFICE, self.office.met), (OUTSIDE, self.outside.met))
        broken = [name for name, met in flags if met is False]
        if self.interruptions_met is False:
            broken.append(INTERRUPTIONS)
        return tuple(broken)


@dataclass(frozen=True)
class AvailabilityBreach:
    """A broken availability promise, listed like an SLA breach: what, when, how far, why."""

    contract_id: int
    service: MonitoredService
    month: date
    kind: str  # OFFICE, OUTSIDE or INTERRUPTIONS
    kind_label: str
    achieved: str  # "99.12 %" or "4"
    promised: str  # "99.50 %" or "3"
    down_seconds: int
    outages: tuple[OutageLine, ...]  # the counted outages: the cause


@dataclass(frozen=True)
class MaintenanceLine:
    id: int
    title: str
    description: str
    start: datetime
    end: datetime
    status: str
    status_label: str
    inside_window: bool
    notice_ok: bool
    announced_at: datetime | None
    override_reason: str
    service_names: tuple[str, ...]


def reason_label(code: str) -> str:
    """The reader's words for why an outage was left out."""
    if code == SOME_USERS:
        return _("only some users affected (an incident)")
    return str(ExclusionReason(code).label) if code in ExclusionReason.values else code


def maintenance_window_spec(provider: Provider) -> MaintenanceWindowSpec | None:
    """The provider's window: its stored row, else the catalogue default, else none."""
    row = MaintenanceWindow.objects.filter(provider=provider).first()
    if row is not None:
        return MaintenanceWindowSpec(
            weekdays=frozenset(int(day) for day in row.weekdays),
            start=row.start_time,
            end=row.end_time,
            tz=ZoneInfo(row.timezone),
        )
    default = DEFAULT_MAINTENANCE_WINDOWS.get(provider.code)
    if default is None:
        return None
    return MaintenanceWindowSpec(
        weekdays=default.weekdays,
        start=default.start,
        end=default.end,
        tz=ZoneInfo("Europe/Amsterdam"),
    )


def contract_pure_calendar(contract: Contract) -> Calendar:
    """The provider's business calendar of the contract (office hours); 24x7 when it has none."""
    row = contract_calendar(contract)
    return calendar_for(row) if row is not None else ALWAYS_OPEN


def _facts(outage: Outage) -> OutageFacts:
    return OutageFacts(
        key=outage.pk,
        start=outage.start,
        end=outage.end,
        planned=outage.planned,
        affects_all_users=outage.affects_all_users,
        exclusion_reason=outage.exclusion_reason,
    )


def _line(outage: Outage, reason: str) -> OutageLine:
    return OutageLine(
        id=outage.pk,
        service_id=outage.service_id,
        start=outage.start,
        end=outage.end,
        planned=outage.planned,
        affects_all_users=outage.affects_all_users,
        reason=reason,
        reason_label=reason_label(reason) if reason else "",
        description=outage.description,
        ticket_numbers=tuple(sorted(t.number for t in outage.tickets.all())),
    )


def _targets(service: MonitoredService) -> Targets:
    return Targets(
        office_percent=service.office_target_percent,
        outside_percent=service.outside_target_percent,
        max_interruptions=service.max_interruptions,
        basis=service.target_basis,
    )


def _contract_months(contract: Contract, start: date, end: date) -> list[date]:
    """Months of [start, end) in which the contract ran."""
    return [
        month
        for month in months_between(start, end)
        if (contract.end_date is None or month <= contract.end_date)
        and contract.start_date < month_next(month)
    ]


def _service_month(
    service: MonitoredService,
    windows: MonthWindows,
    outages: Sequence[Outage],
    spec: MaintenanceWindowSpec | None,
    until: datetime | None,
) -> ServiceMonth:
    figures: MonthFigures = month_figures(
        windows=windows,
        outages=[_facts(o) for o in outages],
        targets=_targets(service),
        window=spec,
        until=until,
    )
    by_id = {o.pk: o for o in outages}
    return ServiceMonth(
        contract_id=service.contract_id,
        service=service,
        month=figures.month,
        office=figures.office,
        outside=figures.outside,
        interruptions=figures.interruptions,
        max_interruptions=figures.max_interruptions,
        interruptions_met=figures.interruptions_met,
        met=figures.met,
        counted=tuple(_line(by_id[key], "") for key in figures.counted),
        excluded=tuple(_line(by_id[key], reason) for key, reason in figures.excluded),
    )


def _outages_by_service(
    services: Sequence[MonitoredService], first: datetime, last: datetime
) -> dict[int, list[Outage]]:
    """Every outage touching [first, last] (touching: it may join an interruption across the
    edge), with its tickets: two queries."""
    rows = (
        Outage.objects.filter(service__in=[s.pk for s in services], start__lte=last)
        .filter(Q(end__isnull=True) | Q(end__gte=first))
        .prefetch_related(Prefetch("tickets", queryset=Ticket.objects.only("id", "number")))
        .order_by("start", "pk")
    )
    grouped: dict[int, list[Outage]] = defaultdict(list)
    for row in rows:
        grouped[row.service_id].append(row)
    return grouped


def contract_availability(
    *, contract: Contract, start: date, end: date, now: datetime | None = None
) -> list[ServiceMonth]:
    """Every month of [start, end) the contract ran, for each of its monitored services (active
    ones, and inactive ones with outages then), in month then service order. An ongoing outage
    counts until ``now`` (default: the end of its month)."""
    months = _contract_months(contract, start, end)
    services = list(MonitoredService.objects.filter(contract=contract).select_related("contract"))
    if not months or not services:
        return []
    calendar = contract_pure_calendar(contract)
    windows = [month_windows(month, calendar) for month in months]
    outages = _outages_by_service(
        services, moment(windows[0].bounds[0]), moment(windows[-1].bounds[1])
    )
    spec = maintenance_window_spec(contract.provider)
    result: list[ServiceMonth] = []
    for month in windows:
        for service in services:
            if service.is_active or outages.get(service.pk):
                result.append(
                    _service_month(service, month, outages.get(service.pk, []), spec, now)
                )
    return result


def _percent(value: object) -> str:
    return f"{value} %"


def _breach(row: ServiceMonth, kind: str) -> AvailabilityBreach:
    if kind == INTERRUPTIONS:
        label, achieved, promised = (
            _("interruptions"),
            str(row.interruptions),
            str(row.max_interruptions),
        )
        down = row.office.down_seconds + row.outside.down_seconds
    else:
        window = row.office if kind == OFFICE else row.outside
        label = (
            _("availability in office hours")
            if kind == OFFICE
            else _("availability outside office hours")
        )
        achieved, promised, down = (
            _percent(window.percent),
            _percent(window.target),
            window.down_seconds,
        )
    return AvailabilityBreach(
        contract_id=row.contract_id,
        service=row.service,
        month=row.month,
        kind=kind,
        kind_label=label,
        achieved=achieved,
        promised=promised,
        down_seconds=down,
        outages=row.counted,
    )


def availability_breaches(
    *, contract: Contract, start: date, end: date, now: datetime | None = None
) -> list[AvailabilityBreach]:
    """The broken availability promises of [start, end): one line per service, month and
    promise (office hours, outside office hours, interruptions), with the outages that caused it."""
    return breaches_of(contract_availability(contract=contract, start=start, end=end, now=now))


def breaches_of(rows: Sequence[ServiceMonth]) -> list[AvailabilityBreach]:
    """The broken promises of figures already computed (no query)."""
    return [_breach(row, kind) for row in rows for kind in row.broken]


def maintenance_performed(*, contract: Contract, start: date, end: date) -> list[MaintenanceLine]:
    """Maintenance on the contract's services that started in [start, end) (local dates of the
    provider's calendar) and was not cancelled, in time order."""
    tz = contract_pure_calendar(contract).tz
    first = datetime.combine(start, time(0), tzinfo=tz)
    last = datetime.combine(end, time(0), tzinfo=tz)
    rows = (
        PlannedMaintenance.objects.filter(
            services__contract=contract, start__gte=first, start__lt=last
        )
        .exclude(status=MaintenanceStatus.CANCELLED)
        .distinct()
        .prefetch_related(
            Prefetch("services", queryset=MonitoredService.objects.filter(contract=contract))
        )
        .order_by("start", "pk")
    )
    return [
        MaintenanceLine(
            id=row.pk,
            title=row.title,
            description=row.description,
            start=row.start,
            end=row.end,
            status=row.status,
            status_label=str(row.get_status_display()),
            inside_window=row.inside_window,
            notice_ok=row.notice_ok,
            announced_at=row.announced_at,
            override_reason=row.override_reason,
            service_names=tuple(sorted(s.name for s in row.services.all())),
        )
        for row in rows
    ]


def maintenance_announced_for_customer(
    *, customer_id: int, now: datetime
) -> list[PlannedMaintenance]:
    """Announced maintenance on the customer's services that is not over yet (the portal's
    banner): one query."""
    return list(
        PlannedMaintenance.objects.filter(
            services__contract__customer_id=customer_id,
            status=MaintenanceStatus.PLANNED,
            announced_at__isnull=False,
            end__gt=now,
        )
        .distinct()
        .order_by("start", "pk")
    )


def outage_of_ticket(ticket_id: int) -> Outage | None:
    """The outage a ticket is linked to, if any (the work page shows it): one query."""
    return (
        Outage.objects.filter(tickets=ticket_id)
        .select_related("service")
        .order_by("start", "pk")
        .first()
    )
