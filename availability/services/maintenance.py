"""Plan and cancel maintenance; tell the customers (SPEC AVL-10..12, DECISIONS D22).

Planning checks the window and the notice on the provider's calendar: work inside the window
needs no notice; work outside it needs 5 working days, else it is refused with the last day it
could have been announced, unless a coordinator gives a reason, when it is planned and flagged.
The announcement goes out at once (outbox rows in this transaction, one per contact).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from availability.exceptions import MaintenanceRefused
from availability.models import (
    AnnouncementKind,
    MaintenanceStatus,
    MonitoredService,
    PlannedMaintenance,
)
from availability.rules.maintenance import inside_window, notice_in_time, notice_last_day
from availability.selectors import contract_pure_calendar, maintenance_window_spec
from availability.services.announcements import maintenance_tell
from contracts.models import Provider


@dataclass(frozen=True)
class MaintenanceInput:
    provider: Provider
    services: Sequence[MonitoredService]
    title: str
    start: datetime
    end: datetime
    description: str = ""
    override_reason: str = ""


def _basic_problem(data: MaintenanceInput, now: datetime) -> str:
    if not data.title.strip():
        return _("Give the maintenance a title.")
    if not data.services:
        return _("Choose the services the maintenance affects.")
    if any(s.contract.provider_id != data.provider.pk for s in data.services):
        return _("Choose only services of the provider's own contracts.")
    if data.end <= data.start:
        return _("The maintenance must end after it starts.")
    if data.start <= now:
        return _("Maintenance can only be planned ahead.")
    return ""


def maintenance_notice(data: MaintenanceInput, now: datetime) -> tuple[bool, bool]:
    """(inside the window, announced in time when announced ``now``) for valid input."""
    spec = maintenance_window_spec(data.provider)
    inside = spec is not None and inside_window(data.start, data.end, spec)
    calendar = contract_pure_calendar(data.services[0].contract)
    in_time = inside or notice_in_time(announced_at=now, start=data.start, calendar=calendar)
    return inside, in_time


def maintenance_problem(data: MaintenanceInput, now: datetime) -> str:
    """Why the maintenance cannot be planned like this, or "" (the forms show it too)."""
    problem = _basic_problem(data, now)
    if problem:
        return problem
    _inside, in_time = maintenance_notice(data, now)
    if in_time or data.override_reason.strip():
        return ""
    calendar = contract_pure_calendar(data.services[0].contract)
    last = formats.date_format(notice_last_day(data.start, calendar), "DATE_FORMAT")
    return _(
        "Maintenance outside the maintenance window must be announced 5 working days "
        "ahead; for this start that was %(date)s at the latest. Choose a later start, "
        "or give the reason it cannot wait."
    ) % {"date": last}


@transaction.atomic
def maintenance_plan(*, data: MaintenanceInput, by: Any, now: datetime) -> PlannedMaintenance:
    """Plan and announce maintenance; the contacts of every affected contract are mailed."""
    problem = maintenance_problem(data, now)
    if problem:
        raise MaintenanceRefused(problem)
    inside, in_time = maintenance_notice(data, now)
    maintenance = PlannedMaintenance.objects.create(
        provider=data.provider,
        title=data.title.strip(),
        description=data.description.strip(),
        start=data.start,
        end=data.end,
        announced_at=now,
        inside_window=inside,
        notice_ok=in_time,
        override_reason="" if in_time else data.override_reason.strip(),
        created_by=by,
        created_at=now,
    )
    maintenance.services.set(data.services)
    maintenance_tell(maintenance=maintenance, kind=AnnouncementKind.ANNOUNCEMENT, now=now)
    return maintenance


@transaction.atomic
def maintenance_cancel(*, maintenance: PlannedMaintenance, now: datetime) -> PlannedMaintenance:
    """Cancel planned maintenance; whoever was told it was coming is told it is off."""
    changed = PlannedMaintenance.objects.filter(
        pk=maintenance.pk, status=MaintenanceStatus.PLANNED, end__gt=now
    ).update(status=MaintenanceStatus.CANCELLED, cancelled_at=now)
    if not changed:
        raise MaintenanceRefused(_("Only planned maintenance that is not over can be cancelled."))
    maintenance.refresh_from_db()
    maintenance_tell(maintenance=maintenance, kind=AnnouncementKind.CANCELLATION, now=now)
    return maintenance
