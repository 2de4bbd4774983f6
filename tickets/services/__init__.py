"""Every write to tickets goes through these services (ARCHITECTURE rule 1)."""

from tickets.services.clocks import ticket_clocks_recompute
from tickets.services.create import TicketCreateInput, ticket_create
from tickets.services.lifecycle import (
    ticket_assign,
    ticket_change_priority,
    ticket_record_root_cause,
    ticket_reply,
    ticket_resolve,
    ticket_transition,
)

__all__ = [
    "TicketCreateInput",
    "ticket_assign",
    "ticket_change_priority",
    "ticket_clocks_recompute",
    "ticket_create",
    "ticket_record_root_cause",
    "ticket_reply",
    "ticket_resolve",
    "ticket_transition",
]
