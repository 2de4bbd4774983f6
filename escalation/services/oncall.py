"""Paging the person on call (issue #13 §1).

`oncall_page_open` opens a page once per (ticket, reason) and pages its first step at once, in
the caller's transaction: the step row, the mail (an outbox row) and, after commit, the SMS/voice
message (a task). A step that nobody acknowledges within the policy's time
(`EscalationPolicy.oncall_acknowledge_seconds`, 15 minutes by default) goes to the next person
on the rota and then to the contract's level-1 escalation contact; `oncall_sweep` (the beat)
does that.

Exactly once per step: the page moves on by a compare-and-set on its `step`, and the step row is
unique per (page, number), so two overlapping sweeps, or a sweep beside an acknowledgement,
page nobody twice; an acknowledged page moves no further. The pager message is claimed by a
compare-and-set on `pager_sent_at` before the backend is called: a redelivered task or the
sweep's retry sends it once (a backend that fails gives the claim back, and the sweep tries
again a few times).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F, Model, Q

from contracts.businesstime import is_open
from contracts.calendars import calendar_for
from contracts.inserts import keys_carried, keys_columns, rows_insert
from contracts.models import ClockKind
from contracts.selectors import contract_calendar, escalation_policy_cached
from contracts.selectors_escalation import escalation_contacts_of
from contracts.selectors_oncall import oncall_chain
from escalation.models import OnCallPage, OnCallPageStep, StepRole
from escalation.services.oncall_emails import oncall_ack_url, oncall_page_email, oncall_pager_text
from notifications.models import OutboxEmail
from notifications.pagers import PagerMessage, pager_backend
from notifications.services.outbox import (
    OutboxDraft,
    outbox_write,
    outbox_written_dispatch,
    task_publish,
)
from notifications.services.recipients import staff_language, staff_language_column
from tickets.models import OPEN_STATUSES, Ticket, TicketEvent

PAGER_TASK = "escalation.tasks.oncall_pager_task"
# The reason of the desk's own trigger: a 24x7 ticket outside office hours.
REASON_OUT_OF_HOURS = "24x7-outside-office-hours"
# A pager message not sent a minute after its step (broker down, backend failed) is sent by
# the sweep, at most this many attempts in all.
PAGER_RETRY_AFTER = timedelta(seconds=60)
PAGER_MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class _Target:
    role: str
    name: str
    email: str
    phone: str
    language: str
    user: User | None = None
    # Keys taken by the read that found the target (`keys_columns`), if it was asked to.
    keys: list[int] | None = None


@transaction.atomic
def oncall_page_open(*, ticket: Ticket, now: datetime, reason: str) -> OnCallPage:
    """Page whoever is on call for the ticket now; the existing page if this (ticket, reason)
    was paged before (calling twice pages once), or while another of the ticket's pages still
    waits for an acknowledgement: a call with a CBG code is a 24x7 ticket outside office hours
    as well, and its person on call is paged once."""
    existing = (
        OnCallPage.objects.filter(ticket=ticket)
        .filter(Q(reason=reason) | Q(acknowledged_at__isnull=True))
        .order_by("opened_at", "pk")
        .first()
    )
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            page = OnCallPage.objects.create(ticket=ticket, reason=reason, opened_at=now)
    except IntegrityError:  # a concurrent caller opened it first
        return OnCallPage.objects.get(ticket=ticket, reason=reason)
    page.ticket = ticket
    _advance(page, now)
    return page


def _page_new_ticket(ticket: Ticket, now: datetime, reason: str) -> OnCallPage:
    """The page of a ticket registered in this very transaction: nobody else can see the
    ticket before it commits, so it has no earlier page and no concurrent opener. The page is
    written at its first step with no look for an earlier page, no savepoints and no
    compare-and-set; on PostgreSQL the page, its step, the step's mail and the ticket's event
    go in one statement, their keys taken by the read that finds whom to page (the mail's link
    names the step). The sweep moves the page on like any other."""
    target, gap = _next_target(ticket, now, earlier=[], keys=(OnCallPage, OnCallPageStep))
    page = OnCallPage(ticket=ticket, reason=reason, opened_at=now, step=1, rota_gap=gap)
    if target is None:
        page.save(force_insert=True)
        return page
    if target.role == StepRole.ON_CALL:
        page.next_step_at = now + _acknowledge_wait(ticket)
    keys = target.keys  # taken by the read of the target (PostgreSQL)
    if keys is None:
        page.save(force_insert=True)
        _step_notify(_step_write(page, 1, target, now), now)
        return page
    page.pk = keys[0]
    step = _step_build(page, 1, target, now)
    step.pk = keys[1]
    mails, event = _step_rows(step, now)
    rows = [draft.row(now) for draft in mails]
    rows_insert([page], [step], rows, [event])
    _step_sent(step, now, rows)
    return page


def ticket_needs_oncall(ticket: Ticket, now: datetime) -> bool:
    """A ticket on a 24x7 target while its contract's office is closed (D10: nothing else
    pages anyone outside business hours)."""
    target = ticket.sla_target
    if target is None or target.clock_kind != ClockKind.ALWAYS:
        return False
    row = contract_calendar(ticket.contract)
    return row is not None and not row.always_open and not is_open(now, calendar_for(row))


def oncall_page_if_needed(
    *, ticket: Ticket, now: datetime, created: bool = False
) -> OnCallPage | None:
    """The desk's own trigger, on creation (`created`: in the transaction that registers the
    ticket) and on a priority change."""
    if ticket.status not in OPEN_STATUSES or not ticket_needs_oncall(ticket, now):
        return None
    if created:
        return _page_new_ticket(ticket, now, REASON_OUT_OF_HOURS)
    return oncall_page_open(ticket=ticket, now=now, reason=REASON_OUT_OF_HOURS)


def _advance(page: OnCallPage, now: datetime) -> OnCallPageStep | None:
    """Page the next step, if the page is still where the caller saw it (compare-and-set)."""
    number = page.step + 1
    moved = OnCallPage.objects.filter(
        pk=page.pk, step=page.step, acknowledged_at__isnull=True
    ).update(step=number, next_step_at=None)
    if not moved:
        return None  # acknowledged, or moved on by someone else
    page.step, page.next_step_at = number, None
    earlier = list(page.steps.values_list("user_id", "role"))
    target, gap = _next_target(page.ticket, now, earlier)
    if gap:
        OnCallPage.objects.filter(pk=page.pk).update(rota_gap=True)
        page.rota_gap = True
    if target is None:
        return None  # nobody is left to page
    try:
        with transaction.atomic():
            step = _step_write(page, number, target, now)
    except IntegrityError:
        return None  # this step was paged before
    if target.role == StepRole.ON_CALL:  # someone is always next: a colleague or the contact
        page.next_step_at = now + _acknowledge_wait(page.ticket)
        OnCallPage.objects.filter(pk=page.pk, step=number).update(next_step_at=page.next_step_at)
    _step_notify(step, now)
    return step


def _acknowledge_wait(ticket: Ticket) -> timedelta:
    """How long a person on call has to acknowledge before the next one is paged."""
    return timedelta(seconds=escalation_policy_cached(ticket.contract).oncall_acknowledge_seconds)


def _step_build(page: OnCallPage, number: int, target: _Target, now: datetime) -> OnCallPageStep:
    return OnCallPageStep(
        page=page,
        number=number,
        role=target.role,
        user=target.user,
        name=target.name,
        email=target.email,
        phone=target.phone,
        language=target.language,
        paged_at=now,
    )


def _step_write(page: OnCallPage, number: int, target: _Target, now: datetime) -> OnCallPageStep:
    step = _step_build(page, number, target, now)
    step.save(force_insert=True)
    return step


def _next_target(
    ticket: Ticket,
    now: datetime,
    earlier: Sequence[tuple[int | None, str]],
    keys: Sequence[type[Model]] = (),
) -> tuple[_Target | None, bool]:
    """Who the next step pages after the `earlier` steps (user, role), and whether the rota
    had nobody (left) on call. `keys`: models whose new keys the read of the target takes
    along (`contracts.inserts.keys_columns`; the target's `keys`, where the database can)."""
    columns = keys_columns(*keys)
    chain = oncall_chain(
        provider_id=ticket.provider_id,
        package_code=ticket.contract.package.code,
        at=now,
        **columns,
    )
    paged = {user_id for user_id, _ in earlier}
    for shift in chain:
        if shift.user_id not in paged:
            user = shift.user
            return _Target(
                StepRole.ON_CALL,
                user.get_full_name() or user.get_username(),
                user.email,
                shift.phone,
                staff_language(user),
                user,
                keys_carried(shift, len(keys)),
            ), False
    gap = not chain
    if any(role == StepRole.ESCALATION_CONTACT for _, role in earlier):
        return None, gap
    contract = ticket.contract
    of_level = escalation_contacts_of(
        [contract], [1], staff_language=staff_language_column(), **columns
    )
    contacts = [c for c in of_level[(contract.pk, 1)] if c.email or c.phone]
    if not contacts:
        return None, gap
    contact: Any = contacts[0]  # with its staff language (the same query)
    return _Target(
        StepRole.ESCALATION_CONTACT,
        contact.name or contact.role,
        contact.email,
        contact.phone,
        contact.staff_language,
        keys=keys_carried(contact, len(keys)),
    ), gap


def _step_notify(step: OnCallPageStep, now: datetime) -> None:
    """The mail (outbox, this transaction), the pager message (a task after commit) and the
    ticket's event."""
    mails, event = _step_rows(step, now)
    outbox_write(mails, now=now)  # dispatched on commit
    event.save(force_insert=True)
    _step_sent(step, now, [])


def _step_rows(step: OnCallPageStep, now: datetime) -> tuple[list[OutboxDraft], TicketEvent]:
    """What paging a step writes besides the step: its mail, if the person has an address (a
    24x7 promise: sent at once, whatever the hour), and the ticket's event; not written yet."""
    ticket = step.page.ticket
    mails = []
    if step.email:
        mails.append(
            OutboxDraft(
                key=f"oncall:{step.page_id}:{step.number}:{step.email.lower()}",
                email=oncall_page_email(step),
                send_after=now,
                ticket=ticket,
            )
        )
    event = TicketEvent(
        ticket=ticket,
        kind="oncall_paged",
        created_at=now,
        data={
            "page": step.page_id,
            "step": step.number,
            "role": step.role,
            "name": step.name,
            "reason": step.page.reason,
        },
    )
    return mails, event


def _step_sent(step: OnCallPageStep, now: datetime, mails: list[OutboxEmail]) -> None:
    """After the step's rows are written: its pager message, and the `mails` the caller wrote
    with its own statement, are asked for after commit."""
    outbox_written_dispatch(mails, now)
    if step.phone:
        transaction.on_commit(lambda: oncall_pager_dispatch(step.pk))


def oncall_pager_dispatch(step_id: int) -> None:
    """Ask a worker to send the step's SMS/voice message; the sweep sends it if this fails."""
    task_publish(PAGER_TASK, step_id, "pager message")


def oncall_pager_send(*, step_id: int, now: datetime) -> bool:
    """Hand the step's message to the pager once; False if it was sent (or is being sent)."""
    claimed = OnCallPageStep.objects.filter(
        pk=step_id, pager_sent_at__isnull=True, pager_attempts__lt=PAGER_MAX_ATTEMPTS
    ).update(pager_sent_at=now, pager_attempts=F("pager_attempts") + 1)
    if not claimed:
        return False
    step = OnCallPageStep.objects.select_related("page__ticket__customer").get(pk=step_id)
    message = PagerMessage(
        to_phone=step.phone,
        to_name=step.name,
        text=oncall_pager_text(step),
        url=oncall_ack_url(step),
        key=f"oncall:{step.page_id}:{step.number}",
    )
    try:
        pager_backend().send(message)
    except Exception as exc:  # any backend failure: give the claim back for a retry
        OnCallPageStep.objects.filter(pk=step_id).update(
            pager_sent_at=None, pager_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        return False
    return True


def oncall_page_acknowledge(
    *,
    page: OnCallPage,
    now: datetime,
    user: User | None = None,
    step: OnCallPageStep | None = None,
) -> bool:
    """The page is taken: nobody else is paged. `step` is the link's step (who was paged);
    `user` a staff member acting in the back-office or the API. False if acknowledged before."""
    by = user or (step.user if step is not None else None)
    if by is not None:
        name = by.get_full_name() or by.get_username()
    else:
        name = step.name if step is not None else ""
    done = OnCallPage.objects.filter(pk=page.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=by, acknowledged_by_name=name, next_step_at=None
    )
    if done:
        TicketEvent.objects.create(
            ticket_id=page.ticket_id,
            kind="oncall_acknowledged",
            actor_user=by,
            created_at=now,
            data={"page": page.pk, "step": step.number if step else page.step, "name": name},
        )
    return bool(done)


@dataclass
class OnCallSweepResult:
    stepped: int = 0
    pager_sent: int = 0


def oncall_sweep(*, now: datetime, batch: int = 200) -> OnCallSweepResult:
    """Move every unacknowledged page whose time has come to its next step; send the pager
    messages a worker did not send."""
    result = OnCallSweepResult()
    due = list(
        OnCallPage.objects.filter(acknowledged_at__isnull=True, next_step_at__lte=now)
        .order_by("next_step_at", "pk")
        .values_list("pk", flat=True)[:batch]
    )
    for page_id in due:
        with transaction.atomic():
            page = (
                OnCallPage.objects.select_related("ticket__contract__package", "ticket__customer")
                .filter(pk=page_id, acknowledged_at__isnull=True, next_step_at__lte=now)
                .first()
            )
            if page is None:
                continue
            if page.ticket.status not in OPEN_STATUSES:  # solved meanwhile: nobody to wake
                OnCallPage.objects.filter(pk=page.pk).update(next_step_at=None)
                continue
            if _advance(page, now) is not None:
                result.stepped += 1
    unsent = OnCallPageStep.objects.filter(
        Q(pager_sent_at__isnull=True),
        pager_attempts__lt=PAGER_MAX_ATTEMPTS,
        paged_at__lte=now - PAGER_RETRY_AFTER,
    ).exclude(phone="")
    for step_id in unsent.values_list("pk", flat=True)[:batch]:
        result.pager_sent += oncall_pager_send(step_id=step_id, now=now)
    return result
