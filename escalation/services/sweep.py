"""The escalation sweep: the database is the timer (issue #3 §2, DECISIONS D10).

1. Claim: one indexed query picks a page of tickets whose `next_check_at` has come, with
   `SELECT ... FOR UPDATE SKIP LOCKED`, and stamps them with a short lease, so a concurrent
   sweep takes other tickets and a crashed sweep's tickets come back after the lease.
2. Load the page's clocks, pauses and escalations in a few queries, and plan each ticket.
3. Fire: the tickets with something to send are fired together, FIRE_BATCH at a time, each
   batch in one transaction that re-locks them and re-checks the lease, with one statement per
   table (escalation.services.sweep_firing). If a batch fails, its tickets are fired again one
   transaction each, so one bad ticket cannot hold back the others.
4. Write the page's next checks in one compare-and-set UPDATE at its end (a ticket changed
   since the claim keeps the check its change asked for).

A sweep that fails part-way gives the rest of its page back at once (the ticket it failed on
waits for the lease, so one bad ticket cannot stall the others); a sweep that is killed leaves
its page to the lease, which is short (ESCALATION_SWEEP_LEASE_SECONDS), and the page's next
checks are written once, at its end (a killed sweep's tickets are checked again after the lease;
checking a ticket again is harmless, escalations fire exactly once).

A sweep at another time than now is a dry run (`escalation_sweep_preview`): it runs in a
transaction that is rolled back, so it writes nothing and publishes nothing.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max

from contracts.bulk_sql import case_by_pk, execute_unsynced
from contracts.calendars import calendar_by_pk
from contracts.models import EscalationPolicy
from contracts.selectors_escalation import escalation_policies_for
from escalation.models import Escalation
from escalation.services.firing import csam_key
from escalation.services.planning import ticket_plan
from escalation.services.sweep_firing import FIRE_BATCH, DueTicket, tickets_fire
from notifications.models import OutboxEmail
from tickets.models import OPEN_STATUSES, ClockSegment, SegmentState, SlaClock, Status, Ticket
from tickets.services.clocks import whole_second
from tickets.sla import Pause

log = logging.getLogger(__name__)


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
    # Tickets with something to send, fired once the page is planned; the one a failure
    # happened on (it keeps its lease).
    due: list[DueTicket] = field(default_factory=list)
    stuck: set[int] = field(default_factory=set)


@dataclass
class _Caches:
    """Per sweep: a contract's policy does not change within a sweep."""

    policies: dict[int, EscalationPolicy] = field(default_factory=dict)

    def policies_load(self, tickets: list[Ticket]) -> None:
        """The policies of the tickets' contracts not read yet, in a few queries."""
        contracts = {
            t.contract_id: t.contract for t in tickets if t.contract_id not in self.policies
        }
        if contracts:
            self.policies.update(escalation_policies_for(contracts.values()))

    def policy(self, ticket: Ticket) -> EscalationPolicy:
        return self.policies[ticket.contract_id]


def _claim(now: datetime, batch: int, lease: datetime) -> list[int]:
    """Lease the next `batch` due tickets that no other sweep holds: one statement (its commit
    need not wait for the disk: a lease lost in a crash of the database only makes its tickets
    due again)."""
    if connection.vendor != "postgresql":  # SQLite has one writer at a time
        with transaction.atomic():
            ids = list(
                Ticket.objects.filter(next_check_at__lte=now)
                .order_by("next_check_at", "pk")
                .values_list("pk", flat=True)[:batch]
            )
            Ticket.objects.filter(pk__in=ids).update(next_check_at=lease)
        return ids
    quote = connection.ops.quote_name
    table, pk = quote(Ticket._meta.db_table), quote(str(Ticket._meta.pk.column))
    column = quote("next_check_at")
    ops = connection.ops
    rows = execute_unsynced(
        f"UPDATE {table} SET {column} = %s WHERE {pk} IN (SELECT {pk} FROM {table} "
        f"WHERE {column} <= %s ORDER BY {column}, {pk} LIMIT %s FOR UPDATE SKIP LOCKED) "
        f"RETURNING {pk}",
        [ops.adapt_datetimefield_value(lease), ops.adapt_datetimefield_value(now), batch],
    )
    return [row[0] for row in rows]


def _load(ids: list[int], lease: datetime) -> _Page:
    # Not the calendars: one row serves many tickets (calendar_by_pk).
    tickets = list(
        Ticket.objects.filter(pk__in=ids).select_related(
            "sla_target", "customer", "contract__package", "contract__csam"
        )
    )
    page = _Page(lease=lease, tickets=tickets)
    for clock in SlaClock.objects.filter(ticket_id__in=ids):
        page.clocks[clock.ticket_id].append(clock)
    paused = ClockSegment.objects.filter(ticket_id__in=ids, state=SegmentState.PAUSED)
    for segment in paused.order_by("started_at"):
        page.pauses[segment.ticket_id].append((segment.started_at, segment.ended_at))
    by_pk = {ticket.pk: ticket for ticket in tickets}
    for escalation in Escalation.objects.filter(ticket_id__in=ids):
        escalation.ticket = by_pk[escalation.ticket_id]  # a reminder's mail reads its ticket
        page.escalations[escalation.ticket_id].append(escalation)
    page.csam_notified = set(
        OutboxEmail.objects.filter(ticket_id__in=ids, key__startswith="csam-critical:").values_list(
            "key", flat=True
        )
    )
    return page


