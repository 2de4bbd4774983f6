"""The escalation sweep: the database is the timer (issue #3 §2, DECISIONS D10).

1. Claim: one indexed query picks a page of tickets whose `next_check_at` has come, with
   `SELECT ... FOR UPDATE SKIP LOCKED`, and stamps them with a short lease, so a concurrent
   sweep takes other tickets and a crashed sweep's tickets come back after the lease.
2. Load the page's clocks, pauses and escalations in a few queries, and plan each ticket.
3. Write per ticket: a ticket with nothing to send gets one compare-and-set update of its next
   check; a ticket with something to fire gets its own transaction, re-locked and re-checked
   against the lease, so a concurrent change (resolved, paused, re-prioritised) wins.

A sweep that fails part-way gives the rest of its page back at once (the ticket it failed on
waits for the lease, so one bad ticket cannot stall the others); a sweep that is killed leaves
its page to the lease, which is short (ESCALATION_SWEEP_LEASE_SECONDS), and the page's next
checks are written once, at its end (a killed sweep's tickets are checked again after the lease;
checking a ticket again is harmless, escalations fire exactly once).

A sweep at another time than now is a dry run (`escalation_sweep_preview`): it runs in a
transaction that is rolled back, so it writes nothing and publishes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, DateTimeField, F, Max, Value, When

from contracts.businesstime import Calendar, is_open, next_open
from contracts.calendars import calendar_for
from contracts.models import EscalationPolicy
from escalation.models import Escalation, Level
from escalation.selectors import escalation_policy_for, escalation_recipients, ticket_engineers
from escalation.services.firing import (
    critical_notice_merged,
    csam_critical_notice,
    csam_key,
    escalation_fire,
    reminder_send,
)
from escalation.services.planning import Plan, followup_plan, ticket_plan
from notifications.models import OutboxEmail
from notifications.services.recipients import Recipient
from tickets.models import OPEN_STATUSES, ClockSegment, SegmentState, SlaClock, Status, Ticket
from tickets.services.clocks import whole_second
from tickets.sla import Pause


def sweep_lease() -> timedelta:
    return timedelta(seconds=settings.ESCALATION_SWEEP_LEASE_SECONDS)


@dataclass
class SweepResult:
    checked: int = 0
    fired: int = 0


@dataclass
class SweepPreview:
    """What a sweep at another time would do; nothing of it was written."""

    checked: int = 0
    would_fire: list[str] = field(default_factory=list)


class _DryRun(Exception):
    """Raised to roll a preview's transaction back."""


@dataclass
class _Page:
    """One claimed page, with what planning needs loaded in bulk."""

    lease: datetime
    tickets: list[Ticket]
    clocks: dict[int, list[SlaClock]] = field(default_factory=lambda: defaultdict(list))
    pauses: dict[int, list[Pause]] = field(default_factory=lambda: defaultdict(list))
    escalations: dict[int, list[Escalation]] = field(default_factory=lambda: defaultdict(list))
    csam_notified: set[str] = field(default_factory=set)
    # Next checks of the tickets with nothing to send, written in one UPDATE at the end.
    replanned: dict[int, datetime | None] = field(default_factory=dict)
    closed: list[int] = field(default_factory=list)


@dataclass
class _Caches:
    """Per sweep: a contract's policy and recipients do not change within a sweep."""

    policies: dict[int, EscalationPolicy] = field(default_factory=dict)
    recipients: dict[tuple[object, ...], tuple[list[Recipient], str]] = field(default_factory=dict)
    engineers: dict[tuple[int | None, str], list[Recipient]] = field(default_factory=dict)

    def policy(self, ticket: Ticket) -> EscalationPolicy:
        if ticket.contract_id not in self.policies:
            self.policies[ticket.contract_id] = escalation_policy_for(ticket.contract)
        return self.policies[ticket.contract_id]

    def recipients_of(self, ticket: Ticket, level: int) -> tuple[list[Recipient], str]:
        # Warnings name the people who work the ticket: its assignee, else its line's group.
        key: tuple[object, ...] = (ticket.contract_id, level)
        if level == Level.WARNING:
            key += (ticket.assignee_id, ticket.line)
        if key not in self.recipients:
            self.recipients[key] = escalation_recipients(ticket, level)
        return self.recipients[key]

    def engineers_of(self, ticket: Ticket) -> list[Recipient]:
        """Who works the ticket (told of its escalations), once per assignee or line."""
        key = (ticket.assignee_id, ticket.line)
        if key not in self.engineers:
            self.engineers[key] = ticket_engineers(ticket)
        return self.engineers[key]


