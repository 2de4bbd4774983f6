"""New ticket (issue #11 §3): the first line registers a phone call, a walk-in or a request
made on a contact's behalf.

Three steps on one page, each a GET until the last: find the caller (name, email, phone or
customer), choose the contract when the contact's customer has several current ones, then the
form with the contract's provider's impact questions. The POST creates the ticket and stores
its files in one transaction through ticket_create, as every channel does; a refusal (inactive
contact, no current contract, not a named contact, a refused file) comes back as a form error
with everything entered kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.access import staff_user
from backoffice.forms_new_ticket import ContactSearchForm, NewTicketForm, is_coordinator
from backoffice.selectors import (
    contact_for_registration,
    contacts_search,
    contracts_for_registration,
)
from contracts.exceptions import DomainError, NotNamedContact, SubmissionRefused
from contracts.models import Contact, Contract
from contracts.selectors import contract_for_submission
from contracts.staff_scope import CSAM_GROUP
from escalation.services.out_of_hours import ticket_create_reaching_on_call
from portal.attachments import uploads_store
from tickets.exceptions import TicketValidationError
from tickets.models import Ticket

# Who registers calls: the first line and the coordinators; a customer success account manager
# for the customers of their own contracts (the selectors narrow what they find).
REGISTRAR_GROUPS = ("First line", "Support coordinator", CSAM_GROUP)


def may_register_tickets(user: User) -> bool:
    if not user.is_active or not user.is_staff:
        return False
    if user.is_superuser or user.has_perm("tickets.add_ticket"):
        return True
    return user.groups.filter(name__in=REGISTRAR_GROUPS).exists()


def _registrar(request: HttpRequest) -> User:
    user = staff_user(request)
    if not may_register_tickets(user):
        raise PermissionDenied
    return user


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        **admin.site.each_context(request),
        "opts": Ticket._meta,
        "title": _("New ticket"),
        "queue_url": reverse("admin:tickets_ticket_changelist"),
        "page_url": reverse("backoffice:ticket-new"),
        **extra,
    }


def ticket_new(request: HttpRequest) -> HttpResponse:
    user = _registrar(request)
    contact_id = _int_param(request, "contact")
    if contact_id is None:
        return _search_page(request, user)
    contact = contact_for_registration(user=user, pk=contact_id)
    if contact is None:
        raise Http404
    now = timezone.now()  # the one clock reading of the request: form, service and files
    contracts = contracts_for_registration(user=user, contact=contact, on=timezone.localdate(now))
    listed = list(contracts)
    chosen = _chosen(listed, _int_param(request, "contract"))
    if chosen is None and len(listed) > 1 and request.method != "POST":
        page = _context(request, contact=contact, contracts=listed, step="contract")
        return TemplateResponse(request, "backoffice/new_ticket.html", page)
    form = NewTicketForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=user,
        contact=contact,
        contracts=listed,
        contract=chosen,
        now=now,
    )
    if request.method == "POST" and form.is_valid():
        ticket = _register(form, now)
        if ticket is not None:
            messages.success(
                request,
                _("Ticket %(number)s registered for %(contact)s.")
                % {"number": ticket.number, "contact": contact.name},
            )
            return HttpResponseRedirect(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    page = _context(
        request,
        contact=contact,
        contracts=listed,
        contract=chosen,
        form=form,
        step="form",
        warning=_refusal_ahead(user, contact, chosen, listed, now),
    )
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "backoffice/new_ticket.html", page, status=status)


def _search_page(request: HttpRequest, user: User) -> HttpResponse:
    search = ContactSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    found = contacts_search(user=user, query=query) if query else None
    page = _context(request, search=search, query=query, found=found, step="search")
    return TemplateResponse(request, "backoffice/new_ticket.html", page)


def _chosen(contracts: list[Contract], contract_id: int | None) -> Contract | None:
    """The contract picked on the page, or the only one there is."""
    if contract_id is not None:
        return next((c for c in contracts if c.pk == contract_id), None)
    return contracts[0] if len(contracts) == 1 else None


def _register(form: NewTicketForm, now: datetime) -> Ticket | None:
    """Ticket and files in one transaction: a refused file keeps no ticket (and no mail)."""
    try:
        with transaction.atomic():
            # The out-of-hours phone rules decide the line; a call on it pages on call.
            ticket = ticket_create_reaching_on_call(
                data=form.create_input(),
                now=now,
                phone_code=form.cleaned_data.get("phone_code", ""),
            )
            uploads_store(form.cleaned_data["attachments"], ticket=ticket, message=None, now=now)
    except TicketValidationError as refused:
        field = refused.field if refused.field in form.fields else None
        form.add_error(field, str(refused))
        return None
    except DomainError as refused:
        form.add_error(None, str(refused))
        return None
    return ticket


def _refusal_ahead(
    user: User, contact: Contact, chosen: Contract | None, listed: list[Contract], now: datetime
) -> str:
    """What the service will refuse, said before anyone types: the same rule, read ahead."""
    if chosen is None and listed:
        return ""
    try:
        contract_for_submission(
            contact=contact,
            on=timezone.localdate(now),
            contract_id=chosen.pk if chosen else None,
        )
    except NotNamedContact as refused:
        hint = (
            _("You may accept the request anyway: give the reason below.")
            if is_coordinator(user)
            else _("A support coordinator may accept the request anyway, with a reason.")
        )
        return f"{refused} {hint}"
    except SubmissionRefused as refused:
        return str(refused)
    return ""
