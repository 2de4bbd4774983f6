"""The short name of each TicketEvent kind, for the timeline's "what" column and the events
list (issue #11 §5). The kinds are written by tickets.services and the layers above; a kind
missing here reads as its humanised code ("sharing changed"), never as a key. The sentences
describing each event's data live with the pages (backoffice.event_sentences)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

EVENT_LABELS = {
    "created": _("registered"),
    "status_changed": _("status changed"),
    "message_added": _("message added"),
    "first_response": _("first response"),
    "assigned": _("assigned"),
    "line_changed": _("line changed"),
    "priority_changed": _("priority changed"),
    "priority_change_requested": _("customer asked for another priority"),
    "priority_change_decided": _("priority request decided"),
    "root_cause_recorded": _("root cause recorded"),
    "completeness_checked": _("checked complete"),
    "critical_resource_assigned": _("critical situation resource assigned"),
    "effort_24x7_requested": _("24x7 effort requested"),
    "executives_notified": _("senior executives notified"),
    "sla_exempted": _("exempted from the SLA"),
    "sla_recomputed": _("SLA recomputed"),
    "survey_answered": _("satisfaction survey answered"),
    "escalated": _("escalated"),
    "escalation_fallback": _("escalation mail sent to the next in line"),
    "oncall_paged": _("on call paged"),
    "oncall_acknowledged": _("on-call page acknowledged"),
    "time_entry_added": _("time registered"),
    "time_entry_billable_overridden": _("billable decision on time"),
    "vendor_escalated": _("escalated to the vendor"),
    "vendor_update_shared": _("vendor update shared with the customer"),
    "vendor_escalation_closed": _("vendor escalation closed"),
    "problem_opened": _("problem opened"),
    "problem_linked": _("linked to a problem"),
    "problem_unlinked": _("unlinked from the problem"),
    "problem_closed": _("problem closed"),
    "problem_root_cause_recorded": _("problem root cause recorded"),
    "problem_workaround_recorded": _("problem workaround recorded"),
    "rca_requested": _("RCA requested by the customer"),
    "rca_due_set": _("RCA due date set"),
    "rca_delivered": _("RCA delivered"),
    "customer_reply_seen": _("customer's reply seen"),
    "sharing_changed": _("sharing with colleagues changed"),
    "attachments_added": _("files added"),
}

# The clock ledger's stored reasons (tickets.services write them), as people read them. A
# segment's reason not listed here is a staff member's own words (a status change's reason).
SEGMENT_REASONS = {
    "registered": _("registered"),
    "waiting for customer": _("waiting for the customer"),
    "customer replied": _("customer replied"),
    "customer replied by email": _("customer replied by email"),
    "resolved": _("resolved"),
    "resumed": _("resumed"),
    "resolution confirmed by the customer": _("resolution confirmed by the customer"),
    "reopened by the customer": _("reopened by the customer"),
    "information requested": _("information requested"),
}


def segment_reason(reason: str) -> str:
    return str(SEGMENT_REASONS.get(reason, reason))


# What a customer sees of a ticket's events (D15, issue #12 §2): the kinds about what the portal
# shows it (status, priority, the public conversation, its own requests, escalations and answers),
# each with only these keys of its data; anything else (internal notes, assignments, lines,
# time, reasons written by staff) never reaches a customer. A "message_added" event counts only
# for a public message (`tickets.selectors.events_visible_to_contact`).
CUSTOMER_EVENT_DATA: dict[str, tuple[str, ...]] = {
    "created": ("channel", "request_type", "priority", "rank"),
    "status_changed": ("from", "to"),
    "message_added": ("message", "message_kind", "update_kind"),
    "first_response": ("message",),
    "priority_changed": (
        "from",
        "to",
        "from_rank",
        "to_rank",
        "response_due_at",
        "resolution_due_at",
    ),
    "priority_change_requested": ("request", "level", "reason"),
    "priority_change_decided": ("request", "state"),
    "root_cause_recorded": (),
    "critical_resource_assigned": (),
    "effort_24x7_requested": (),
    "escalated": ("escalation", "level"),
    "survey_answered": ("score",),
    "sharing_changed": ("shared",),
    "attachments_added": ("attachments",),
}


# The events of a deliberate recompute of the SLA clocks (D6, D8, D3): each records the clocks'
# due times before and after (`due_before`, `due_after`: metric -> ISO time or null), who did it,
# and why (its kind; the reason written with it). The API lists them with each clock.
RECOMPUTE_EVENT_KINDS = ("priority_changed", "sla_recomputed", "root_cause_recorded")


def event_data_for_customer(kind: str, data: object) -> dict[str, object]:
    """The keys of an event's data a customer may read (none of a kind it does not see)."""
    if not isinstance(data, dict):
        return {}
    return {key: data[key] for key in CUSTOMER_EVENT_DATA.get(kind, ()) if key in data}


def event_label(kind: str) -> str:
    if kind in EVENT_LABELS:
        return str(EVENT_LABELS[kind])
    return kind.replace("_", " ").strip()