def notify_time(calendar: Calendar, now: datetime) -> datetime:
    """Nobody is paged outside business hours unless the ticket's target is 24x7 (D10)."""
    if calendar.always_open or is_open(now, calendar):
        return now
    return next_open(now, calendar)


def _claim(now: datetime, batch: int, lease: datetime) -> list[int]:
    with transaction.atomic():
        ids = list(
            Ticket.objects.select_for_update(skip_locked=True)
            .filter(next_check_at__lte=now)
            .order_by("next_check_at", "pk")
            .values_list("pk", flat=True)[:batch]
        )
        if ids:
            Ticket.objects.filter(pk__in=ids).update(next_check_at=lease)
    return ids


def _load(ids: list[int], lease: datetime) -> _Page:
    tickets = list(
        Ticket.objects.filter(pk__in=ids).select_related(
            "sla_target", "calendar", "customer", "contract__package", "contract__csam"
        )
    )
    page = _Page(lease=lease, tickets=tickets)
    for clock in SlaClock.objects.filter(ticket_id__in=ids):
        page.clocks[clock.ticket_id].append(clock)
    paused = ClockSegment.objects.filter(ticket_id__in=ids, state=SegmentState.PAUSED)
    for segment in paused.order_by("started_at"):
        page.pauses[segment.ticket_id].append((segment.started_at, segment.ended_at))
    for escalation in Escalation.objects.filter(ticket_id__in=ids):
        page.escalations[escalation.ticket_id].append(escalation)
    page.csam_notified = set(
        OutboxEmail.objects.filter(ticket_id__in=ids, key__startswith="csam-critical:").values_list(
            "key", flat=True
        )
    )
    return page


def _set_next_check(ticket: Ticket, lease: datetime, value: datetime | None) -> None:
    """Compare-and-set: a ticket changed since the claim keeps the check its change asked for."""
    Ticket.objects.filter(pk=ticket.pk, next_check_at=lease).update(next_check_at=value)


def _write_replanned(page: _Page, now: datetime) -> None:
    """One compare-and-set UPDATE for every ticket of the page that had nothing to send."""
    if page.closed:
        Escalation.objects.filter(ticket_id__in=page.closed, resolved_at__isnull=True).update(
            resolved_at=now, next_notify_at=None
        )
    if page.replanned:
        Ticket.objects.filter(pk__in=list(page.replanned), next_check_at=page.lease).update(
            next_check_at=Case(
                *[When(pk=pk, then=Value(value)) for pk, value in page.replanned.items()],
                default=F("next_check_at"),
                output_field=DateTimeField(),
            )
        )
    page.closed = []
    page.replanned = {}


def _release(ids: list[int], lease: datetime, now: datetime) -> None:
    """Give unprocessed tickets back at once (compare-and-set on the lease)."""
    if ids:
        Ticket.objects.filter(pk__in=ids, next_check_at=lease).update(
            next_check_at=whole_second(now)
        )


def _csam_due(ticket: Ticket, page: _Page) -> bool:
    """D11: a Critical / Sev 1 ticket (or one that was) whose version the CSAM has not seen."""
    csam = ticket.contract.csam
    if csam is None or not csam.email:
        return False
    if csam_key(ticket) in page.csam_notified:
        return False
    was_critical = any(k.startswith(f"csam-critical:{ticket.pk}:") for k in page.csam_notified)
    return was_critical or (ticket.sla_target is not None and ticket.sla_target.rank == 1)


def _check(ticket: Ticket, page: _Page, caches: _Caches, now: datetime) -> int:
    """Plan one ticket and write the outcome; returns how many escalations fired."""
    if ticket.status not in OPEN_STATUSES:
        page.closed.append(ticket.pk)
        page.replanned[ticket.pk] = None
        return 0
    if ticket.status == Status.WAITING_FOR_CUSTOMER or ticket.calendar is None:
        page.replanned[ticket.pk] = None  # paused: resuming asks for a check (D6)
        return 0
    policy = caches.policy(ticket)
    calendar = calendar_for(ticket.calendar)
    plan = ticket_plan(
        ticket,
        page.clocks[ticket.pk],
        page.pauses[ticket.pk],
        page.escalations[ticket.pk],
        policy,
        calendar,
        now,
    )
    if not (plan.triggers or plan.reminders or _csam_due(ticket, page)):
        page.replanned[ticket.pk] = plan.next_check(now)
        return 0
    return _fire(ticket, plan, page, caches, policy, calendar, now)


