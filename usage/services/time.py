"""Recording time: the ONE write path every interface uses (work page, API, timer stop).

The time entry, the ticket's billable lines and (for EDE on a Microsoft contract) the EDE hours
deduction are written in one transaction: a refused line or deduction writes no time either.
"""

from __future__ import annotations

import inspect
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from tickets.models import Ticket, TimeEntry
from tickets.services.work import time_entry_add
from usage.services.lines import ticket_lines_refresh
from usage.services.microsoft import ede_time_entry_deduct

EDE = "ede"


def _time_entry_add_extra(distance_km: int | None) -> dict[str, object]:
    """The arguments that differ between tickets' time_entry_add before and after helper TIME's
    change (billable -> billable_override, + distance_km). LEAD: once TIME's signature is on
    main, call it directly with distance_km and drop this."""
    accepted = inspect.signature(time_entry_add).parameters
    extra: dict[str, object] = {}
    if "billable" in accepted:
        extra["billable"] = False  # the contract's rules decide, in the billing lines
    if "distance_km" in accepted:
        extra["distance_km"] = distance_km
    return extra


def _ede_deduct(entry: TimeEntry, ticket: Ticket, now: datetime) -> None:
    """THE call site of the EDE deduction (shared design): EDE entries on Microsoft work orders;
    a refusal refuses the entry too (same transaction)."""
    if entry.category != EDE or ticket.provider.code != "microsoft":
        return
    ede_time_entry_deduct(entry=entry, now=now)


@transaction.atomic
def time_entry_record(
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
    """Register work on a ticket and bring its billable lines up to date."""
    entry = time_entry_add(
        ticket=ticket,
        user=user,
        started_at=started_at,
        minutes=minutes,
        category=category,
        note=note,
        now=now,
        **_time_entry_add_extra(distance_km),  # type: ignore[arg-type]
    )
    ticket_lines_refresh(ticket=ticket, now=now)
    _ede_deduct(entry, ticket, now)
    return entry
