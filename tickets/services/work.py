"""Time entries (CON-56, BIL-04, issue 14 §1) and vendor escalations (TKT-05, TKT-100..105,
TKT-15)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tickets.exceptions import InvalidTransition, TicketNotAllowed, TicketValidationError
from tickets.models import (
    MINUTES_PER_ENTRY_MAX,
    OVERRIDE_REASON_MAX,
    Status,
    Ticket,
    TicketEvent,
    TimeCategory,
    TimeEntry,
    Vendor,
    VendorEscalation,
)
from tickets.services.guards import requires_aware_now


def _event(
    ticket_id: int, kind: str, now: datetime, actor: User | None, data: dict[str, Any]
) -> None:
    TicketEvent.objects.create(
        ticket_id=ticket_id, kind=kind, actor_user=actor, data=data, created_at=now
    )


# A timer rounds up to whole minutes, so the minute under way counts as done.
FUTURE_ALLOWANCE = timedelta(minutes=1)
DISTANCE_KM_MAX = 1000
OVERRIDE_PERMISSION = "tickets.override_billable_timeentry"


def _when(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE)).strftime("%d-%m-%Y %H:%M")


def _time_entry_check(
    *, started_at: datetime, minutes: int, category: str, distance_km: int | None, now: datetime
) -> None:
    """The row's own rules; every one is checked before anything is written."""
    if started_at.tzinfo is None or started_at.utcoffset() is None:
        raise TicketValidationError("started_at", _("Give the start time with a time zone."))
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise TicketValidationError("minutes", _("Give the time in whole minutes."))
    if not 1 <= minutes <= MINUTES_PER_ENTRY_MAX:
        raise TicketValidationError(
            "minutes",
            _("Give between 1 and %(max)s minutes per entry.") % {"max": MINUTES_PER_ENTRY_MAX},
        )
    if category not in TimeCategory.values:
        raise TicketValidationError(
            "category",
            _("Unknown category %(c)r; use one of %(all)s.")
            % {"c": category, "all": ", ".join(TimeCategory.values)},
        )
    _distance_check(category=category, distance_km=distance_km)
    # Work is registered once done: neither its start nor its end lies in the future.
    if started_at + timedelta(minutes=minutes) > now + FUTURE_ALLOWANCE:
        raise TicketValidationError(
            "started_at", _("This work would end in the future; register it once it is done.")
        )


def _distance_check(*, category: str, distance_km: int | None) -> None:
    """Travel is charged per km one way (D19): its distance is required, and only travel has one."""
    if category != TimeCategory.TRAVEL:
        if distance_km is not None:
            raise TicketValidationError(
                "distance_km",
                _("Only travel has a distance; leave it empty for %(category)s.")
                % {"category": TimeCategory(category).label},
            )
        return
    if distance_km is None:
        raise TicketValidationError("distance_km", _("Give the distance travelled, in km one way."))
    if isinstance(distance_km, bool) or not isinstance(distance_km, int):
        raise TicketValidationError("distance_km", _("Give the distance in whole kilometres."))
    if not 1 <= distance_km <= DISTANCE_KM_MAX:
        raise TicketValidationError(
            "distance_km",
            _("Give between 1 and %(max)s km one way.") % {"max": DISTANCE_KM_MAX},
        )


def _overlap_check(*, user: User, started_at: datetime, minutes: int) -> None:
    """One person does one thing at a time: their entries (on any ticket) may not overlap.
    The caller holds the lock on the user's row, so two registrations cannot both pass."""
    ended_at = started_at + timedelta(minutes=minutes)
    earliest = started_at - timedelta(minutes=MINUTES_PER_ENTRY_MAX)
    candidates = TimeEntry.objects.filter(
        user=user, started_at__lt=ended_at, started_at__gt=earliest
    ).select_related("ticket")
    clash = next((e for e in candidates.order_by("started_at") if e.ended_at > started_at), None)
    if clash is not None:
        raise TicketValidationError(
            "started_at",
            _(
                "This overlaps the time you registered from %(start)s to %(end)s on ticket "
                "%(n)s; one person's entries may not overlap."
            )
            % {
                "start": _when(clash.started_at),
                "end": _when(clash.ended_at),
                "n": clash.ticket.number,
            },
        )


@requires_aware_now
@transaction.atomic
def time_entry_add(
    *,
    ticket: Ticket,
    user: User,
    started_at: datetime,
    minutes: int,
    category: str,
    note: str,
    now: datetime,
    distance_km: int | None = None,
) -> TimeEntry:
    """Register work on a ticket (the contract's billing rules, the contiguous work blocks and
    EDE hours read these). Whether it is billed follows the contract's rules unless a
    coordinator decides otherwise (time_entry_billable_override)."""
    _time_entry_check(
        started_at=started_at,
        minutes=minutes,
        category=category,
        distance_km=distance_km,
        now=now,
    )
    status = Ticket.objects.filter(pk=ticket.pk).values_list("status", flat=True).get()
    if status == Status.CANCELLED:
        raise InvalidTransition(
            _("Ticket %(n)s is cancelled; no time can be registered on it.") % {"n": ticket.number}
        )
    # Serialises one person's registrations, so the overlap check below cannot race.
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    _overlap_check(user=user, started_at=started_at, minutes=minutes)
    entry = TimeEntry.objects.create(
        ticket=ticket,
        user=user,
        started_at=started_at,
        minutes=minutes,
        category=category,
        distance_km=distance_km,
        note=note.strip(),
        created_at=now,
    )
    data = {"entry": entry.pk, "minutes": minutes, "category": category}
    if distance_km is not None:
        data["distance_km"] = distance_km
    _event(ticket.pk, "time_entry_added", now, user, data)
    return entry


