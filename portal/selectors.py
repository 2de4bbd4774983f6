"""What a contact may see (DECISIONS D15). Every portal read goes through these."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from contracts.models import Contact as ContactModel
from contracts.models import ContactRole, ContactRoleKind, Contract
from escalation.models import Escalation
from tickets.models import Ticket


def contact_is_manager(contact: ContactModel) -> bool:
    """The support services manager of any of the organisation's contracts sees everything."""
    return ContactRole.objects.filter(
        contact=contact, role=ContactRoleKind.SUPPORT_SERVICES_MANAGER
    ).exists()


def tickets_visible(contact: ContactModel, *, everything: bool = False) -> QuerySet[Ticket]:
    """The organisation's tickets this contact may see; `everything` only for the manager."""
    tickets = Ticket.objects.filter(customer_id=contact.customer_id)
    if everything and contact_is_manager(contact):
        return tickets
    return tickets.filter(Q(contact=contact) | Q(shared_with_organisation=True))


def ticket_visible(contact: ContactModel, number: str) -> Ticket:
    """One ticket, or 404 — also for another organisation's ticket (never 403: no leak)."""
    ticket = (
        tickets_visible(contact, everything=True)
        .select_related("contract__package", "sla_target", "sla_policy", "contact", "provider")
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def contracts_visible(contact: ContactModel) -> QuerySet[Contract]:
    return Contract.objects.filter(customer_id=contact.customer_id).select_related(
        "package__release__provider", "provider", "calendar", "package__default_calendar"
    )


def ticket_escalation_level(ticket: Ticket) -> int | None:
    """The highest open escalation level of the ticket (warnings excluded)."""
    levels = Escalation.objects.filter(
        ticket=ticket, level__gte=1, resolved_at__isnull=True
    ).values_list("level", flat=True)
    return max(levels, default=None)
