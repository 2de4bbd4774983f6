"""Sharing a ticket with the customer's colleagues (D15, issue #11 §5).

Whether a ticket is shared is chosen when it is created (the contract's default unless the
creator chose) and can be changed afterwards by the ticket's own contact or by a support services
manager of the ticket's contract — nobody else, not a colleague who can see a shared ticket. A
named contact sees its own tickets and the shared ones; the manager sees all of them.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from contracts.models import Contact, ContactRole, ContactRoleKind
from tickets.exceptions import TicketError
from tickets.models import Ticket, TicketEvent
from tickets.services.guards import requires_aware_now
from tickets.signals import ChangeKind, TicketChange, ticket_change_emit


class SharingNotAllowed(TicketError):
    code = "sharing_not_allowed"


def contact_may_change_sharing(*, ticket: Ticket, contact: Contact) -> bool:
    """The ticket's own contact, or a support services manager of the ticket's contract."""
    if not contact.is_active or contact.customer_id != ticket.customer_id:
        return False
    if contact.pk == ticket.contact_id:
        return True
    return ContactRole.objects.filter(
        contact=contact,
        contract_id=ticket.contract_id,
        role=ContactRoleKind.SUPPORT_SERVICES_MANAGER,
    ).exists()


@requires_aware_now
@transaction.atomic
def ticket_sharing_set(*, ticket: Ticket, shared: bool, contact: Contact, now: datetime) -> Ticket:
    """Share the ticket with the organisation or stop sharing it; an unchanged choice writes
    nothing. The compare-and-set makes two simultaneous changes write one event each only when
    each really changed the row."""
    if not contact_may_change_sharing(ticket=ticket, contact=contact):
        raise SharingNotAllowed(
            _(
                "Only the person who reported ticket %(number)s or your organisation's support "
                "services manager can change who sees it."
            )
            % {"number": ticket.number}
        )
    changed = (
        Ticket.objects.filter(pk=ticket.pk)
        .exclude(shared_with_organisation=shared)
        .update(shared_with_organisation=shared, updated_at=now)
    )
    ticket.shared_with_organisation = shared
    if changed:
        ticket.updated_at = now
        TicketEvent.objects.create(
            ticket=ticket,
            kind="sharing_changed",
            actor_contact=contact,
            data={"shared": shared},
            created_at=now,
        )
        ticket_change_emit(
            TicketChange(
                kind=ChangeKind.SHARING_CHANGED, ticket=ticket, now=now, actor_contact=contact
            )
        )
    return ticket
