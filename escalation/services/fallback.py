"""The next person in line when an escalation's mail is refused for good (issue #10 §6).

A recipient whose mail server answers 5xx will never read this escalation: staying silent would
let the escalation die unseen. The mail goes to the next person who can act, in this order: the
other escalation contacts of the same level, those of the higher levels, the contract's CSAM,
then the support coordinators; nobody is told twice. The escalation records each fallback
(who refused, why, who was told instead) and later reminders go to the new person.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from escalation.models import Escalation, Level
from escalation.selectors import escalation_contact_recipients
from escalation.services.emails import (
    ENGINEER_KEY_PART,
    FALLBACK_ROLE_SUFFIX,
    escalation_email,
)
from notifications.models import OutboxEmail
from notifications.services.outbox import outbox_enqueue
from notifications.services.recipients import COORDINATOR_GROUP, Recipient, staff_recipient
from tickets.models import TicketEvent

__all__ = ["FALLBACK_ROLE_SUFFIX", "escalation_fallback"]


def _candidates(escalation: Escalation) -> list[Recipient]:
    """Everyone who could take over, best first, each in their own language."""
    ticket = escalation.ticket
    contract = ticket.contract
    found: list[Recipient] = []
    if escalation.level >= Level.FIRST_LINE:
        for level in range(escalation.level, Level.MEDIATION + 1):
            found += escalation_contact_recipients(contract, level)
        csam = contract.csam
        if csam is not None and csam.email:
            found.append(staff_recipient(csam, "customer success account manager"))
    coordinators = (
        get_user_model()
        .objects.filter(groups__name=COORDINATOR_GROUP, is_active=True)
        .exclude(email="")
        .select_related("staff_profile")
        .order_by("pk")
    )
    found += [staff_recipient(u, "support coordinator") for u in coordinators]
    return found


def _reminder_number(row: OutboxEmail) -> int:
    """Escalation mail keys read escalation:<pk>:<reminder>:<address>."""
    parts = row.key.split(":")
    return int(parts[2]) if len(parts) >= 4 and parts[2].isdigit() else 0


@transaction.atomic
def escalation_fallback(*, outbox_id: int, now: datetime) -> OutboxEmail | None:
    """Tell the next person in line instead of the refused recipient of `outbox_id`; returns
    the new mail, or None if nobody is left (the escalation records that too).

    Called when the server refuses a send with 5xx; a delivery-status report that marks an
    escalation's mail bounced is the same refusal, reported later, and may call it too."""
    row = OutboxEmail.objects.get(pk=outbox_id)
    if row.escalation_id is None or ENGINEER_KEY_PART in row.key:
        return None  # an engineer's notice: the managers were told in their own mails
    escalation = (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("ticket__contract__csam", "ticket__customer", "ticket__sla_target")
        .get(pk=row.escalation_id)
    )
    refused = row.to_email.lower()
    if any(f.get("refused") == refused for f in escalation.fallbacks):
        return None  # this refusal was handled before (a redelivered task)
    told = {str(r["email"]).lower() for r in escalation.recipients}
    told |= {str(f.get("refused", "")) for f in escalation.fallbacks}
    told |= {str(f.get("to", "")).lower() for f in escalation.fallbacks}
    told.add(refused)
    instead = next((c for c in _candidates(escalation) if c.email.lower() not in told), None)
    escalation.fallbacks = [
        *escalation.fallbacks,
        {
            "refused": refused,
            "error": (row.last_error or row.bounce_reason)[:500],
            "to": instead.email if instead else "",
            "at": now.isoformat(),
        },
    ]
    recipients = [r for r in escalation.recipients if str(r["email"]).lower() != refused]
    if instead is not None:
        instead = Recipient(
            instead.role + FALLBACK_ROLE_SUFFIX, instead.name, instead.email, instead.language
        )
        recipients.append(instead.as_json())
    escalation.recipients = recipients
    escalation.save(update_fields=["fallbacks", "recipients"])
    TicketEvent.objects.create(
        ticket=escalation.ticket,
        kind="escalation_fallback",
        created_at=now,
        data={
            "escalation": escalation.pk,
            "refused": refused,
            "to": instead.email if instead else "",
        },
    )
    if instead is None:
        return None
    reminder = _reminder_number(row)
    return outbox_enqueue(
        key=f"escalation:{escalation.pk}:{reminder}:{instead.email.lower()}",
        email=escalation_email(escalation, instead, reminder),
        now=now,
        send_after=now,
        ticket=escalation.ticket,
        escalation=escalation,
    )
