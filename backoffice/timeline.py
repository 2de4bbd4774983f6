"""The ticket's event timeline in words (issue #6 §2): each stored TicketEvent kind gets a
translated label and a short description of its data; unknown kinds show their code."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from tickets.models import ClockSegment, Line, MessageKind, Status, TicketEvent

LABELS = {
    "created": _("registered"),
    "status_changed": _("status changed"),
    "message_added": _("message added"),
    "first_response": _("first response"),
    "assigned": _("assigned"),
    "line_changed": _("line changed"),
    "priority_changed": _("priority changed"),
    "priority_change_requested": _("customer asked for another priority"),
    "priority_change_decided": _("priority request decided"),
    "root_cause_recorded": _("root cause recorded"),
    "completeness_checked": _("checked complete"),
    "critical_resource_assigned": _("critical situation resource assigned"),
    "effort_24x7_requested": _("24x7 effort requested"),
    "sla_exempted": _("exempted from the SLA"),
    "sla_recomputed": _("SLA recomputed"),
    "survey_answered": _("satisfaction survey answered"),
    "escalated": _("escalated"),
    "time_entry_added": _("time registered"),
    "vendor_escalated": _("escalated to the vendor"),
    "vendor_update_shared": _("vendor update shared with the customer"),
    "vendor_escalation_closed": _("vendor escalation closed"),
    "problem_opened": _("problem opened"),
    "problem_linked": _("linked to a problem"),
    "problem_unlinked": _("unlinked from the problem"),
    "problem_closed": _("problem closed"),
    "problem_root_cause_recorded": _("problem root cause recorded"),
    "problem_workaround_recorded": _("problem workaround recorded"),
    "rca_requested": _("RCA requested by the customer"),
    "rca_due_set": _("RCA due date set"),
    "rca_delivered": _("RCA delivered"),
}
# Data keys that are row ids or bookkeeping: not shown.
HIDDEN = {"message", "escalation", "request", "problem_id", "entry", "automated"}
STATUS_LABELS = dict(Status.choices)
KIND_LABELS = dict(MessageKind.choices)
# The clock ledger's stored reasons (tickets.services), as people read them.
SEGMENT_REASONS = {
    "registered": _("registered"),
    "waiting for customer": _("waiting for the customer"),
    "customer replied": _("customer replied"),
    "customer replied by email": _("customer replied by email"),
    "resolved": _("resolved"),
    "resumed": _("resumed"),
    "resolution confirmed by the customer": _("resolution confirmed by the customer"),
    "reopened by the customer": _("reopened by the customer"),
    "information requested": _("information requested"),
}


def segment_reason(reason: str) -> str:
    return str(SEGMENT_REASONS.get(reason, reason))


LINE_LABELS = dict(Line.choices)


@dataclass(frozen=True)
class TimelineRow:
    at: datetime
    label: str
    who: str
    details: str


def _when(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and "T" in value:
        parsed = parse_datetime(value)
        if parsed is not None:
            return formats.date_format(timezone.localtime(parsed), "j M Y H:i")
    return value


def _value(key: str, value: Any, users: dict[int, str]) -> Any:
    if key == "message_kind" and value in KIND_LABELS:
        return KIND_LABELS[value]
    if key in ("from", "to") and value in STATUS_LABELS:
        return STATUS_LABELS[value]
    if key in ("from", "to", "line") and value in LINE_LABELS:
        return LINE_LABELS[value]
    if key in ("assignee", "from", "to", "user") and isinstance(value, int):
        return users.get(value, value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return _when(value)


def _details(event: TicketEvent, users: dict[int, str]) -> str:
    data = event.data or {}
    if event.kind == "status_changed":
        text = f"{_value('from', data.get('from'), users)} → {_value('to', data.get('to'), users)}"
        reason = data.get("reason")
        return f"{text} ({segment_reason(reason)})" if reason else text
    parts = [
        f"{key.replace('_', ' ')}: {_value(key, value, users)}"
        for key, value in data.items()
        if key not in HIDDEN and value not in (None, "", [], {})
    ]
    return "; ".join(parts)


def _person(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def timeline(events: Iterable[TicketEvent]) -> list[TimelineRow]:
    rows = list(events)
    ids = {
        v
        for e in rows
        for k, v in (e.data or {}).items()
        if k in ("assignee", "from", "to", "user") and isinstance(v, int)
    }
    users = {u.pk: _person(u) for u in User.objects.filter(pk__in=ids)} if ids else {}
    return [
        TimelineRow(
            at=e.created_at,
            label=str(LABELS.get(e.kind, e.kind)),
            who=_person(e.actor_user) or (e.actor_contact.name if e.actor_contact else ""),
            details=_details(e, users),
        )
        for e in rows
    ]


@dataclass(frozen=True)
class LedgerRow:
    state: str
    state_label: str
    started_at: datetime
    ended_at: datetime | None
    reason: str
    who: str


def ledger(segments: Iterable[ClockSegment]) -> list[LedgerRow]:
    """The running/paused segments of the SLA clocks with their reasons in words (D6)."""
    return [
        LedgerRow(
            state=s.state,
            state_label=str(s.get_state_display()),
            started_at=s.started_at,
            ended_at=s.ended_at,
            reason=segment_reason(s.reason),
            who=_person(s.actor_user),
        )
        for s in segments
    ]
