"""Microsoft critical situations (SPEC §3.10, ESC-11..13, D10): the critical situation resource
and the typed updates the engineer writes.

The resource: once assigned, the sweep no longer escalates "no resource assigned" (its plan
reads `critical_resource_assigned_at`; the ticket is checked again at once). A re-assignment
names the new resource and its time; every assignment is an event with the one before.

Typed updates (status update, action plan, escalation update) are public replies that say what
they are: one timeline, mailed to the customer as replies are, and counted as the provider's
update, so the "missed update" warning (D10) starts again from them.

Outside business hours (the contract's calendar) on a contract whose package offers the RSM
add-on (ESC-13): status updates and action plans on a 24x7 target are part of the continuous
effort and always allowed; an escalation update, or any update on a business-hours target, is
Reactive Support Management beyond business hours and uses extra RSM hours, a quarter hour
each. Without hours left it is refused with the reason, and nothing is written: the engineer
can write it when business hours start, or give a status update instead.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from contracts.businesstime import is_open
from contracts.calendars import calendar_for
from contracts.critical_situations import CriticalSituation, critical_situation
from contracts.models import ClockKind, EntitlementKind
from contracts.selectors import contract_calendar
from contracts.selectors_entitlements import rsm_add_on_offered
from contracts.services.entitlements import entitlement_use
from tickets.exceptions import InvalidTransition, TicketValidationError
from tickets.models import OPEN_STATUSES, Channel, MessageKind, Ticket, TicketMessage, UpdateKind
from tickets.services.clocks import whole_second
from tickets.services.conversation import ticket_reply
from tickets.services.guards import requires_aware_now
from tickets.services.lifecycle import _event, _locked

# Extra RSM hours one update outside business hours uses.
RSM_HOURS_PER_UPDATE = Decimal("0.25")


def ticket_critical_situation(ticket: Ticket) -> CriticalSituation:
    """What the ticket's critical situation offers (resource, executive notifications)."""
    return critical_situation(getattr(ticket.sla_policy, "code", ""), ticket.sla_target)


def _open(ticket: Ticket) -> None:
    if ticket.status not in OPEN_STATUSES:
        raise InvalidTransition(
            _("Ticket %(number)s is no longer open.") % {"number": ticket.number}
        )


@requires_aware_now
@transaction.atomic
def ticket_critical_resource_assign(
    *, ticket: Ticket, user: User, actor: User, now: datetime
) -> Ticket:
    """The critical situation resource is `user`, from `now` (D10, SPEC §3.10)."""
    ticket = _locked(ticket)
    _open(ticket)
    if not ticket_critical_situation(ticket).resource:
        raise TicketValidationError(
            "user",
            _("Ticket %(number)s has no critical situation resource at its priority.")
            % {"number": ticket.number},
        )
    if not (user.is_active and user.is_staff):
        raise TicketValidationError(
            "user",
            _("%(name)s is not an active member of the service desk staff.")
            % {"name": user.get_full_name() or user.get_username()},
        )
    if ticket.critical_resource_id == user.pk:
        raise TicketValidationError(
            "user",
            _("%(name)s is already the critical situation resource.")
            % {"name": user.get_full_name() or user.get_username()},
        )
    before = ticket.critical_resource_id
    ticket.critical_resource = user
    ticket.critical_resource_assigned_at = now
    ticket.updated_at = now
    ticket.next_check_at = whole_second(now)  # D2: the sweep replans it on a whole second
    ticket.save(
        update_fields=[
            "critical_resource",
            "critical_resource_assigned_at",
            "updated_at",
            "next_check_at",
        ]
    )
    data = {"resource": user.pk, "from": before}
    _event(ticket, "critical_resource_assigned", now, user=actor, data=data)
    return ticket


def update_needs_rsm_hours(ticket: Ticket, kind: str, now: datetime) -> bool:
    """Whether an update of `kind` written at `now` uses extra RSM hours (module docstring)."""
    continuous = ticket.sla_target is not None and ticket.sla_target.clock_kind == ClockKind.ALWAYS
    if continuous and kind != UpdateKind.ESCALATION_UPDATE:
        return False
    row = contract_calendar(ticket.contract)
    if row is None or is_open(now, calendar_for(row)):
        return False
    return rsm_add_on_offered(ticket.contract)


@requires_aware_now
@transaction.atomic
def ticket_status_update(
    *, ticket: Ticket, author: User, kind: str, body: str, now: datetime
) -> TicketMessage:
    """A typed update by the engineer: stored as a public reply of its kind and mailed."""
    if kind not in UpdateKind.values:
        raise TicketValidationError(
            "kind", _("Choose a status update, an action plan or an escalation update.")
        )
    if not body.strip():
        raise TicketValidationError("body", _("The message is empty."))
    ticket = _locked(ticket)
    _open(ticket)
    if update_needs_rsm_hours(ticket, kind, now):
        entitlement_use(
            contract=ticket.contract,
            kind=EntitlementKind.RSM_HOURS,
            quantity=RSM_HOURS_PER_UPDATE,
            reason=f"{ticket.number}: {UpdateKind(kind).label}",
            now=now,
            actor=author,
            refusal=_(
                "Outside business hours this update needs extra RSM hours (the RSM add-on), "
                "and contract %(contract)s has none left. Write it when business hours start."
            )
            % {"contract": ticket.contract.reference},
        )
    return ticket_reply(
        ticket=ticket,
        body=body,
        now=now,
        channel=Channel.PORTAL,
        kind=MessageKind.PUBLIC,
        author_user=author,
        update_kind=kind,
    )
