"""What the availability pages and the API show of one contract for a period of months: the
figures per month and service, the broken promises and the maintenance performed, in a
bounded number of queries (``contract_availability`` once, ``maintenance_performed`` once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from availability.models import MaintenanceStatus, MonitoredService, PlannedMaintenance
from availability.rules.windows import month_next
from availability.selectors import (
    AvailabilityBreach,
    MaintenanceLine,
    ServiceMonth,
    breaches_of,
    contract_availability,
    maintenance_performed,
)
from contracts.models import Contract

MAX_MONTHS = 36


@dataclass(frozen=True)
class Period:
    """Whole months: ``first`` to ``last`` included. ``error`` (and the field it is about) when
    the text asked for was no period; the months are then the default."""

    first: date
    last: date
    error: str = ""
    error_field: str = ""

    @property
    def end(self) -> date:
        """The day after the period."""
        return month_next(self.last)


def _month(text: str) -> date | None:
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return date(year, month, 1) if 1 <= year <= 9999 and len(text.strip()) <= 7 else None
    except ValueError:
        return None


def period_from_text(
    *, month: str | None, start: str | None, end: str | None, today: date
) -> Period:
    """?month=YYYY-MM, or ?start=YYYY-MM&end=YYYY-MM (either may be left out), else this month."""
    this_month = today.replace(day=1)
    default = Period(this_month, this_month)
    texts = {"month": month or "", "start": start or "", "end": end or ""}
    values: dict[str, date] = {}
    for name, text in texts.items():
        if text.strip():
            value = _month(text)
            if value is None:
                return Period(this_month, this_month, _("Give the month as YYYY-MM."), name)
            values[name] = value
    if "month" in values:
        return Period(values["month"], values["month"])
    if not values:
        return default
    first = values.get("start", values.get("end", this_month))
    last = values.get("end", max(first, this_month))
    if last < first:
        return Period(this_month, this_month, _("The last month comes before the first."), "end")
    if (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
        problem = _("Ask for at most %(count)s months at once.") % {"count": MAX_MONTHS}
        return Period(this_month, this_month, problem, "end")
    return Period(first, last)


@dataclass(frozen=True)
class MonthBlock:
    month: date
    rows: tuple[ServiceMonth, ...]

    @property
    def broken(self) -> bool:
        return any(row.broken for row in self.rows)


@dataclass(frozen=True)
class AvailabilityReport:
    contract: Contract
    period: Period
    months: tuple[MonthBlock, ...]
    breaches: tuple[AvailabilityBreach, ...]
    maintenance: tuple[MaintenanceLine, ...]

    @property
    def rows(self) -> list[ServiceMonth]:
        return [row for block in self.months for row in block.rows]


def availability_report(
    *, contract: Contract, period: Period, now: datetime, with_maintenance: bool = True
) -> AvailabilityReport:
    """The contract's availability over the period (this month counts until ``now``)."""
    rows = contract_availability(contract=contract, start=period.first, end=period.end, now=now)
    months: dict[date, list[ServiceMonth]] = {}
    for row in rows:
        months.setdefault(row.month, []).append(row)
    maintenance = (
        maintenance_performed(contract=contract, start=period.first, end=period.end)
        if with_maintenance
        else []
    )
    return AvailabilityReport(
        contract=contract,
        period=period,
        months=tuple(MonthBlock(month, tuple(items)) for month, items in months.items()),
        breaches=tuple(breaches_of(rows)),
        maintenance=tuple(maintenance),
    )


def maintenance_announced_for_contract(
    *, contract_id: int, now: datetime
) -> list[PlannedMaintenance]:
    """Announced maintenance on the contract's services that is not over, with those services
    (the portal's contract page): two queries."""
    services = MonitoredService.objects.filter(contract_id=contract_id).order_by("name")
    return list(
        PlannedMaintenance.objects.filter(
            pk__in=PlannedMaintenance.objects.filter(
                services__contract_id=contract_id,
                status=MaintenanceStatus.PLANNED,
                announced_at__isnull=False,
                end__gt=now,
            ).values("pk")
        )
        .prefetch_related(Prefetch("services", queryset=services))
        .order_by("start", "pk")
    )
