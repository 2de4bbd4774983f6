"""Triage (issue #6 §2): email from unknown senders and quarantined messages, with the raw
message; the first line creates a ticket, adds it to a ticket, or dismisses it with a reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.access import require_perm
from backoffice.forms import TriageDismissForm, TriageReplyForm, TriageTicketForm
from intake.models import TRIAGE_OPEN, InboundMessage
from intake.raw import raw_shown
from intake.services.triage import (
    TriageRefused,
    TriageTicketInput,
    triage_add_to_ticket,
    triage_contact_for_sender,
    triage_create_ticket,
    triage_dismiss,
)

RAW_SHOWN_BYTES = 200_000
PAGE_SIZE = 50


def triage_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, "intake.view_inboundmessage")
    rows = (
        InboundMessage.objects.filter(outcome__in=TRIAGE_OPEN)
        .select_related("suggested_customer")
        .defer("raw", "body_html")
        .order_by("received_at", "pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **admin.site.each_context(request),
        "title": _("Triage"),
        "page": page,
    }
    return TemplateResponse(request, "backoffice/triage_list.html", context)


def _forms(inbound: InboundMessage, data: Any = None) -> dict[str, forms.Form]:
    return {
        "ticket": TriageTicketForm(
            data,
            prefix="ticket",
            initial={
                "customer": inbound.suggested_customer_id,
                "subject": inbound.subject[:250],
                "request_type": "incident",
                "send_receipt": True,
            },
        ),
        "reply": TriageReplyForm(data, prefix="reply", initial={"public": True}),
        "dismiss": TriageDismissForm(data, prefix="dismiss"),
    }


def _act(request: HttpRequest, inbound: InboundMessage, action: str, data: dict[str, Any]) -> str:
    user = require_perm(request, "intake.change_inboundmessage")
    now = timezone.now()
    if action == "ticket":
        contact = data["contact"] or triage_contact_for_sender(
            inbound=inbound, customer=data["customer"]
        )
        ticket = triage_create_ticket(
            inbound=inbound,
            contact=contact,
            data=TriageTicketInput(
                request_type=data["request_type"],
                subject=data["subject"],
                priority_level=data["priority_level"].strip(),
                send_receipt=data["send_receipt"],
            ),
            now=now,
            actor=user,
        )
        return _("Ticket %(number)s created.") % {"number": ticket.number}
    if action == "reply":
        ticket = triage_add_to_ticket(
            inbound=inbound,
            ticket=data["ticket_number"],
            public=data["public"],
            now=now,
            actor=user,
        )
        return _("Added to ticket %(number)s.") % {"number": ticket.number}
    triage_dismiss(inbound=inbound, reason=data["reason"], now=now, actor=user)
    return _("Email dismissed; it stays in the inbox history.")


def triage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, "intake.view_inboundmessage")
    inbound = get_object_or_404(
        InboundMessage.objects.select_related("suggested_customer", "ticket", "triaged_by"), pk=pk
    )
    all_forms = _forms(inbound)
    status = 200
    if request.method == "POST":
        action = request.POST.get("do", "")
        if action not in all_forms:
            messages.error(request, _("Unknown action."))
            return HttpResponseRedirect(request.path)
        form = _forms(inbound, request.POST)[action]
        if form.is_valid():
            try:
                with transaction.atomic():
                    done = _act(request, inbound, action, form.cleaned_data)
            except TriageRefused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(request, done)
                inbound.refresh_from_db()
                if inbound.ticket_id:
                    return HttpResponseRedirect(
                        reverse("admin:tickets_ticket_change", args=[inbound.ticket_id])
                    )
                return HttpResponseRedirect(reverse("backoffice:triage"))
        all_forms[action] = form
        status = 400
    context = {
        **admin.site.each_context(request),
        "title": _("Triage: %(subject)s") % {"subject": inbound.subject or _("(no subject)")},
        "inbound": inbound,
        "open": inbound.outcome in TRIAGE_OPEN,
        "raw": raw_shown(inbound, RAW_SHOWN_BYTES),
        "raw_truncated": inbound.size > RAW_SHOWN_BYTES,
        "attachments": inbound.attachments.all(),
        "forms": all_forms,
        "may_decide": request.user.has_perm("intake.change_inboundmessage"),
    }
    return TemplateResponse(request, "backoffice/triage_detail.html", context, status=status)
