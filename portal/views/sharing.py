"""Sharing a ticket with the customer's colleagues, or not (D15, issue #11 §5). The rule of who
may change it lives in tickets.services.sharing; this view parses and reports."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access import contact_required
from portal.forms import SharingForm
from portal.selectors import ticket_visible
from tickets.exceptions import TicketError
from tickets.services.sharing import ticket_sharing_set


@contact_required
def ticket_sharing(request: HttpRequest, number: str) -> HttpResponse:
    """POST only; a ticket the contact may not see answers 404 first, whatever the method."""
    contact = request.contact  # type: ignore[attr-defined]
    ticket = ticket_visible(contact, number)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = SharingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to share the ticket with your colleagues."))
        return redirect("portal:ticket", number=ticket.number)
    shared = form.cleaned_data["shared"]
    try:
        ticket_sharing_set(ticket=ticket, shared=shared, contact=contact, now=timezone.now())
    except TicketError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Your colleagues can now see this ticket.")
            if shared
            else _("Only the reporter and the support services manager can now see this ticket."),
        )
    return redirect("portal:ticket", number=ticket.number)
