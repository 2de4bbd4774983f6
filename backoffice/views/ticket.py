"""The ticket work page (issue #6 §2): conversation, composer, transitions, assignment,
priority, root cause, resolution, escalations, the event timeline and the clock ledger. At the
top (issue #11 §4, §5): what the customer entered, a pending priority request with its decision,
the "customer replied" marker (cleared when the one who owes the answer opens the page) and the
satisfaction survey.

Every POST names one action (`do`) and calls one service; a refusal comes back as a message
on the page with the entered text kept, a success redirects (no double submit on reload).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from availability.exceptions import AvailabilityError
from backoffice.access import require_perm, ticket_workable, tickets_in_scope
from backoffice.critical import critical_context
from backoffice.customer_input import customer_answers, customer_checklist, priority_levels
from backoffice.ticket_actions import HANDLERS, ticket_forms
from backoffice.ticket_outage import outage_context
from backoffice.ticket_time import may_override
from backoffice.timeline import ledger, timeline
from contracts.exceptions import ContractsError
from contracts.selectors_access import remote_access_panel
from escalation.exceptions import EscalationError
from escalation.models import Escalation
from tickets.exceptions import TicketError
from tickets.models import (
    OPEN_STATUSES,
    Attachment,
    Metric,
    PriorityChangeRequest,
    RequestState,
    SatisfactionSurvey,
    Ticket,
)
from tickets.selectors import (
    due_state,
    problem_suggestion,
    ticket_clock_label,
    ticket_priority_label,
    ticket_time_totals,
    ticket_vendor_escalations,
)
from tickets.selectors_aem import ticket_policy_label
from tickets.selectors_time import ticket_work_blocks, user_running_timer
from tickets.services.markers import ticket_customer_reply_seen

REFUSALS = (TicketError, ContractsError, EscalationError, AvailabilityError)


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
            "problem",
            "completeness_checked_by",
            "survey",
            "critical_resource",
        ),
        pk=pk,
    )


def ticket_work(request: HttpRequest, pk: int, model_admin: admin.ModelAdmin) -> HttpResponse:
    user = require_perm(request, "tickets.view_ticket")
    now = timezone.now()
    prefetch_related_objects([user], "groups")  # asked by ticket_workable and the marker
    ticket = _ticket(user, pk)
    workable = ticket_workable(user, ticket)
    bound: dict[str, forms.Form] = {}
    replied = ticket.customer_replied  # shown on this visit, even when this visit clears it
    if request.method != "POST":
        ticket_customer_reply_seen(ticket=ticket, user=user, now=now)
    if request.method == "POST":
        action = request.POST.get("do", "")
        if action not in HANDLERS:
            messages.error(request, _("Unknown action."))
            return HttpResponseRedirect(request.path)
        if not workable and not (action == "escalation_resolve" and _may_resolve(user)):
            raise PermissionDenied
        form = ticket_forms(ticket, request.POST, request.FILES)[action]
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
    context = _context(request, ticket, user, workable, bound, now)
    context["customer_replied"] = replied
    status = 400 if bound else 200
    return TemplateResponse(request, "backoffice/ticket_work.html", context, status=status)


def _survey(ticket: Ticket) -> SatisfactionSurvey | None:
    try:
        return ticket.survey
    except SatisfactionSurvey.DoesNotExist:
        return None


def _may_resolve(user: User) -> bool:
    return user.has_perm("escalation.change_escalation")


def _context(
    request: HttpRequest,
    ticket: Ticket,
    user: User,
    workable: bool,
    bound: dict[str, forms.Form],
    now: datetime,
) -> dict[str, Any]:
    forms_ = {**ticket_forms(ticket), **bound}
    conversation = list(
        ticket.messages.select_related("author_user", "author_contact")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    loose_attachments = Attachment.objects.filter(
        ticket=ticket, ticket_message__isnull=True
    ).order_by("pk")
    escalations = (
        Escalation.objects.filter(ticket=ticket)
        .prefetch_related("emails")
        .select_related("resolved_by", "raised_by_contact")
        .order_by("-raised_at")
    )
    priority_requests = list(
        ticket.priority_requests.select_related("requested_by").order_by("-created_at")
    )
    pending: PriorityChangeRequest | None = next(
        (r for r in priority_requests if r.state == RequestState.PENDING), None
    )
    levels = priority_levels(ticket)
    dues = []
    for metric, due_at, label in (
        (Metric.RESPONSE, ticket.response_due_at, _("First response due")),
        (Metric.RESOLUTION, ticket.resolution_due_at, _("Resolution due")),
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
        **critical_context(ticket),
        **outage_context(ticket, user),
        "opts": Ticket._meta,
        "title": _("Ticket %(number)s") % {"number": ticket.number},
        "subtitle": ticket.subject,
        "ticket": ticket,
        "priority_label": ticket_priority_label(ticket),
        "policy_label": ticket_policy_label(ticket),
        "dues": dues,
        "workable": workable,
        "may_resolve_escalations": _may_resolve(user),
        "is_open": ticket.status in OPEN_STATUSES,
        "forms": forms_,
        "conversation": conversation,
        "loose_attachments": loose_attachments,
        "events": timeline(
            ticket.events.select_related("actor_user", "actor_contact").order_by(
                "-created_at", "-pk"
            ),
            levels=levels,
        ),
        "clocks": ticket.clocks.order_by("metric"),
        "segments": ledger(
            ticket.segments.select_related("actor_user").order_by("started_at", "pk")
        ),
        "priority_requests": priority_requests,
        "pending_request": pending,
        "pending_level": levels.get(pending.requested_level, pending.requested_level)
        if pending
        else "",
        "customer_answers": customer_answers(ticket),
        "customer_checklist": customer_checklist(ticket),
        "survey": _survey(ticket),
        "pending_state": RequestState.PENDING,
        "escalations": escalations,
        "queue_url": reverse("admin:tickets_ticket_changelist"),
        "inbound": ticket.inbound_messages.order_by("received_at")[:20],
        "suggestion": problem_suggestion(ticket) if ticket.problem_id is None else None,
        "time_blocks": ticket_work_blocks(ticket),
        "time_totals": ticket_time_totals(ticket),
        "running_timer": user_running_timer(user),
        "may_override_billable": may_override(user),
        "vendor_escalations": ticket_vendor_escalations(ticket),
        "remote_access": remote_access_panel(ticket.customer_id, now),
        "needs_completeness": ticket.completeness_checked_at is None
        and ticket.status in OPEN_STATUSES,
    }
