"""Priority changes (D8): provider decisions, customer requests, the 24x7 effort flag, and SLA
exemptions (D9)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from contracts.critical_situations import effort_24x7_on_request
from contracts.models import ClockKind, Contact, SlaTarget
from contracts.selectors import sla_policy_targets
from contracts.text import display_text
from tickets.exceptions import PriorityNotAllowed, TicketValidationError
from tickets.models import (
    OPEN_STATUSES,
    PriorityChangeRequest,
    PriorityReason,
    RequestState,
    Ticket,
)
from tickets.services.clocks import (
    clock_due_times,
    ticket_calendar_row,
    ticket_clocks_recompute,
)
from tickets.services.guards import requires_aware_now
from tickets.services.lifecycle import _event, _iso, _locked
from tickets.services.problems import problem_open_for_top_incident
from tickets.signals import ChangeKind, TicketChange, ticket_change_emit


def _target_in_policy(ticket: Ticket, level: str) -> SlaTarget:
    if ticket.sla_policy is None:
        raise PriorityNotAllowed(
            _("Ticket %(number)s has no SLA policy, so no priority.") % {"number": ticket.number}
        )
    target = (
        ticket.sla_policy.targets.filter(request_type=ticket.request_type, level=level)
        .select_related("calendar")
        .first()
    )
    if target is None:
        levels = ", ".join(
            ticket.sla_policy.targets.filter(request_type=ticket.request_type).values_list(
                "level", flat=True
            )
        )
        raise PriorityNotAllowed(
            _("Priority %(level)r is not part of %(policy)s; use one of %(levels)s.")
            % {"level": level, "policy": ticket.sla_policy.name, "levels": levels}
        )
    return target


def _staffing_downgrade_check(ticket: Ticket, target: SlaTarget, reason_code: str) -> None:
    """D8: "the customer cannot staff 24x7" explains only a move from a 24x7 target to one
    that is not."""
    if reason_code != PriorityReason.CUSTOMER_CANNOT_STAFF_24X7:
        return
    before = ticket.sla_target
    if (
        before is None
        or before.clock_kind != ClockKind.ALWAYS
        or target.clock_kind == ClockKind.ALWAYS
    ):
        raise TicketValidationError(
            "reason_code",
            _(
                "That the customer cannot staff 24x7 explains only a downgrade from a 24x7 "
                "priority to a business-hours one."
            ),
        )


@requires_aware_now
@transaction.atomic
def ticket_change_priority(
    *,
    ticket: Ticket,
    level: str,
    reason: str,
    now: datetime,
    actor: User,
    reason_code: str = PriorityReason.PROVIDER_ASSESSMENT,
) -> Ticket:
    """A provider-side decision (D8): new target of the same frozen policy, deadlines
    recomputed from the original start with the same pauses (D6)."""
    if not reason.strip():
        raise TicketValidationError("reason", _("A reason is required to change the priority."))
    if reason_code not in PriorityReason.values:
        raise TicketValidationError(
            "reason_code", _("Unknown reason %(code)r.") % {"code": reason_code}
        )
    ticket = _locked(ticket)
    target = _target_in_policy(ticket, level)
    _staffing_downgrade_check(ticket, target, reason_code)
    before = (ticket.priority_level, ticket.priority_rank)
    ticket.sla_target = target
    ticket.priority_level, ticket.priority_rank = target.level, target.rank
    ticket.calendar = ticket_calendar_row(ticket.contract, target)
    ticket.clock_version += 1  # the old escalation schedule is void
    due_before = clock_due_times(ticket)
    ticket_clocks_recompute(ticket=ticket, target=target, now=now)
    ticket.updated_at = now
    ticket.save()
    _event(
        ticket,
        "priority_changed",
        now,
        user=actor,
        data={
            "reason": reason,
            "reason_code": reason_code,
            "from": before[0],
            "to": target.level,
            "from_rank": before[1],
            "to_rank": target.rank,
            "response_due_at": _iso(ticket.response_due_at),
            "resolution_due_at": _iso(ticket.resolution_due_at),
            "due_before": due_before,
            "due_after": clock_due_times(ticket),
        },
    )
    ticket_change_emit(
        TicketChange(kind=ChangeKind.PRIORITY_CHANGED, ticket=ticket, now=now, actor_user=actor)
    )
    # D21: an incident raised to Top gets its problem, unless it has one (or ever had one).
    problem_open_for_top_incident(ticket=ticket, now=now, actor=actor)
    return ticket


@requires_aware_now
@transaction.atomic
def ticket_priority_request(
    *,
    ticket: Ticket,
    contact: Contact,
    level: str,
    reason: str,
    now: datetime,
    reason_code: str = PriorityReason.CUSTOMER_REQUEST,
) -> PriorityChangeRequest:
    """A customer asks for another priority with a reason (TKT-12); nothing changes yet. D8:
    a customer who cannot staff 24x7 may ask for the downgrade with that recorded reason."""
    if reason_code not in (
        PriorityReason.CUSTOMER_REQUEST,
        PriorityReason.CUSTOMER_CANNOT_STAFF_24X7,
    ):
        raise TicketValidationError(
            "reason_code", _("Unknown reason %(code)r.") % {"code": reason_code}
        )
    reason = display_text(reason)  # issue #10 §2: shown to the provider as written, visibly
    if not reason.strip():
        raise TicketValidationError("reason", _("Say why the priority should change."))
    ticket = _locked(ticket)
    if contact.customer_id != ticket.customer_id:
        raise PriorityNotAllowed(
            _("%(email)s is not a contact of %(customer)s.")
            % {"email": contact.email, "customer": ticket.customer}
        )
    _staffing_downgrade_check(ticket, _target_in_policy(ticket, level), reason_code)
    if ticket.priority_requests.filter(state=RequestState.PENDING).exists():
        raise PriorityNotAllowed(
            _("Ticket %(number)s already has a priority request waiting for a decision.")
            % {"number": ticket.number}
        )
    request = PriorityChangeRequest.objects.create(
        ticket=ticket,
        requested_by=contact,
        requested_level=level,
        reason=reason,
        reason_code=reason_code,
        created_at=now,
    )
    _event(
        ticket,
        "priority_change_requested",
        now,
        contact=contact,
        data={"request": request.pk, "level": level, "reason": reason},
    )
    return request


@requires_aware_now
@transaction.atomic
def ticket_priority_decide(
    *, request: PriorityChangeRequest, accept: bool, note: str, now: datetime, actor: User
) -> PriorityChangeRequest:
    """A provider-side user decides; the compare-and-set makes a second decision impossible."""
    state = RequestState.ACCEPTED if accept else RequestState.REJECTED
    decided = PriorityChangeRequest.objects.filter(
        pk=request.pk, state=RequestState.PENDING
    ).update(state=state, decided_by=actor, decided_at=now, decision_note=note)
    if not decided:
        raise PriorityNotAllowed(_("This priority request has already been decided."))
    request.refresh_from_db()
    if accept:
        ticket_change_priority(
            ticket=request.ticket,
            level=request.requested_level,
            reason=request.reason,
            reason_code=request.reason_code,
            now=now,
            actor=actor,
        )
    _event(
        request.ticket,
        "priority_change_decided",
        now,
        user=actor,
        data={"request": request.pk, "state": state, "note": note},
    )
    return request


@requires_aware_now
@transaction.atomic
def ticket_request_24x7_effort(
    *, ticket: Ticket, now: datetime, contact: Contact | None = None, actor: User | None = None
) -> Ticket:
    """A-41: on a Normal case 24x7 effort only sets a flag; the response clock is unchanged."""
    ticket = _locked(ticket)
    if ticket.status not in OPEN_STATUSES or not effort_24x7_on_request(
        getattr(ticket.sla_policy, "code", ""), ticket.sla_target
    ):
        raise PriorityNotAllowed(
            _("24x7 effort can be requested only on an open case of normal priority.")
        )
    if not ticket.effort_24x7_requested:
        ticket.effort_24x7_requested = True
        ticket.updated_at = now
        ticket.save(update_fields=["effort_24x7_requested", "updated_at"])
        _event(ticket, "effort_24x7_requested", now, user=actor, contact=contact)
    return ticket


@requires_aware_now
@transaction.atomic
def ticket_sla_exempt(
    *, ticket: Ticket, reason: str, vendor_owned: bool, now: datetime, actor: User
) -> Ticket:
    """D9: list the ticket in compliance but do not count it (TKT-07 or a vendor-owned fix)."""
    if not reason.strip() and not vendor_owned:
        raise TicketValidationError("reason", _("Give the reason for the SLA exemption."))
    ticket = _locked(ticket)
    ticket.sla_exempt_reason = reason
    ticket.resolution_vendor_owned = vendor_owned
    ticket.updated_at = now
    ticket.save(update_fields=["sla_exempt_reason", "resolution_vendor_owned", "updated_at"])
    _event(
        ticket,
        "sla_exempted",
        now,
        user=actor,
        data={"reason": reason, "vendor_owned": vendor_owned},
    )
    return ticket


@requires_aware_now
@transaction.atomic
def ticket_sla_rebase(*, ticket: Ticket, reason: str, now: datetime, actor: User) -> Ticket:
    """Recompute an open ticket under its contract's current package and version (D3).

    The explicit, logged counterpart of "editing the catalogue never rewrites past tickets":
    the same priority level is looked up in the contract's current policy, and the clocks are
    recomputed from their original start with the same pauses."""
    if not reason.strip():
        raise TicketValidationError("reason", _("Give the reason for the recompute."))
    ticket = _locked(ticket)
    contract = ticket.contract
    policy = sla_policy_targets(
        contract=contract, policy_code=getattr(ticket.sla_policy, "code", "")
    )
    target = next(
        (
            t
            for t in (policy.targets if policy else ())
            if t.level == ticket.priority_level and t.request_type == ticket.request_type
        ),
        None,
    )
    if ticket.sla_target is not None and target is None:
        raise PriorityNotAllowed(
            _(
                "The current terms of %(contract)s have no priority %(level)r; "
                "change the priority instead."
            )
            % {"contract": contract.reference, "level": ticket.priority_level}
        )
    before = {
        "package": ticket.package_id,
        "target": ticket.sla_target_id,
        "contract_version": ticket.contract_version,
    }
    ticket.package = contract.package
    ticket.contract_version = contract.version
    ticket.sla_policy = policy.policy if policy and target else None
    ticket.sla_target = target
    ticket.calendar = ticket_calendar_row(contract, target)
    ticket.clock_version += 1
    due_before = clock_due_times(ticket)
    ticket_clocks_recompute(ticket=ticket, target=target, now=now)
    ticket.updated_at = now
    ticket.save()
    _event(
        ticket,
        "sla_recomputed",
        now,
        user=actor,
        data={
            "reason": reason,
            "before": before,
            "after": {
                "package": ticket.package_id,
                "target": ticket.sla_target_id,
                "contract_version": ticket.contract_version,
            },
            "response_due_at": _iso(ticket.response_due_at),
            "resolution_due_at": _iso(ticket.resolution_due_at),
            "due_before": due_before,
            "due_after": clock_due_times(ticket),
        },
    )
    return ticket
