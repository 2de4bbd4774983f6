"""Replies, status transitions, priority changes, root cause and resolution."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from contracts.models import Contact
from contracts.text import display_text
from tickets.exceptions import InvalidTransition, TicketValidationError
from tickets.models import (
    TRANSITIONS,
    Line,
    Metric,
    ResolutionKind,
    SatisfactionSurvey,
    SegmentState,
    Status,
    Ticket,
    TicketEvent,
)
from tickets.services.clocks import (
    clock_due_times,
    clock_resume_stopped,
    clock_stop,
    clocks_cancel,
    segment_close,
    segment_switch,
    ticket_clocks_recompute,
)
from tickets.services.guards import requires_aware_now
from tickets.services.locking import ticket_locked as _locked
from tickets.services.problems import problem_ticket_resolved
from tickets.signals import ChangeKind, TicketChange, ticket_change_emit


def _event(
    ticket: Ticket,
    kind: str,
    now: datetime,
    *,
    user: User | None = None,
    contact: Contact | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor_user=user,
        actor_contact=contact,
        data=data or {},
        created_at=now,
    )


def reopen_window() -> timedelta:
    """How long after its resolution a customer may reopen a ticket (a reply after it opens a
    follow-up ticket)."""
    return timedelta(days=settings.TICKET_REOPEN_DAYS)


def _status_set(
    ticket: Ticket,
    to_status: str,
    now: datetime,
    *,
    user: User | None,
    contact: Contact | None,
    reason: str,
) -> None:
    """Apply one row of the transitions table, with its ledger and audit entries."""
    from_status = ticket.status
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        raise InvalidTransition(
            _("Ticket %(number)s cannot go from %(from)s to %(to)s.")
            % {
                "number": ticket.number,
                "from": Status(from_status).label,
                "to": Status(to_status).label,
            }
        )
    ticket.status = to_status
    ticket.updated_at = now
    if to_status == Status.WAITING_FOR_CUSTOMER:
        segment_switch(
            ticket=ticket,
            state=SegmentState.PAUSED,
            reason="waiting for customer",
            now=now,
            actor=user,
        )
    elif to_status in (Status.CLOSED, Status.CANCELLED):
        ticket.closed_at = now
        segment_close(ticket=ticket, now=now)
    elif to_status == Status.RESOLVED:
        segment_switch(
            ticket=ticket, state=SegmentState.PAUSED, reason="resolved", now=now, actor=user
        )
    elif from_status in (Status.WAITING_FOR_CUSTOMER, Status.RESOLVED):
        segment_switch(
            ticket=ticket,
            state=SegmentState.RUNNING,
            reason=reason or "resumed",
            now=now,
            actor=user,
        )
    _event(
        ticket,
        "status_changed",
        now,
        user=user,
        contact=contact,
        data={"from": from_status, "to": to_status, "reason": reason},
    )


@requires_aware_now
@transaction.atomic
def ticket_transition(
    *,
    ticket: Ticket,
    to_status: str,
    now: datetime,
    actor: User | None = None,
    contact: Contact | None = None,
    reason: str = "",
) -> Ticket:
    """Move a ticket along the transitions table; resolving goes through ticket_resolve."""
    if to_status == Status.RESOLVED:
        raise InvalidTransition(_("Resolve a ticket with its resolution kind (fix or workaround)."))
    ticket = _locked(ticket)
    if (
        actor is not None
        and ticket.status == Status.NEW
        and to_status == Status.IN_PROGRESS
        and ticket.completeness_checked_at is None
    ):
        raise InvalidTransition(
            _(
                "Ticket %(number)s has not been checked complete by the first line; "
                "work starts after that check."
            )
            % {"number": ticket.number}
        )
    reopened = ticket.status == Status.RESOLVED and to_status == Status.IN_PROGRESS
    _status_set(ticket, to_status, now, user=actor, contact=contact, reason=reason)
    if reopened:
        ticket.resolved_at = None
        ticket.resolution_kind = ""
        clock_resume_stopped(ticket=ticket, metric=Metric.RESOLUTION, now=now)
    elif to_status == Status.CANCELLED:
        clocks_cancel(ticket=ticket, now=now)
    else:
        ticket_clocks_recompute(ticket=ticket, target=ticket.sla_target, now=now)
    ticket.save()
    kind = ChangeKind.REOPENED if reopened else _CHANGE_OF_STATUS.get(Status(to_status))
    if kind is None:
        kind = ChangeKind.STATUS_CHANGED
    if kind:
        change = TicketChange(
            kind=kind,
            ticket=ticket,
            now=now,
            actor_user=actor,
            actor_contact=contact,
            data={"reason": reason},
        )
        ticket_change_emit(change)
    return ticket


# The status changes the other layers are told of (the customer's mails, issue #11 §2).
_CHANGE_OF_STATUS: dict[Status, str] = {
    Status.WAITING_FOR_CUSTOMER: ChangeKind.WAITING_FOR_CUSTOMER,
    Status.CLOSED: ChangeKind.CLOSED,
}


@requires_aware_now
@transaction.atomic
def ticket_record_root_cause(*, ticket: Ticket, text: str, now: datetime, actor: User) -> Ticket:
    """Record the root cause; under `root_cause_identified` this starts resolution (D5)."""
    text = display_text(text)
    if not text.strip():
        raise TicketValidationError("root_cause", _("Describe the root cause."))
    ticket = _locked(ticket)
    ticket.root_cause = text
    if ticket.root_cause_identified_at is None:
        ticket.root_cause_identified_at = now
    due_before = clock_due_times(ticket)
    ticket_clocks_recompute(ticket=ticket, target=ticket.sla_target, now=now)
    ticket.updated_at = now
    ticket.save()
    _event(
        ticket,
        "root_cause_recorded",
        now,
        user=actor,
        data={
            "resolution_due_at": _iso(ticket.resolution_due_at),
            "due_before": due_before,
            "due_after": clock_due_times(ticket),
        },
    )
    return ticket


@requires_aware_now
@transaction.atomic
def ticket_resolve(*, ticket: Ticket, kind: str, text: str, now: datetime, actor: User) -> Ticket:
    """Resolve with a fix or a workaround (TKT-22); a workaround counts as resolution."""
    if kind not in ResolutionKind.values:
        raise TicketValidationError("resolution_kind", _("Choose fix or workaround."))
    text = display_text(text)
    if not text.strip():
        raise TicketValidationError("resolution", _("Describe the resolution."))
    ticket = _locked(ticket)
    _status_set(ticket, Status.RESOLVED, now, user=actor, contact=None, reason=kind)
    ticket.resolved_at = now
    ticket.resolution_kind = kind
    ticket.resolution = text
    for metric in (Metric.RESPONSE, Metric.RESOLUTION):
        clock_stop(ticket=ticket, metric=metric, now=now)
    ticket.save()
    # D21, A-38: a Top incident's RCA is due one calendar month after its resolution.
    problem_ticket_resolved(ticket=ticket, now=now, actor=actor)
    ticket_change_emit(
        TicketChange(kind=ChangeKind.RESOLVED, ticket=ticket, now=now, actor_user=actor)
    )
    return ticket


@requires_aware_now
@transaction.atomic
def ticket_assign(*, ticket: Ticket, assignee: User | None, now: datetime, actor: User) -> Ticket:
    ticket = _locked(ticket)
    before = ticket.assignee_id
    ticket.assignee = assignee
    ticket.updated_at = now
    ticket.save(update_fields=["assignee", "updated_at"])
    _event(
        ticket,
        "assigned",
        now,
        user=actor,
        data={"from": before, "to": getattr(assignee, "pk", None)},
    )
    if assignee is not None and assignee.pk != before:
        ticket_change_emit(
            TicketChange(kind=ChangeKind.ASSIGNED, ticket=ticket, now=now, actor_user=actor)
        )
    return ticket


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@requires_aware_now
@transaction.atomic
def ticket_survey_answer(
    *, ticket: Ticket, contact: Contact, score: int, comment: str, now: datetime
) -> SatisfactionSurvey:
    """Once resolved or closed, the customer answers the survey once."""
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise TicketValidationError("score", _("The survey opens once the ticket is resolved."))
    if not 1 <= score <= 5:
        raise TicketValidationError("score", _("Give a score from 1 to 5."))
    survey, created = SatisfactionSurvey.objects.get_or_create(
        ticket=ticket,
        defaults={
            "contact": contact,
            "score": score,
            "comment": display_text(comment),
            "answered_at": now,
        },
    )
    if not created:
        raise TicketValidationError("score", _("This ticket's survey has been answered already."))
    _event(ticket, "survey_answered", now, contact=contact, data={"score": score})
    return survey


@requires_aware_now
@transaction.atomic
def ticket_customer_confirm(
    *, ticket: Ticket, contact: Contact, confirmed: bool, now: datetime
) -> Ticket:
    """The customer confirms the resolution (closed) or reopens it within the reopen window."""
    ticket = _locked(ticket)
    if ticket.status != Status.RESOLVED:
        raise InvalidTransition(_("Only a resolved ticket can be confirmed or reopened."))
    if confirmed:
        return ticket_transition(
            ticket=ticket,
            to_status=Status.CLOSED,
            now=now,
            contact=contact,
            reason="resolution confirmed by the customer",
        )
    if ticket.resolved_at is not None and now - ticket.resolved_at > reopen_window():
        raise InvalidTransition(
            _("The reopen window of %(days)s days has passed; please open a new ticket.")
            % {"days": settings.TICKET_REOPEN_DAYS}
        )
    return ticket_transition(
        ticket=ticket,
        to_status=Status.IN_PROGRESS,
        now=now,
        contact=contact,
        reason="reopened by the customer",
    )


@requires_aware_now
@transaction.atomic
def ticket_set_line(*, ticket: Ticket, line: str, now: datetime, actor: User) -> Ticket:
    """Hand a ticket to the first or second line (SPEC PTY-21: on the coordinator's word)."""
    if line not in Line.values:
        raise TicketValidationError("line", _("Unknown line %(line)r.") % {"line": line})
    ticket = _locked(ticket)
    if ticket.line != line:
        before = ticket.line
        ticket.line = line
        ticket.updated_at = now
        ticket.save(update_fields=["line", "updated_at"])
        _event(ticket, "line_changed", now, user=actor, data={"from": before, "to": line})
        ticket_change_emit(
            TicketChange(kind=ChangeKind.LINE_CHANGED, ticket=ticket, now=now, actor_user=actor)
        )
    return ticket


@requires_aware_now
@transaction.atomic
def ticket_mark_complete(*, ticket: Ticket, now: datetime, actor: User, note: str = "") -> Ticket:
    """The first line confirms the request holds everything needed to start (TKT-06)."""
    ticket = _locked(ticket)
    if ticket.status in (Status.RESOLVED, Status.CLOSED, Status.CANCELLED):
        raise InvalidTransition(
            _("Ticket %(number)s is %(status)s.")
            % {"number": ticket.number, "status": Status(ticket.status).label}
        )
    if ticket.completeness_checked_at is not None:
        raise InvalidTransition(
            _("Ticket %(number)s was already checked complete.") % {"number": ticket.number}
        )
    ticket.completeness_checked_at = now
    ticket.completeness_checked_by = actor
    ticket.updated_at = now
    ticket.save(update_fields=["completeness_checked_at", "completeness_checked_by", "updated_at"])
    _event(ticket, "completeness_checked", now, user=actor, data={"note": note})
    return ticket
