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
    "sla_exempted": _("exempted from the SLA"),
    "sla_recomputed": _("SLA recomputed"),
    "survey_answered": _("satisfaction survey answered"),
    "escalated": _("escalated"),
    "escalation_fallback": _("escalation mail sent to the next in line"),
    "time_entry_added": _("time registered"),
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
}


def event_label(kind: str) -> str:
    if kind in EVENT_LABELS:
        return str(EVENT_LABELS[kind])
    return kind.replace("_", " ").strip()
