"""The ticket's event timeline in words (issue #6 §2, issue #11 §5): each stored TicketEvent
gets a short label and a sentence in the page's language (backoffice.event_sentences); a kind
without one reads as a humanised label and its data in words, never a key or a dict."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User

from backoffice.event_sentences import Names, event_sentence, segment_reason
from tickets.event_kinds import EVENT_LABELS as LABELS
from tickets.event_kinds import event_label
from tickets.models import ClockSegment, Problem, TicketEvent

# Data keys holding user ids.
USER_KEYS = ("assignee", "from", "to", "user", "resource")
__all__ = ["LABELS", "LedgerRow", "TimelineRow", "ledger", "segment_reason", "timeline"]


@dataclass(frozen=True)
class TimelineRow:
    at: datetime
    label: str
    who: str
    details: str


def _person(user: User | None) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _names(rows: list[TicketEvent], levels: Mapping[str, str]) -> Names:
    """Users and problems named in the events' data: one query each, only when needed."""
    user_ids = {
        v
        for e in rows
        for k, v in (e.data or {}).items()
        if k in USER_KEYS and isinstance(v, int) and not isinstance(v, bool)
    }
    problem_ids = {
        e.data["problem"]
        for e in rows
        if isinstance(e.data, dict)
        and isinstance(e.data.get("problem"), int)
        and not e.data.get("number")
    }
    users = {u.pk: _person(u) for u in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    problems = (
        dict(Problem.objects.filter(pk__in=problem_ids).values_list("pk", "number"))
        if problem_ids
        else {}
    )
    return Names(users=users, problems=problems, levels=levels)


def timeline(
    events: Iterable[TicketEvent], *, levels: Mapping[str, str] | None = None
) -> list[TimelineRow]:
    """The events as rows; `levels` names the ticket's priority levels (code -> label)."""
    rows = list(events)
    names = _names(rows, levels or {})
    return [
        TimelineRow(
            at=e.created_at,
            label=event_label(e.kind),
            who=_person(e.actor_user) or (e.actor_contact.name if e.actor_contact else ""),
            details=event_sentence(e.kind, e.data if isinstance(e.data, dict) else {}, names),
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
