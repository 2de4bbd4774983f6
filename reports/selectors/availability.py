"""Availability, interruptions and maintenance of a contract over a period (SPEC §6, D22), as
the review pack shows them: per monitored service and month each window against its promise,
the broken promises listed like SLA breaches with the outages that caused them, every outage
(counted or left out, and why) and the maintenance performed. The figures are availability's
own selectors' (availability.selectors); this module only shapes them."""

from __future__ import annotations

from datetime import datetime

from availability.selectors import (
    OutageLine,
    ServiceMonth,
    availability_breaches,
    contract_availability,
    maintenance_performed,
)
from contracts.models import Contract
from reports.periods import Period, display_zone
from reports.selectors.common import moment
from reports.selectors.pack import (
    Availability,
    AvailabilityBreach,
    AvailabilityMonth,
    MaintenanceItem,
    OutageItem,
)


def _month(row: ServiceMonth) -> AvailabilityMonth:
    return AvailabilityMonth(
        service=row.service.name,
        month=f"{row.month:%Y-%m}",
        office_percent=row.office.percent,
        office_target=row.office.target,
        office_met=row.office.met,
        outside_percent=row.outside.percent,
        outside_target=row.outside.target,
        outside_met=row.outside.met,
        down_minutes=(row.office.down_seconds + row.outside.down_seconds) // 60,
        interruptions=row.interruptions,
        max_interruptions=row.max_interruptions,
        interruptions_met=row.interruptions_met,
    )


def _outage_text(line: OutageLine) -> str:
    """When, as a reader reads it in the display zone: "2026-11-13 10:00–12:00 (SD-…)"."""
    zone = display_zone()
    start = line.start.astimezone(zone)
    end = line.end.astimezone(zone) if line.end is not None else None
    if end is None:
        until = "…"
    else:
        until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%Y-%m-%d %H:%M}"
    tickets = f" ({', '.join(line.ticket_numbers)})" if line.ticket_numbers else ""
    return f"{start:%Y-%m-%d %H:%M}–{until}{tickets}"


def _outages(rows: list[ServiceMonth]) -> list[OutageItem]:
    """Each outage once (one that spans two months is listed at its start), in time order."""
    seen: dict[int, OutageItem] = {}
    for row in rows:
        for line in (*row.counted, *row.excluded):
            seen.setdefault(
                line.id,
                OutageItem(
                    service=row.service.name,
                    start=moment(line.start) or "",
                    end=moment(line.end),
                    planned=line.planned,
                    all_users=line.affects_all_users,
                    counted=not line.reason,
                    reason=line.reason_label,
                    tickets=list(line.ticket_numbers),
                ),
            )
    return sorted(seen.values(), key=lambda o: (o.start, o.service))


def availability(*, contract: Contract, period: Period, as_of: datetime) -> Availability | None:
    """None when the contract has no monitored service and no maintenance in the period."""
    rows = contract_availability(contract=contract, start=period.start, end=period.end, now=as_of)
    maintenance = maintenance_performed(contract=contract, start=period.start, end=period.end)
    if not rows and not maintenance:
        return None
    breaches = availability_breaches(
        contract=contract, start=period.start, end=period.end, now=as_of
    )
    return Availability(
        months=[_month(row) for row in rows],
        breaches=[
            AvailabilityBreach(
                service=b.service.name,
                month=f"{b.month:%Y-%m}",
                promise=b.kind,
                promise_label=b.kind_label,
                achieved=b.achieved,
                promised=b.promised,
                down_minutes=b.down_seconds // 60,
                outages=[_outage_text(line) for line in b.outages],
            )
            for b in breaches
        ],
        outages=_outages(rows),
        maintenance=[
            MaintenanceItem(
                title=m.title,
                services=list(m.service_names),
                start=moment(m.start) or "",
                end=moment(m.end) or "",
                status_label=m.status_label,
                inside_window=m.inside_window,
                notice_ok=m.notice_ok,
            )
            for m in maintenance
        ],
    )
