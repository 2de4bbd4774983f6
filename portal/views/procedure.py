"""The customer takes the next step of Websitenazorg's escalation procedure (issue #13 §2).
The ticket is read through the portal's visibility rule: another organisation's answers 404; a
refusal is the DomainError middleware's message on the ticket page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from escalation.services.procedure import procedure_step_take
from portal.access import contact_required
from portal.selectors import ticket_visible


@require_POST
@contact_required
def ticket_procedure(request: HttpRequest, number: str) -> HttpResponse:
    contact = request.contact  # type: ignore[attr-defined]
    ticket = ticket_visible(contact, number)
    procedure_step_take(
        ticket=ticket, contact=contact, reason=request.POST.get("reason", ""), now=timezone.now()
    )
    messages.success(request, _("The next step was taken; we tell the people concerned."))
    return redirect("portal:ticket", number=number)
