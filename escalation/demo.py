"""The demo's history as the desk lived it: escalations fired and handled, mails sent.

`tickets.demo` creates the demo tickets and takes each through its life cycle, every step in
time order; before each step this module's `EscalationHistory` brings the desk up to that
moment: the real escalation sweep runs at every check time that came (so warnings, breaches
and reminders fire when they would have, through the same code as in production), and people
handle what fired: 20 minutes after its first mail went, an escalation is acknowledged, three
hours later resolved with a note (a warning by the ticket's engineer, level 1 by the service
support manager, level 2 and 3 by the escalation officer). At the end
the desk is brought up to `now`, so the first sweep after loading finds nothing stale to fire
(issue #11 §5), and every mail of the history is marked sent at its time: loading leaves no
pile of pending mail. What is still live at `now` (an escalation raised less than 20 minutes
ago, a mail that waits for business hours) stays as it is, as it would on a real desk.

It lives here, not in `tickets.demo`, because it uses the escalation and outbox services,
which sit above `tickets`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Max, Min

from escalation.models import Escalation, Level, OnCallPage, OnCallPageStep
from escalation.services.actions import escalation_acknowledge, escalation_resolve
from escalation.services.oncall import oncall_page_acknowledge
from escalation.services.sweep import escalation_sweep
from notifications.models import OutboxEmail, OutboxState
from tickets.demo import DemoDataError
from tickets.demo.build import demo_seed
from tickets.models import Ticket

ACKNOWLEDGED_AFTER = timedelta(minutes=20)  # after the escalation's first mail went
RESOLVED_AFTER = timedelta(hours=3)  # after the acknowledgement
# Who handles an escalation of each level (a warning: the ticket's engineer when assigned).
HANDLERS: dict[int, str] = {Level.WARNING: "secondline", Level.FIRST_LINE: "ssm"}
MAX_MOMENTS = 100_000  # a loop guard: the year's history needs a few thousand
NOTES = {
    Level.WARNING: "Gezien; de klant is bijgepraat over de stand van zaken.",
    Level.FIRST_LINE: "Met de engineer besproken; de klant is gebeld over de aanpak.",
    Level.SECOND_LINE: "Extra engineer ingezet en de klant bijgepraat; opgevolgd tot de oplossing.",
    Level.MEDIATION: "Bemiddelingsgesprek gevoerd; afspraken met de klant vastgelegd.",
}


@dataclass
class EscalationHistory:
    """Called with a moment of the demo history (in time order); does what the desk did until
    then: sweeps, acknowledgements, resolutions."""

    sweeps: int = 0
    handled: Counter[str] = field(default_factory=Counter)
    _people: dict[str, User] = field(default_factory=dict)

    def __call__(self, until: datetime) -> None:
        for _ in range(MAX_MOMENTS):
            # Read once a moment: acting at `moment` (<= until) concerns those raised by then.
            waiting = _open_escalations(until)
            moment = self._next_moment(until, waiting)
            if moment is None:
                return
            self._act(moment, [e for e in waiting if e.raised_at <= moment])
        raise DemoDataError(f"The demo history does not settle before {until}.")

    def _next_moment(self, until: datetime, waiting: list[Escalation]) -> datetime | None:
        check = Ticket.objects.filter(next_check_at__lte=until).aggregate(m=Min("next_check_at"))
        handling = [due for due in map(_handling_due, waiting) if due <= until]
        moments = [m for m in (check["m"], *handling) if m is not None]
        return min(moments, default=None)

    def _act(self, moment: datetime, waiting: list[Escalation]) -> None:
        """Staff handle the `waiting` escalations (raised by `moment`) whose time has come;
        then the sweep runs if a ticket's check is due."""
        for escalation in waiting:
            if _handling_due(escalation) > moment:
                continue
            person = self._handler(escalation)
            if escalation.acknowledged_at is None:
                escalation_acknowledge(escalation=escalation, by=person.email, now=moment)
                self.handled["acknowledged"] += 1
            else:
                note = NOTES[Level(escalation.level)]
                escalation_resolve(escalation=escalation, note=note, now=moment, actor=person)
                self.handled["resolved"] += 1
        if Ticket.objects.filter(next_check_at__lte=moment).exists():
            escalation_sweep(now=moment)
            self.sweeps += 1

    def _handler(self, escalation: Escalation) -> User:
        level = escalation.level
        username = HANDLERS.get(level, "escalation")
        if level == Level.WARNING and escalation.ticket.assignee is not None:
            return escalation.ticket.assignee
        if username not in self._people:
            self._people[username] = get_user_model().objects.get(username=username)
        return self._people[username]