@requires_aware_now
@transaction.atomic
def time_entry_billable_override(
    *, entry: TimeEntry, billable: bool | None, reason: str, by: User, now: datetime
) -> TimeEntry:
    """A coordinator decides, with a reason, that this time is billed (True) or not (False)
    whatever the contract's rules say; None hands the decision back to the rules."""
    if not by.has_perm(OVERRIDE_PERMISSION):
        raise TicketNotAllowed(_("Only a support coordinator may decide whether time is billable."))
    reason = reason.strip()
    if not reason:
        raise TicketValidationError("reason", _("Give the reason for this decision."))
    if len(reason) > OVERRIDE_REASON_MAX:
        raise TicketValidationError(
            "reason",
            _("Keep the reason within %(max)s characters.") % {"max": OVERRIDE_REASON_MAX},
        )
    entry = TimeEntry.objects.select_for_update().get(pk=entry.pk)
    previous = entry.billable_override
    entry.billable_override = billable
    entry.billable_override_reason = reason
    entry.billable_override_by = by
    entry.billable_override_at = now
    entry.save(
        update_fields=[
            "billable_override",
            "billable_override_reason",
            "billable_override_by",
            "billable_override_at",
        ]
    )
    data = {"entry": entry.pk, "billable": billable, "previous": previous, "reason": reason}
    _event(entry.ticket_id, "time_entry_billable_overridden", now, by, data)
    return entry


def _escalation_data(escalation: VendorEscalation) -> dict[str, Any]:
    return {
        "escalation": escalation.pk,
        "vendor": escalation.vendor,
        "vendor_name": escalation.vendor_name,
        "vendor_reference": escalation.vendor_reference,
    }


@requires_aware_now
@transaction.atomic
def vendor_escalation_open(
    *,
    ticket: Ticket,
    vendor: str,
    now: datetime,
    actor: User,
    vendor_name: str = "",
    vendor_reference: str = "",
    note: str = "",
) -> VendorEscalation:
    """TKT-05/TKT-101: the incident goes to the vendor and is followed up. Moving the ticket to
    "waiting for vendor" is a separate ticket_transition."""
    if vendor not in Vendor.values:
        raise TicketValidationError(
            "vendor",
            _("Unknown vendor %(v)r; use one of %(all)s.")
            % {"v": vendor, "all": ", ".join(Vendor.values)},
        )
    vendor_name = vendor_name.strip()
    if vendor == Vendor.OTHER and not vendor_name:
        raise TicketValidationError("vendor_name", _("Name the vendor."))
    if vendor != Vendor.OTHER:
        vendor_name = ""
    status = Ticket.objects.filter(pk=ticket.pk).values_list("status", flat=True).get()
    if status in (Status.CLOSED, Status.CANCELLED):
        raise InvalidTransition(
            _("Ticket %(n)s is closed; it cannot be escalated to a vendor.") % {"n": ticket.number}
        )
    try:
        with transaction.atomic():
            escalation = VendorEscalation.objects.create(
                ticket=ticket,
                vendor=vendor,
                vendor_name=vendor_name,
                vendor_reference=vendor_reference.strip()[:120],
                escalated_at=now,
                escalated_by=actor,
                note=note.strip(),
            )
    except IntegrityError as exc:
        raise InvalidTransition(
            _("Ticket %(n)s already has an open escalation to this vendor.") % {"n": ticket.number}
        ) from exc
    _event(ticket.pk, "vendor_escalated", now, actor, _escalation_data(escalation))
    return escalation


def _open_escalation(escalation: VendorEscalation) -> VendorEscalation:
    escalation = (
        VendorEscalation.objects.select_for_update(of=("self",))
        .select_related("ticket")
        .get(pk=escalation.pk)
    )
    if escalation.closed_at is not None:
        raise InvalidTransition(_("This vendor escalation is closed."))
    return escalation


@requires_aware_now
@transaction.atomic
def vendor_update_shared(
    *,
    escalation: VendorEscalation,
    now: datetime,
    actor: User,
    vendor_reference: str = "",
    note: str = "",
) -> VendorEscalation:
    """The vendor's latest update was passed on to the customer (TKT-105: CBG monitors the
    Microsoft ticket and informs the customer). A reference learnt later can be added here."""
    escalation = _open_escalation(escalation)
    escalation.last_update_shared_at = now
    if vendor_reference.strip():
        escalation.vendor_reference = vendor_reference.strip()[:120]
    escalation.save(update_fields=["last_update_shared_at", "vendor_reference"])
    data = {**_escalation_data(escalation), "note": note.strip()}
    _event(escalation.ticket_id, "vendor_update_shared", now, actor, data)
    return escalation


@requires_aware_now
@transaction.atomic
def vendor_escalation_close(
    *, escalation: VendorEscalation, now: datetime, actor: User, note: str = ""
) -> VendorEscalation:
    """The vendor's part is done (fixed, or handed back)."""
    escalation = _open_escalation(escalation)
    escalation.closed_at = now
    escalation.save(update_fields=["closed_at"])
    data = {**_escalation_data(escalation), "note": note.strip()}
    _event(escalation.ticket_id, "vendor_escalation_closed", now, actor, data)
    return escalation
