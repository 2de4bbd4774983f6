"""Record, end and correct outages; open one from a disruption ticket in one step (SPEC §6).

Times are checked where a mistake would change the figures: an outage cannot start in the
future, end before it started, or end twice (the end is set by compare-and-set, so two people
ending it at once leave the first end). Tickets linked must be the contract's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from availability.exceptions import OutageRefused
from availability.models import ExclusionReason, MonitoredService, Outage, PlannedMaintenance
from availability.rules.targets import INTEGRATION_SERVICE
from tickets.models import ImpactScope, Ticket


@dataclass(frozen=True)
class OutageInput:
    service: MonitoredService
    start: datetime
    end: datetime | None = None
    planned: bool = False
    affects_all_users: bool = True
    exclusion_reason: str = ""
    description: str = ""
    tickets: tuple[Ticket, ...] = ()
    maintenance: PlannedMaintenance | None = None


def outage_times_problem(start: datetime, end: datetime | None, now: datetime) -> str:
    """Why these times cannot be an outage's, or "" (the forms show it too)."""
    if start > now:
        return _("An outage cannot start in the future.")
    if end is not None and end <= start:
        return _("An outage must end after it started.")
    if end is not None and end > now:
        return _("An outage cannot end in the future; end it when it is over.")
    return ""


def _check_times(start: datetime, end: datetime | None, now: datetime) -> None:
    problem = outage_times_problem(start, end, now)
    if problem:
        raise OutageRefused(problem)


def _check_reason(reason: str) -> None:
    if reason and reason not in ExclusionReason.values:
        raise OutageRefused(_("Choose one of the listed reasons for not counting the outage."))


def _check_tickets(service: MonitoredService, tickets: Iterable[Ticket]) -> None:
    if any(ticket.contract_id != service.contract_id for ticket in tickets):
        raise OutageRefused(_("Only tickets of the service's own contract can be linked."))


@transaction.atomic
def outage_record(*, data: OutageInput, by: Any, now: datetime) -> Outage:
    """A new outage of a service, ongoing when it has no end yet."""
    _check_times(data.start, data.end, now)
    _check_reason(data.exclusion_reason)
    _check_tickets(data.service, data.tickets)
    outage = Outage.objects.create(
        service=data.service,
        start=data.start,
        end=data.end,
        planned=data.planned,
        affects_all_users=data.affects_all_users,
        exclusion_reason=data.exclusion_reason,
        description=data.description.strip(),
        maintenance=data.maintenance,
        recorded_by=by,
        recorded_at=now,
    )
    outage.tickets.set(data.tickets)
    return outage


@transaction.atomic
def outage_end(*, outage: Outage, end: datetime, now: datetime) -> Outage:
    """Set the end of an ongoing outage; refused when someone ended it already."""
    _check_times(outage.start, end, now)
    if not Outage.objects.filter(pk=outage.pk, end__isnull=True).update(end=end):
        raise OutageRefused(_("This outage has already ended."))
    outage.refresh_from_db()
    return outage


@transaction.atomic
def outage_update(
    *, outage: Outage, changes: dict[str, Any], tickets: Iterable[Ticket] | None, now: datetime
) -> Outage:
    """Correct an outage: times, planned, all users, exclusion reason, description, tickets."""
    allowed = {"start", "end", "planned", "affects_all_users", "exclusion_reason", "description"}
    unknown = set(changes) - allowed
    if unknown:
        raise OutageRefused(
            _("These outage fields cannot be changed: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    for field, value in changes.items():
        setattr(outage, field, value)
    _check_times(outage.start, outage.end, now)
    _check_reason(outage.exclusion_reason)
    outage.save(update_fields=sorted(changes) or None)
    if tickets is not None:
        chosen = list(tickets)
        _check_tickets(outage.service, chosen)
        outage.tickets.set(chosen)
    return outage


def _disruption_service(ticket: Ticket, chosen: MonitoredService | None) -> MonitoredService:
    """The service the caller chose (one of the ticket's contract's active ones), else the
    contract's integration service, else its first active service."""
    services = list(
        MonitoredService.objects.filter(contract_id=ticket.contract_id, is_active=True).order_by(
            "pk"
        )
    )
    if chosen is not None:
        if chosen.pk not in {s.pk for s in services}:
            raise OutageRefused(_("Choose an active service of the ticket's own contract."))
        return chosen
    integration = [s for s in services if s.kind == INTEGRATION_SERVICE]
    candidates = integration or services
    if not candidates:
        raise OutageRefused(
            _("The ticket's contract has no monitored service; add the service first.")
        )
    return candidates[0]


@transaction.atomic
def outage_open_from_ticket(
    *,
    ticket: Ticket,
    by: Any,
    now: datetime,
    service: MonitoredService | None = None,
    start: datetime | None = None,
) -> Outage:
    """A disruption (an incident where several users cannot use the service) opens an outage
    of the chosen service (default: the contract's integration service) from ``start``
    (default: the ticket's registration), linked to it. When that service already has an
    ongoing outage, the ticket joins it: one outage, not two."""
    if ticket.request_type != "incident" or ticket.impact_scope != ImpactScope.MULTIPLE_USERS:
        raise OutageRefused(_("Only an incident that affects several users opens an outage."))
    if Outage.objects.filter(tickets=ticket).exists():
        raise OutageRefused(_("This ticket is already linked to an outage."))
    service = _disruption_service(ticket, service)
    ongoing = (
        Outage.objects.select_for_update()
        .filter(service=service, end__isnull=True)
        .order_by("start")
        .first()
    )
    if ongoing is not None:
        ongoing.tickets.add(ticket)
        return ongoing
    data = OutageInput(
        service=service,
        start=min(start or ticket.created_at, now),
        description=ticket.subject,
        tickets=(ticket,),
    )
    return outage_record(data=data, by=by, now=now)
