"""Senior executive notifications on a critical situation (SPEC §3.10, ESC-15).

Where the service description offers them (contracts.critical_situations), an engineer asks for
them from the work page or the API:

- the provider's senior executives ("if needed"): the contract's second-line escalation
  contacts (the second-line officer, D10), or the catalogue's when the contract names none;
- the customer's senior executives ("as asked by us"): the contract's contacts holding the
  senior executive role, or, when it has none, its support services manager, who is asked to
  tell them.

Each side is notified once per ticket: the request is an event on the ticket (who, when, whom)
and one outbox mail per person, written together under the ticket's lock; a second request is
refused with the time of the first.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from contracts.models import ContactRole, ContactRoleKind
from escalation.exceptions import EscalationError
from escalation.selectors import escalation_contact_recipients
from notifications.services.emails import (
    local_time,
    portal_ticket_url,
    render,
    subject_token,
    ticket_facts,
    ticket_url,
)
from notifications.services.outbox import Email, outbox_enqueue
from notifications.services.recipients import Recipient
from tickets.models import OPEN_STATUSES, Ticket, TicketEvent
from tickets.services.critical import ticket_critical_situation
from tickets.services.guards import requires_aware_now

EVENT_KIND = "executives_notified"
# The provider's senior executives are its second-line escalation contacts (D10).
PROVIDER_EXECUTIVE_LEVEL = 2


class ExecutiveSide(models.TextChoices):
    # Lazy: the label is read in the reader's language, not the importer's.
    PROVIDER = "provider", gettext_lazy("our senior executives")
    CUSTOMER = "customer", gettext_lazy("the customer's senior executives")


def executives_offered(ticket: Ticket) -> list[str]:
    """The sides whose executives may be notified on this ticket (empty: none)."""
    offered = ticket_critical_situation(ticket)
    sides: list[str] = [ExecutiveSide.PROVIDER] if offered.provider_executives else []
    return sides + ([ExecutiveSide.CUSTOMER] if offered.customer_executives else [])


def customer_executives(ticket: Ticket) -> list[Recipient]:
    """The contract's senior executives, else its support services manager."""
    roles = ContactRole.objects.filter(
        contract_id=ticket.contract_id, contact__is_active=True
    ).select_related("contact")
    for kind in (ContactRoleKind.SENIOR_EXECUTIVE, ContactRoleKind.SUPPORT_SERVICES_MANAGER):
        people = [
            Recipient(kind, r.contact.name, r.contact.email, r.contact.language)
            for r in roles.filter(role=kind).order_by("contact__name")
            if r.contact.email
        ]
        if people:
            return people
    return []


def _recipients(ticket: Ticket, side: str) -> list[Recipient]:
    if side == ExecutiveSide.PROVIDER:
        return escalation_contact_recipients(ticket.contract, PROVIDER_EXECUTIVE_LEVEL)
    return customer_executives(ticket)


def _email(ticket: Ticket, side: str, recipient: Recipient, note: str) -> Email:
    with override(recipient.language):
        if side == ExecutiveSide.PROVIDER:
            heading = _("Senior executive notification: critical ticket %(number)s") % {
                "number": ticket.number
            }
            intro = _("The engineer on a critical ticket of %(customer)s asks you to be told.")
            intro %= {"customer": ticket.customer.name}
            facts, url, label = ticket_facts(ticket), ticket_url(ticket), _("Open the ticket")
        else:
            heading = _("Critical ticket %(number)s: please inform your senior executives") % {
                "number": ticket.number
            }
            intro = _(
                "Your ticket is critical. As agreed in the service description, we ask that "
                "your senior executives are informed of it."
            )
            facts = ticket_facts(ticket, customer=True)
            url, label = portal_ticket_url(ticket), _("Open the ticket in the portal")
        if note:
            intro += "\n\n" + note
        return render(
            language=recipient.language,
            recipient=recipient,
            subject=f"{subject_token(ticket)} {heading}",
            heading=heading,
            intro=intro,
            facts=facts,
            action_url=url,
            action_label=label,
        )


def _refuse_repeat(ticket: Ticket, side: str) -> None:
    earlier = TicketEvent.objects.filter(ticket=ticket, kind=EVENT_KIND, data__side=side).first()
    if earlier is not None:
        raise EscalationError(
            _("Already notified on %(when)s: %(whom)s.")
            % {"whom": ExecutiveSide(side).label, "when": local_time(earlier.created_at)}
        )


@requires_aware_now
@transaction.atomic
def ticket_executives_notify(
    *, ticket: Ticket, side: str, actor: User, note: str, now: datetime
) -> TicketEvent:
    """Notify one side's senior executives of the critical ticket, once (module docstring)."""
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("sla_policy", "sla_target", "contract", "customer")
        .get(pk=ticket.pk)
    )
    if side not in executives_offered(ticket) or ticket.status not in OPEN_STATUSES:
        raise EscalationError(
            _("Notifying %(whom)s is not part of the service at this ticket's priority.")
            % {"whom": ExecutiveSide(side).label if side in ExecutiveSide.values else side}
        )
    _refuse_repeat(ticket, side)
    recipients = _recipients(ticket, side)
    if not recipients:
        raise EscalationError(
            _("Contract %(contract)s names nobody with an email address for %(whom)s.")
            % {"contract": ticket.contract.reference, "whom": ExecutiveSide(side).label}
        )
    event = TicketEvent.objects.create(
        ticket=ticket,
        kind=EVENT_KIND,
        actor_user=actor,
        data={"side": side, "note": note, "recipients": [r.email for r in recipients]},
        created_at=now,
    )
    for recipient in recipients:
        outbox_enqueue(
            key=f"executives:{ticket.pk}:{side}:{recipient.email.lower()}",
            email=_email(ticket, side, recipient, note),
            now=now,
            ticket=ticket,
        )
    return event
