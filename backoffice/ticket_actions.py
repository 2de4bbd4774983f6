"""The ticket work page's actions: one form and one service call each (issue #6 §2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.critical import CRITICAL_HANDLERS, critical_forms
from backoffice.forms import (
    AssignForm,
    CompleteForm,
    EscalationResolveForm,
    PriorityDecisionForm,
    PriorityForm,
    ProblemLinkForm,
    ProblemOpenForm,
    RcaRequestForm,
    ReplyForm,
    ResolveForm,
    RootCauseForm,
    SlaExemptForm,
    TransitionForm,
    VendorOpenForm,
    VendorUpdateForm,
)
from backoffice.ticket_outage import OUTAGE_HANDLERS, outage_forms
from backoffice.ticket_time import TIME_HANDLERS, time_forms
from contracts.models import SlaTarget
from escalation.models import Escalation
from escalation.services.actions import escalation_resolve
from tickets.models import (
    PriorityChangeRequest,
    Status,
    Ticket,
    VendorEscalation,
)
from tickets.services import (
    ticket_assign,
    ticket_call_log,
    ticket_change_priority,
    ticket_mark_complete,
    ticket_note_add,
    ticket_priority_decide,
    ticket_record_root_cause,
    ticket_reply_public,
    ticket_resolve,
    ticket_set_line,
    ticket_sla_exempt,
    ticket_transition,
)
from tickets.services.problems import (
    problem_link,
    problem_open_from_ticket,
    problem_rca_request,
    problem_unlink,
)
from tickets.services.work import (
    vendor_escalation_close,
    vendor_escalation_open,
    vendor_update_shared,
)


def _levels(ticket: Ticket) -> list[tuple[str, str]]:
    if ticket.sla_policy_id is None:
        return []
    targets = SlaTarget.objects.filter(policy_id=ticket.sla_policy_id).order_by("rank", "level")
    return [(t.level, f"{t.level} (P{t.rank})") for t in targets]


# Each action: (form factory, handler). The handler gets the cleaned data and returns a
# success message; service refusals propagate and are shown.
Handler = Callable[[Ticket, dict[str, Any], User, HttpRequest], str]


def _reply(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    """A public reply (mailed to the customer), a logged call or an internal note: one service
    each, writing message, files, events and mails together (issue #11 §1)."""
    visibility, now = data["visibility"], timezone.now()
    write = {
        "public": ticket_reply_public,
        "phone": ticket_call_log,
        "internal": ticket_note_add,
    }[visibility]
    write(ticket=ticket, author=user, body=data["body"], now=now, files=data["attachments"])
    if visibility == "public":
        return _("Reply sent to the customer.")
    return _("Phone call logged.") if visibility == "phone" else _("Internal note added.")


def _transition(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    ticket_transition(
        ticket=ticket,
        to_status=data["to_status"],
        reason=data["reason"],
        now=timezone.now(),
        actor=user,
    )
    return _("Status changed to %(status)s.") % {"status": Status(data["to_status"]).label}


def _assign(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    now = timezone.now()
    if data["line"] != ticket.line:
        ticket = ticket_set_line(ticket=ticket, line=data["line"], now=now, actor=user)
    if data["assignee"] != ticket.assignee:
        ticket_assign(ticket=ticket, assignee=data["assignee"], now=now, actor=user)
    return _("Assignment saved.")


def _priority(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    ticket_change_priority(
        ticket=ticket,
        level=data["level"],
        reason=data["reason"],
        reason_code=data["reason_code"],
        now=timezone.now(),
        actor=user,
    )
    return _("Priority changed to %(level)s; deadlines recomputed.") % {"level": data["level"]}


def _decide(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    pending = get_object_or_404(PriorityChangeRequest, pk=data["request_id"], ticket=ticket)
    ticket_priority_decide(
        request=pending, accept=data["accept"], note=data["note"], now=timezone.now(), actor=user
    )
    return _("Request accepted.") if data["accept"] else _("Request rejected.")


def _root_cause(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    ticket_record_root_cause(ticket=ticket, text=data["text"], now=timezone.now(), actor=user)
    return _("Root cause recorded.")


def _resolve(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    ticket_resolve(
        ticket=ticket, kind=data["kind"], text=data["text"], now=timezone.now(), actor=user
    )
    return _("Ticket resolved.")


def _escalation_resolve(
    ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest
) -> str:
    escalation = get_object_or_404(
        Escalation, pk=request.POST.get("escalation_id") or 0, ticket=ticket
    )
    escalation_resolve(escalation=escalation, note=data["note"], now=timezone.now(), actor=user)
    return _("Escalation resolved.")


def _complete(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    ticket_mark_complete(ticket=ticket, now=timezone.now(), actor=user, note=data["note"])
    return _("Checked complete; work can start.")


def _problem_link(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    problem_link(ticket=ticket, problem=data["problem"], now=timezone.now(), actor=user)
    return _("Linked to problem %(n)s.") % {"n": data["problem"].number}


def _problem_open(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    problem = problem_open_from_ticket(
        ticket=ticket,
        title=data["title"],
        with_suggested=data["with_suggested"],
        now=timezone.now(),
        actor=user,
    )
    return _("Problem %(n)s opened with %(count)s incident(s).") % {
        "n": problem.number,
        "count": problem.incidents.count(),
    }


def _problem_unlink(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    problem_unlink(ticket=ticket, now=timezone.now(), actor=user)
    return _("Unlinked from the problem.")


def _rca_request(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    problem = problem_rca_request(
        ticket=ticket, requested_at=data["requested_at"], now=timezone.now(), actor=user
    )
    return _("RCA request recorded on problem %(n)s.") % {"n": problem.number}


def _vendor_open(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    vendor_escalation_open(
        ticket=ticket,
        vendor=data["vendor"],
        vendor_name=data["vendor_name"],
        vendor_reference=data["vendor_reference"],
        note=data["note"],
        now=timezone.now(),
        actor=user,
    )
    return _("Escalated to the vendor.")


def _vendor_update(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    escalation = get_object_or_404(VendorEscalation, pk=data["escalation_id"], ticket=ticket)
    if data["close"]:
        vendor_escalation_close(
            escalation=escalation, note=data["note"], now=timezone.now(), actor=user
        )
        return _("Vendor escalation closed.")
    vendor_update_shared(
        escalation=escalation,
        vendor_reference=data["vendor_reference"],
        note=data["note"],
        now=timezone.now(),
        actor=user,
    )
    return _("Vendor update shared with the customer recorded.")


def _sla_exempt(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    ticket_sla_exempt(
        ticket=ticket,
        reason=data["reason"],
        vendor_owned=data["vendor_owned"],
        now=timezone.now(),
        actor=user,
    )
    return _("Listed in compliance, excluded from the percentage.")


def ticket_forms(ticket: Ticket, data: Any = None, files: Any = None) -> dict[str, forms.Form]:
    return {
        **critical_forms(data),
        **time_forms(data),
        **outage_forms(ticket, data),
        "reply": ReplyForm(data, files, prefix="reply", ticket=ticket),
        "transition": TransitionForm(data, prefix="transition", ticket=ticket),
        "assign": AssignForm(
            data,
            prefix="assign",
            initial={"line": ticket.line, "assignee": ticket.assignee_id},
        ),
        "priority": PriorityForm(
            data,
            prefix="priority",
            levels=_levels(ticket),
            initial={"level": ticket.priority_level},
        ),
        "decide": PriorityDecisionForm(data, prefix="decide"),
        "root_cause": RootCauseForm(data, prefix="root_cause", initial={"text": ticket.root_cause}),
        "resolve": ResolveForm(data, prefix="resolve"),
        "escalation_resolve": EscalationResolveForm(data, prefix="escalation_resolve"),
        "complete": CompleteForm(data, prefix="complete"),
        "problem_link": ProblemLinkForm(data, prefix="problem_link", ticket=ticket),
        "problem_open": ProblemOpenForm(
            data,
            prefix="problem_open",
            initial={"title": f"{ticket.product or ticket.subject}"[:250]},
        ),
        "problem_unlink": forms.Form(data, prefix="problem_unlink"),
        "rca_request": RcaRequestForm(data, prefix="rca_request"),
        "vendor_open": VendorOpenForm(data, prefix="vendor_open"),
        "vendor_update": VendorUpdateForm(data, prefix="vendor_update"),
        "sla_exempt": SlaExemptForm(
            data,
            prefix="sla_exempt",
            initial={
                "reason": ticket.sla_exempt_reason,
                "vendor_owned": ticket.resolution_vendor_owned,
            },
        ),
    }


HANDLERS: dict[str, Handler] = {
    "reply": _reply,
    "transition": _transition,
    "assign": _assign,
    "priority": _priority,
    "decide": _decide,
    "root_cause": _root_cause,
    "resolve": _resolve,
    "escalation_resolve": _escalation_resolve,
    "complete": _complete,
    "problem_link": _problem_link,
    "problem_open": _problem_open,
    "problem_unlink": _problem_unlink,
    "rca_request": _rca_request,
    "vendor_open": _vendor_open,
    "vendor_update": _vendor_update,
    "sla_exempt": _sla_exempt,
    **CRITICAL_HANDLERS,
    **TIME_HANDLERS,
    **OUTAGE_HANDLERS,
}
