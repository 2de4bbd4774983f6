"""Out-of-hours phone codes (issue #13 §2; SPEC TKT-44), for the customer's support services
manager only: the organisation's codes with their state, and a code issued by the provider
shown once, in the response to the POST that reveals it (never stored, never in a URL, a message
or the session). After that the page says only when it was issued, shown and ends. Another
contact gets the portal's 404, as on the API tokens page."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from contracts.selectors_phone_codes import phone_code_rows, phone_codes_of_customer
from contracts.services.phone_codes import phone_code_reveal
from portal.access import contact_required
from portal.selectors import contact_is_manager


@contact_required
def phone_codes_page(request: HttpRequest) -> HttpResponse:
    contact = request.contact  # type: ignore[attr-defined]
    if not contact_is_manager(contact):
        raise Http404("Only the support services manager sees the phone codes.")
    now = timezone.now()
    codes = phone_codes_of_customer(contact.customer_id)
    if request.method == "POST":
        chosen = request.POST.get("code", "")
        code = get_object_or_404(codes, pk=int(chosen) if chosen.isdigit() else 0)
        # A refusal (shown before, withdrawn) is the DomainError middleware's message.
        code, raw = phone_code_reveal(code=code, contact=contact, now=now)
        return render(request, "portal/phone_code_shown.html", {"code": code, "raw": raw})
    return render(request, "portal/phone_codes.html", {"rows": phone_code_rows(codes, now)})
