"""The ticket work page (issue #6 §2): conversation, composer, transitions, assignment,
priority, root cause, resolution, escalations, the event timeline and the clock ledger.

Every POST names one action (`do`) and calls one service; a refusal comes back as a message
on the page with the entered text kept, a success redirects (no double submit on reload).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.access import require_perm, ticket_workable, tickets_in_scope
from backoffice.forms import (
    AssignForm,
    EscalationResolveForm,
    PriorityDecisionForm,
    PriorityForm,
    ReplyForm,
    ResolveForm,
    RootCauseForm,
    TransitionForm,
)
from contracts.exceptions import ContractsError
from contracts.models import SlaTarget
from escalation.exceptions import EscalationError
from escalation.models import Escalation
from escalation.services.actions import customer_reply_notify, escalation_resolve
from intake.models import InboundAttachment
from portal.attachments import uploads_store
from tickets.exceptions import TicketError
from tickets.models import (
    OPEN_STATUSES,
    Channel,
    MessageKind,
    Metric,
    PriorityChangeRequest,
    RequestState,
    Status,
    Ticket,
)
from tickets.selectors import due_state, ticket_clock_label, ticket_priority_label
from tickets.services import (
    ticket_assign,
    ticket_change_priority,
    ticket_priority_decide,
    ticket_record_root_cause,
    ticket_reply,
    ticket_resolve,
    ticket_set_line,
    ticket_transition,
)

REFUSALS = (TicketError, ContractsError, EscalationError)


@dataclass
class Outcome:
    ok: bool
    message: str = ""


def _levels(ticket: Ticket) -> list[tuple[str, str]]:
    if ticket.sla_policy_id is None:
        return []
    targets = SlaTarget.objects.filter(policy_id=ticket.sla_policy_id).order_by("rank", "level")
    return [(t.level, f"{t.level} (P{t.rank})") for t in targets]


def _ticket(user: User, pk: int) -> Ticket:
    return get_object_or_404(
        tickets_in_scope(user, Ticket.objects.all()).select_related(
            "customer",
            "contact",
            "contract",
            "package",
            "provider",
            "assignee",
            "sla_policy",
            "sla_target",
            "calendar",
            "follow_up_of",
        ),
        pk=pk,
    )


# Each action: (form factory, handler). The handler gets the cleaned data and returns a
# success message; service refusals propagate and are shown.
Handler = Callable[[Ticket, dict[str, Any], User, HttpRequest], str]


def _reply(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    visibility, now = data["visibility"], timezone.now()
    message = ticket_reply(
        ticket=ticket,
        body=data["body"],
        now=now,
        channel=Channel.PHONE if visibility == "phone" else Channel.PORTAL,
        kind=MessageKind.INTERNAL if visibility == "internal" else MessageKind.PUBLIC,
        author_user=user,
    )
    uploads_store(data["attachments"], ticket=ticket, message=message)
    if visibility == "public":
        customer_reply_notify(message=message, now=now)
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
        ticket=ticket, level=data["level"], reason=data["reason"], now=timezone.now(), actor=user
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


def _forms(ticket: Ticket, data: Any = None, files: Any = None) -> dict[str, forms.Form]:
    return {
        "reply": ReplyForm(data, files, prefix="reply"),
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
}


def ticket_work(request: HttpRequest, pk: int, model_admin: admin.ModelAdmin) -> HttpResponse:
    user = require_perm(request, "tickets.view_ticket")
    ticket = _ticket(user, pk)
    workable = ticket_workable(user, ticket)
    bound: dict[str, forms.Form] = {}
    if request.method == "POST":
        action = request.POST.get("do", "")
        if action not in HANDLERS:
            messages.error(request, _("Unknown action."))
            return HttpResponseRedirect(request.path)
        if not workable and not (action == "escalation_resolve" and _may_resolve(user)):
            raise PermissionDenied
        form = _forms(ticket, request.POST, request.FILES)[action]
        if form.is_valid():
            try:
                with transaction.atomic():
                    done = HANDLERS[action](ticket, form.cleaned_data, user, request)
            except REFUSALS as refused:
                messages.error(request, str(refused))
            else:
                messages.success(request, done)
                return HttpResponseRedirect(request.path)
        bound[action] = form
    context = _context(request, ticket, user, workable, bound, model_admin)
    status = 400 if bound else 200
    return TemplateResponse(request, "backoffice/ticket_work.html", context, status=status)


def _may_resolve(user: User) -> bool:
    return user.has_perm("escalation.change_escalation")


def _context(
    request: HttpRequest,
    ticket: Ticket,
    user: User,
    workable: bool,
    bound: dict[str, forms.Form],
    model_admin: admin.ModelAdmin,
) -> dict[str, Any]:
    now = timezone.now()
    forms_ = {**_forms(ticket), **bound}
    conversation = list(
        ticket.messages.select_related("author_user", "author_contact")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    loose_attachments = InboundAttachment.objects.filter(
        ticket=ticket, ticket_message__isnull=True
    ).order_by("pk")
    escalations = (
        Escalation.objects.filter(ticket=ticket)
        .prefetch_related("emails")
        .select_related("resolved_by")
        .order_by("-raised_at")
    )
    dues = []
    for metric, due_at, label in (
        (Metric.RESPONSE, ticket.response_due_at, _("First response")),
        (Metric.RESOLUTION, ticket.resolution_due_at, _("Resolution")),
    ):
        state, words = due_state(ticket, due_at, now)
        dues.append(
            {
                "label": label,
                "due_at": due_at,
                "state": state if due_at else "none",
                "words": words if due_at else ticket_clock_label(ticket, metric),
            }
        )
    return {
        **admin.site.each_context(request),
        "opts": Ticket._meta,
        "title": f"{ticket.number} — {ticket.subject}",
        "ticket": ticket,
        "priority_label": ticket_priority_label(ticket),
        "dues": dues,
        "workable": workable,
        "may_resolve_escalations": _may_resolve(user),
        "is_open": ticket.status in OPEN_STATUSES,
        "forms": forms_,
        "conversation": conversation,
        "loose_attachments": loose_attachments,
        "events": ticket.events.select_related("actor_user", "actor_contact").order_by(
            "-created_at", "-pk"
        ),
        "clocks": ticket.clocks.order_by("metric"),
        "segments": ticket.segments.select_related("actor_user").order_by("started_at", "pk"),
        "priority_requests": ticket.priority_requests.select_related("requested_by").order_by(
            "-created_at"
        ),
        "pending_state": RequestState.PENDING,
        "escalations": escalations,
        "queue_url": reverse("admin:tickets_ticket_changelist"),
        "inbound": ticket.inbound_messages.order_by("received_at")[:20],
    }
