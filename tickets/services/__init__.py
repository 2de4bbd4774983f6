"""Every write to tickets goes through these services (ARCHITECTURE rule 1)."""

from tickets.services.clocks import ticket_clocks_recompute
from tickets.services.conversation import (
    CustomerReply,
    ticket_attachments_add,
    ticket_call_log,
    ticket_note_add,
    ticket_reply,
    ticket_reply_customer,
    ticket_reply_public,
)
from tickets.services.create import TicketCreateInput, ticket_create
from tickets.services.critical import ticket_critical_resource_assign, ticket_status_update
from tickets.services.lifecycle import (
    ticket_assign,
    ticket_customer_confirm,
    ticket_mark_complete,
    ticket_record_root_cause,
    ticket_resolve,
    ticket_set_line,
    ticket_survey_answer,
    ticket_transition,
)
from tickets.services.priority import (
    ticket_change_priority,
    ticket_priority_decide,
    ticket_priority_request,
    ticket_request_24x7_effort,
    ticket_sla_exempt,
    ticket_sla_rebase,
)

__all__ = [
    "CustomerReply",
    "TicketCreateInput",
    "ticket_assign",
    "ticket_attachments_add",
    "ticket_call_log",
    "ticket_change_priority",
    "ticket_clocks_recompute",
    "ticket_create",
    "ticket_critical_resource_assign",
    "ticket_customer_confirm",
    "ticket_mark_complete",
    "ticket_note_add",
    "ticket_priority_decide",
    "ticket_priority_request",
    "ticket_record_root_cause",
    "ticket_reply",
    "ticket_reply_customer",
    "ticket_reply_public",
    "ticket_request_24x7_effort",
    "ticket_resolve",
    "ticket_set_line",
    "ticket_sla_exempt",
    "ticket_sla_rebase",
    "ticket_status_update",
    "ticket_survey_answer",
    "ticket_transition",
]