def _open_escalations(until: datetime) -> list[Escalation]:
    """Escalations raised by `until` that staff still have to acknowledge or resolve."""
    return list(
        Escalation.objects.filter(raised_at__lte=until, resolved_at__isnull=True)
        .select_related("ticket__assignee")
        .annotate(first_mail=Min("emails__send_after"))
        .order_by("raised_at", "pk")
    )


def _handling_due(escalation: Escalation) -> datetime:
    """When staff act next: an acknowledgement after the first mail went, then a resolution."""
    if escalation.acknowledged_at is not None:
        return escalation.acknowledged_at + RESOLVED_AFTER
    told = max(
        escalation.raised_at, getattr(escalation, "first_mail", None) or escalation.raised_at
    )
    return told + ACKNOWLEDGED_AFTER


def demo_mails_settle(*, after_pk: int, now: datetime) -> int:
    """The history's mails went when they were due: rows written by the demo (pk > after_pk)
    that were due by `now` are marked sent at their time; a later one stays pending."""
    return OutboxEmail.objects.filter(
        pk__gt=after_pk, state=OutboxState.PENDING, send_after__lte=now
    ).update(state=OutboxState.SENT, sent_at=F("send_after"), attempts=1)


@transaction.atomic
def demo_seed_with_history(*, now: datetime) -> Counter[str]:
    """The demo data (`tickets.demo`) with its escalations handled and its mails sent, up to
    `now`; counts of what was created."""
    last_mail = OutboxEmail.objects.aggregate(m=Max("pk"))["m"] or 0
    last_escalation = Escalation.objects.aggregate(m=Max("pk"))["m"] or 0
    connection = transaction.get_connection()
    callbacks = len(connection.run_on_commit)
    history = EscalationHistory()
    counts = demo_seed(now=now, advance=history)
    counts["on-call pages acknowledged"] = oncall_history_settle(now=now)
    counts["escalations"] = Escalation.objects.filter(pk__gt=last_escalation).count()
    counts["escalations handled"] = history.handled["resolved"]
    counts["mails sent"] = demo_mails_settle(after_pk=last_mail, now=now)
    # Only the outbox registers on-commit work in the demo's services: its "send now" for each
    # mail. Those mails are marked sent above, so publishing them would only queue hundreds of
    # tasks that find nothing to send; they are dropped.
    del connection.run_on_commit[callbacks:]
    counts["mails pending"] = OutboxEmail.objects.filter(
        pk__gt=last_mail, state=OutboxState.PENDING
    ).count()
    return counts


ACKNOWLEDGED_AFTER = timedelta(minutes=4)


def oncall_history_settle(*, now: datetime) -> int:
    """The history is over: every on-call page the demo's tickets raised was acknowledged by the
    person last paged a few minutes later, and their pager messages were sent; the first on-call
    sweep after `make run` pages nobody."""
    settled = 0
    for page in OnCallPage.objects.filter(acknowledged_at__isnull=True):
        step = page.steps.order_by("-number").first()
        if step is None:
            continue
        at = min(step.paged_at + ACKNOWLEDGED_AFTER, now)
        settled += oncall_page_acknowledge(page=page, now=at, step=step)
    OnCallPageStep.objects.filter(pager_sent_at__isnull=True).update(pager_sent_at=F("paged_at"))
    return settled