def _fire(
    ticket: Ticket,
    plan: Plan,
    page: _Page,
    caches: _Caches,
    policy: EscalationPolicy,
    calendar: Calendar,
    now: datetime,
) -> int:
    """Send what is due, in the ticket's own transaction, if nothing changed since the claim."""
    with transaction.atomic():
        locked = (
            Ticket.objects.select_for_update(of=("self",))
            .filter(pk=ticket.pk, next_check_at=page.lease)
            .first()
        )
        if locked is None:
            return 0  # changed since the claim; its change asked for a fresh check
        send_after = notify_time(calendar, now)
        # The CSAM's copy of a level 1+ escalation also carries the critical-ticket notice
        # that is due: one mail per event per person (issue #11 §2).
        notice_due = _csam_due(ticket, page)
        fired: list[Escalation] = []
        for trigger in plan.triggers:
            escalation = escalation_fire(
                ticket,
                trigger,
                now,
                send_after,
                policy=policy,
                calendar=calendar,
                recipients_of=caches.recipients_of,
                engineers_of=caches.engineers_of,
                critical_notice=notice_due,
            )
            if escalation is None:
                continue
            fired.append(escalation)
            if notice_due and critical_notice_merged(escalation):
                page.csam_notified.add(csam_key(ticket))
                notice_due = False
        for escalation in plan.reminders:
            plan.upcoming.append(reminder_send(escalation, policy, calendar, now, send_after))
        for escalation in fired:
            if escalation.next_notify_at:
                plan.upcoming.append(escalation.next_notify_at)
        first = next((e for e in fired if e.level == Level.FIRST_LINE), None)
        if first is not None:  # a level 1 fired now starts the level-2 timers
            followup_plan(ticket, first.raised_at, False, policy, calendar, now, plan)
        if notice_due:
            csam_critical_notice(ticket, now, send_after)
        _set_next_check(ticket, page.lease, plan.next_check(now))
    return len(fired)


def _sweep_page(page: _Page, caches: _Caches, now: datetime, result: SweepResult) -> None:
    """Check each ticket of the page; on a failure, give back the tickets not yet checked."""
    done = 0
    try:
        for ticket in page.tickets:
            result.checked += 1
            result.fired += _check(ticket, page, caches, now)
            done += 1
    except BaseException:
        # The failing ticket keeps its lease (retried later); the others are checked now.
        _release([t.pk for t in page.tickets[done + 1 :]], page.lease, now)
        raise
    finally:
        _write_replanned(page, now)


def escalation_sweep(*, now: datetime, batch: int | None = None) -> SweepResult:
    """Check every ticket whose check time has come, page by page."""
    result = SweepResult()
    caches = _Caches()
    batch = batch or settings.ESCALATION_SWEEP_PAGE
    lease = whole_second(now) + sweep_lease()
    while True:
        ids = _claim(now, batch, lease)
        if not ids:
            return result
        _sweep_page(_load(ids, lease), caches, now, result)
        if len(ids) < batch:
            return result


def escalation_sweep_preview(*, now: datetime) -> SweepPreview:
    """What a sweep at `now` would fire, computed in a transaction that is rolled back: no
    escalation, outbox row or next check is written and nothing is published."""
    preview = SweepPreview()
    try:
        with transaction.atomic():
            before = Escalation.objects.aggregate(last=Max("pk"))["last"] or 0
            preview.checked = escalation_sweep(now=now).checked
            for escalation in (
                Escalation.objects.filter(pk__gt=before).select_related("ticket").order_by("pk")
            ):
                to = ", ".join(str(r["email"]) for r in escalation.recipients) or "-"
                preview.would_fire.append(
                    f"{escalation.ticket.number} level {escalation.level} "
                    f"{escalation.reason} to {to}"
                )
            raise _DryRun
    except _DryRun:
        pass
    return preview