def _write_replanned(page: _Page, now: datetime) -> None:
    """One compare-and-set UPDATE for every ticket of the page that had nothing to send (or
    has sent it): a ticket changed since the claim keeps the check its change asked for."""
    if page.closed:
        Escalation.objects.filter(ticket_id__in=page.closed, resolved_at__isnull=True).update(
            resolved_at=now, next_notify_at=None
        )
    if page.replanned:
        _next_checks_write(page.replanned, page.lease)
    page.closed = []
    page.replanned = {}


def _next_checks_write(checks: dict[int, datetime | None], lease: datetime) -> None:
    """One UPDATE, a compare-and-set on the lease, of the next checks of many tickets (its
    commit need not wait for the disk: next checks lost in a crash of the database leave their
    tickets on the lease, checked again after it)."""
    ops, quote = connection.ops, connection.ops.quote_name
    column = quote("next_check_at")
    values = {pk: ops.adapt_datetimefield_value(at) for pk, at in checks.items()}
    case, params = case_by_pk(Ticket, values, otherwise=column)
    execute_unsynced(
        f"UPDATE {quote(Ticket._meta.db_table)} SET {column} = {case} "
        f"WHERE {quote(str(Ticket._meta.pk.column))} IN ({', '.join(['%s'] * len(checks))}) "
        f"AND {column} = %s",
        [*params, *checks, ops.adapt_datetimefield_value(lease)],
    )


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


def _check(ticket: Ticket, page: _Page, caches: _Caches, now: datetime) -> None:
    """Plan one ticket: its next check, or what it has to send (fired with the page's others,
    `_fire_due`)."""
    if ticket.status not in OPEN_STATUSES:
        page.closed.append(ticket.pk)
        page.replanned[ticket.pk] = None
        return
    if ticket.status == Status.WAITING_FOR_CUSTOMER or ticket.calendar_id is None:
        page.replanned[ticket.pk] = None  # paused: resuming asks for a check (D6)
        return
    policy = caches.policy(ticket)
    calendar = calendar_by_pk(ticket.calendar_id)
    plan = ticket_plan(
        ticket,
        page.clocks[ticket.pk],
        page.pauses[ticket.pk],
        page.escalations[ticket.pk],
        policy,
        calendar,
        now,
    )
    notice = _csam_due(ticket, page)
    if not (plan.triggers or plan.reminders or notice):
        page.replanned[ticket.pk] = plan.next_check(now)
        return
    page.due.append(DueTicket(ticket, plan, policy, calendar, notice))


def _fire(due: list[DueTicket], page: _Page, caches: _Caches, now: datetime) -> int:
    """Fire one batch; its tickets' next checks join the page's."""
    fired, next_checks = tickets_fire(due, page.lease, now)
    page.replanned.update(next_checks)
    return fired


def _fire_due(page: _Page, caches: _Caches, now: datetime) -> int:
    """Fire the page's due tickets FIRE_BATCH at a time. A batch that fails is fired again one
    ticket per transaction: every ticket that can fire does, those that fail keep their lease
    (checked again after it), and the first failure is raised once all were tried."""
    fired = 0
    failures: list[Exception] = []
    while page.due:
        chunk = page.due[:FIRE_BATCH]
        try:
            fired += _fire(chunk, page, caches, now)
        except Exception as exc:
            if len(chunk) == 1:
                page.stuck.add(chunk[0].ticket.pk)
                failures.append(exc)
            else:
                log.warning("firing %s tickets together failed; one at a time", len(chunk))
                fired += _fire_one_by_one(chunk, page, caches, now, failures)
        del page.due[: len(chunk)]
    if failures:
        raise failures[0]
    return fired


def _fire_one_by_one(
    chunk: list[DueTicket], page: _Page, caches: _Caches, now: datetime, failures: list[Exception]
) -> int:
    fired = 0
    for one in chunk:
        try:
            fired += _fire([one], page, caches, now)
        except Exception as exc:
            page.stuck.add(one.ticket.pk)
            failures.append(exc)
    return fired


def _sweep_page(page: _Page, caches: _Caches, now: datetime, result: SweepResult) -> None:
    """Plan each ticket of the page, then fire what is due; on a failure, give back the
    tickets not yet checked or fired (the one it failed on keeps its lease)."""
    done = 0
    try:
        caches.policies_load(page.tickets)
        for ticket in page.tickets:
            result.checked += 1
            _check(ticket, page, caches, now)
            done += 1
        result.fired += _fire_due(page, caches, now)
    except BaseException:
        unchecked = [t.pk for t in page.tickets[done + 1 :]]
        unfired = [d.ticket.pk for d in page.due if d.ticket.pk not in page.stuck]
        _release(unchecked + unfired, page.lease, now)
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
