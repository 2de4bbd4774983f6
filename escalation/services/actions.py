"""People acting on escalations: customers raise them, staff acknowledge or mediate."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from contracts.businesstime import Calendar
from contracts.calendars import calendar_for
from contracts.models import Contact
from escalation.exceptions import EscalationError
from escalation.models import Escalation, Level, Reason
from escalation.selectors import escalation_policy_for
from escalation.services.emails import customer_escalation_email
from escalation.services.firing import escalation_fire
from escalation.services.planning import Trigger
from escalation.services.sweep_firing import notify_time
from escalation.services.webhooks import escalation_acknowledged_event
from notifications.services.outbox import outbox_enqueue
from notifications.services.recipients import Recipient
from tickets.models import OPEN_STATUSES, Ticket
from tickets.services.clocks import whole_second

# Tickets without a calendar (no target) escalate in real time.
ALWAYS_OPEN = Calendar(code="24x7", tz=ZoneInfo("UTC"), weekly=((),) * 7, always_open=True)


def _open_locked(ticket: Ticket) -> Ticket:
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("calendar", "contract__package", "customer", "sla_target")
        .get(pk=ticket.pk)
    )
    if ticket.status not in OPEN_STATUSES:
        raise EscalationError(
            _("Ticket %(number)s is not open; there is nothing to escalate.")
            % {"number": ticket.number}
        )
    return ticket


def _fire_now(
    ticket: Ticket,
    trigger: Trigger,
    now: datetime,
    *,
    raised_by_contact: Contact | None = None,
    note: str = "",
) -> Escalation:
    calendar = calendar_for(ticket.calendar) if ticket.calendar else ALWAYS_OPEN
    escalation = escalation_fire(
        ticket,
        trigger,
        now,
        notify_time(calendar, now),
        policy=escalation_policy_for(ticket.contract),
        calendar=calendar,
        raised_by_contact=raised_by_contact,
        note=note,
    )
    if escalation is None:
        raise EscalationError(
            _(
                "Ticket %(number)s has already been escalated for this reason; the "
                "escalation managers are working on it."
            )
            % {"number": ticket.number}
        )
    ticket.next_check_at = whole_second(now)  # plan reminders and level-2 timers on the next sweep
    ticket.save(update_fields=["next_check_at"])
    return escalation


@transaction.atomic
def escalation_raise_by_customer(
    *, ticket: Ticket, contact: Contact, reason: str, now: datetime, unsatisfied: bool = False
) -> Escalation:
    """The customer escalates (level 1), or is not satisfied with level 1's outcome (level 2)."""
    if not reason.strip():
        raise EscalationError(_("Say why you escalate the ticket."))
    if contact.customer_id != ticket.customer_id:
        raise EscalationError(
            _("%(email)s is not a contact of %(customer)s.")
            % {"email": contact.email, "customer": ticket.customer}
        )
    ticket = _open_locked(ticket)
    trigger = Trigger(Level.FIRST_LINE, Reason.CUSTOMER_RAISED)
    if unsatisfied:
        if not Escalation.objects.filter(ticket=ticket).filter(level=Level.FIRST_LINE).exists():
            raise EscalationError(_("Escalate to level 1 first; level 2 follows its outcome."))
        trigger = Trigger(Level.SECOND_LINE, Reason.CUSTOMER_UNSATISFIED)
    escalation = _fire_now(ticket, trigger, now, raised_by_contact=contact, note=reason)
    recipient = Recipient("customer", contact.name, contact.email, contact.language)
    outbox_enqueue(
        key=f"escalation:{escalation.pk}:customer:{contact.email.lower()}",
        # Truthful (issue #11 §2): told when the managers' mails really go, which waits for
        # business hours unless the target is 24x7 (D10).
        email=customer_escalation_email(escalation, recipient, now),
        now=now,
        ticket=ticket,
        escalation=escalation,
    )
    return escalation


@transaction.atomic
def escalation_raise_mediation(
    *, ticket: Ticket, note: str, now: datetime, actor: User
) -> Escalation:
    """Websitenazorg's step 3 (SPEC §4.2): a manual level 3 where the policy allows it."""
    ticket = _open_locked(ticket)
    if not escalation_policy_for(ticket.contract).manual_level3:
        raise EscalationError(
            _("The escalation policy of %(contract)s has no level 3.")
            % {"contract": ticket.contract}
        )
    escalation = _fire_now(ticket, Trigger(Level.MEDIATION, Reason.MEDIATION), now, note=note)
    Escalation.objects.filter(pk=escalation.pk).update(raised_by_user=actor)
    return escalation


@transaction.atomic
def escalation_acknowledge(*, escalation: Escalation, by: str, now: datetime) -> bool:
    """Compare-and-set: the first acknowledgement wins, reminders stop; False if already done."""
    done = bool(
        Escalation.objects.filter(pk=escalation.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_by=by[:254], next_notify_at=None
        )
    )
    if done:
        escalation_acknowledged_event(escalation, now)
    return done


@transaction.atomic
def escalation_resolve(*, escalation: Escalation, note: str, now: datetime, actor: User) -> None:
    """Staff close an escalation with what was done; reminders and follow-ups stop. An
    unacknowledged escalation counts as acknowledged by the one who resolves it."""
    if not note.strip():
        raise EscalationError(_("Say how the escalation was resolved."))
    row = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if row.resolved_at is not None:
        raise EscalationError(
            _("Escalation %(pk)s was already resolved on %(when)s.")
            % {"pk": row.pk, "when": localtime(row.resolved_at).strftime("%Y-%m-%d %H:%M")}
        )
    row.resolved_at = now
    row.resolved_by = actor
    row.resolution_note = note.strip()
    row.next_notify_at = None
    acknowledged_now = row.acknowledged_at is None
    if acknowledged_now:
        row.acknowledged_at = now
        row.acknowledged_by = (actor.email or actor.get_username())[:254]
    row.save(
        update_fields=[
            "resolved_at",
            "resolved_by",
            "resolution_note",
            "next_notify_at",
            "acknowledged_at",
            "acknowledged_by",
        ]
    )
    if acknowledged_now:
        escalation_acknowledged_event(row, now)
