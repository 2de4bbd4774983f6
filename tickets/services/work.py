"""Time entries (CON-56, BIL-04) and vendor escalations (TKT-05, TKT-100..105, TKT-15)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tickets.exceptions import InvalidTransition, TicketValidationError
from tickets.models import (
    MINUTES_PER_ENTRY_MAX,
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


def _time_entry_check(*, started_at: datetime, minutes: int, category: str, now: datetime) -> None:
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
    # Work is registered once done: neither its start nor its end lies in the future.
    if started_at + timedelta(minutes=minutes) > now:
        raise TicketValidationError(
            "started_at", _("This work would end in the future; register it once it is done.")
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
    billable: bool,
    note: str,
    now: datetime,
) -> TimeEntry:
    """Register work on a ticket (the CBG contiguous-time rule and EDE hours read these)."""
    _time_entry_check(started_at=started_at, minutes=minutes, category=category, now=now)
    status = Ticket.objects.filter(pk=ticket.pk).values_list("status", flat=True).get()
    if status == Status.CANCELLED:
        raise InvalidTransition(
            _("Ticket %(n)s is cancelled; no time can be registered on it.") % {"n": ticket.number}
        )
    entry = TimeEntry.objects.create(
        ticket=ticket,
        user=user,
        started_at=started_at,
        minutes=minutes,
        category=category,
        billable=billable,
        note=note.strip(),
        created_at=now,
    )
    data = {"entry": entry.pk, "minutes": minutes, "category": category, "billable": billable}
    _event(ticket.pk, "time_entry_added", now, user, data)
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
