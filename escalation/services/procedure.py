"""Websitenazorg's 3-step procedure (issue #13 §2; SPEC §4.2, D10), offered to the customer
on its ticket: 1. the assigned support employee solves it (the ticket itself); 2. when it is
not solved to the customer's satisfaction, the senior support employee or the management
team (a level-2 escalation, whose contacts are told); 3. further steps such as mediation when
it cannot be solved within a reasonable time (the manual level 3).

Each step the customer takes is an escalation record, as every escalation is: who (the
contact), when, why (its note), who was told; `escalation_fire` writes its ticket event. The
procedure applies where the contract's escalation policy has the manual level 3."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import Contact
from escalation.exceptions import EscalationError
from escalation.models import Escalation, Level, Reason
from escalation.selectors import escalation_policy_for
from escalation.services.actions import _fire_now, _open_locked
from escalation.services.planning import Trigger
from tickets.models import Ticket

# step -> the escalation that records it (step 1 is the ticket itself)
STEPS = {
    2: Trigger(Level.SECOND_LINE, Reason.CUSTOMER_UNSATISFIED),
    3: Trigger(Level.MEDIATION, Reason.MEDIATION),
}
STEP_TITLES = {
    1: gettext_lazy("Your assigned support employee solves the problem"),
    2: gettext_lazy("Not solved to your satisfaction: the senior support employee or management"),
    3: gettext_lazy("Not solved within a reasonable time: further steps such as mediation"),
}


@dataclass(frozen=True)
class ProcedureStep:
    number: int
    title: str
    taken: Escalation | None
    current: bool


def procedure_applies(ticket: Ticket) -> bool:
    return bool(escalation_policy_for(ticket.contract).manual_level3)


def _taken(ticket: Ticket) -> dict[int, Escalation]:
    rows = Escalation.objects.filter(ticket=ticket).select_related("raised_by_contact")
    found: dict[int, Escalation] = {}
    for number, trigger in STEPS.items():
        match = [r for r in rows if (r.level, r.reason) == (trigger.level, trigger.reason)]
        if match:
            found[number] = min(match, key=lambda r: r.raised_at)
    return found


def procedure_steps(ticket: Ticket) -> list[ProcedureStep]:
    """The three steps, each with the record of when it was taken; the current one marked."""
    taken = _taken(ticket)
    current = max(taken, default=1)
    return [ProcedureStep(n, str(STEP_TITLES[n]), taken.get(n), n == current) for n in (1, 2, 3)]


@transaction.atomic
def procedure_step_take(
    *, ticket: Ticket, contact: Contact, reason: str, now: datetime
) -> Escalation:
    """The customer takes the next step, with its reason."""
    if not procedure_applies(ticket):
        raise EscalationError(_("This ticket has no step-by-step escalation procedure."))
    if not reason.strip():
        raise EscalationError(_("Say why you take the next step."))
    if contact.customer_id != ticket.customer_id:
        raise EscalationError(
            _("%(email)s is not a contact of %(customer)s.")
            % {"email": contact.email, "customer": ticket.customer}
        )
    ticket = _open_locked(ticket)
    current = max(_taken(ticket), default=1)
    if current >= 3:
        raise EscalationError(
            _("All steps of the procedure have been taken; mediation is under way.")
        )
    return _fire_now(
        ticket, STEPS[current + 1], now, raised_by_contact=contact, note=reason.strip()
    )
