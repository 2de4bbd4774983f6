"""EDE hours deducted from EDE time entries (CON-51, 53, 54; D20).

An entry of category `ede` on a Microsoft work order takes minutes / 60 hours from the EDE
balance, once: the ledger row points at the entry and the link is unique. Refused when the work
lies outside EDE hours (09:00-17:30 on business days of the work order's calendar), when too few
hours are left, or when the agreement has ended (EDE ends with it). Called by the one time
recording service in the same transaction, so a refusal also refuses the entry."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from contracts.businesstime import Calendar
from contracts.calendars import calendar_for
from contracts.models import Contract, EntitlementKind, EntitlementMovement, MovementCause
from contracts.selectors import contract_calendar
from tickets.models import TimeEntry
from usage.credits import ede_hours, ede_within_hours
from usage.exceptions import EdeRefused
from usage.selectors_microsoft import ledger_balance
from usage.services.microsoft.common import (
    contract_lock,
    ended_text,
    hours_text,
    is_microsoft,
    local_today,
    work_order_ended,
)

EDE_CATEGORY = "ede"


def _base_calendar(contract: Contract) -> Calendar:
    """The work order's calendar (time zone, holidays); without one, the display zone."""
    row = contract_calendar(contract)
    if row is not None:
        return calendar_for(row)
    return Calendar(code="ede-default", tz=ZoneInfo(settings.DISPLAY_TIME_ZONE), weekly=((),) * 7)


def _refusal(contract: Contract, entry: TimeEntry, now: datetime) -> str | None:
    if not is_microsoft(contract):
        return _("EDE hours exist only on Microsoft work orders.")
    work_ended = entry.started_at + timedelta(minutes=entry.minutes)
    if work_order_ended(contract, local_today(now)) or work_order_ended(
        contract, local_today(work_ended)
    ):
        return ended_text(contract) + " " + _("EDE ends with the agreement.")
    if not ede_within_hours(entry.started_at, entry.minutes, _base_calendar(contract)):
        return _(
            "EDE is worked only 09:00-17:30 on business days (no weekends or holidays); "
            "this time entry lies outside those hours."
        )
    return None


@transaction.atomic
def ede_time_entry_deduct(*, entry: TimeEntry, now: datetime) -> EntitlementMovement | None:
    """Deduct an EDE time entry's hours; the existing row if it was deducted already, None for
    an entry of another category."""
    if entry.category != EDE_CATEGORY:
        return None
    contract = contract_lock(entry.ticket.contract)
    existing = EntitlementMovement.objects.filter(time_entry=entry).first()
    if existing is not None:
        return existing
    refusal = _refusal(contract, entry, now)
    if refusal is not None:
        raise EdeRefused(refusal)
    hours = ede_hours(entry.minutes)
    left = ledger_balance(contract=contract, kind=EntitlementKind.EDE_HOURS)
    if left < hours:
        raise EdeRefused(
            _("This time entry needs %(hours)s EDE hours; only %(left)s are left.")
            % {"hours": hours_text(hours), "left": hours_text(left)}
        )
    return EntitlementMovement.objects.create(
        contract=contract,
        kind=EntitlementKind.EDE_HOURS,
        quantity=-hours,
        reason=f"{entry.ticket.number}: {entry.minutes} min"[:200],
        occurred_at=now,
        recorded_by=entry.user,
        cause=MovementCause.EDE,
        time_entry=entry,
    )
