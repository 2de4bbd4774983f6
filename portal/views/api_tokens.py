"""API tokens of the organisation (issue #12 §1), for its support services manager only: each
token acts as one of the organisation's named contacts and sees what that contact sees (D15).
The raw token is shown once, in the response to the POST that made it: never stored, never in
a URL, a message or the session. Another contact gets the portal's 404, as on the organisation
page."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from contracts.forms import ApiTokenRevokeForm, revoked_message
from contracts.selectors_tokens import api_token_rows, api_tokens_of_customer
from contracts.services.tokens import TokenRefused, api_token_create, api_token_revoke
from portal.access import contact_required
from portal.forms_api_tokens import ContactTokenForm
from portal.selectors import contact_is_manager


@contact_required
def api_tokens_page(request: HttpRequest) -> HttpResponse:
    contact = request.contact  # type: ignore[attr-defined]
    if not contact_is_manager(contact):
        raise Http404("Only the support services manager manages the API tokens.")
    now = timezone.now()
    tokens = api_tokens_of_customer(contact.customer_id)
    form = ContactTokenForm(manager=contact, now=now)
    if request.method == "POST" and request.POST.get("do") == "revoke":
        chosen = ApiTokenRevokeForm.chosen(request.POST, tokens=tokens)
        messages.success(request, revoked_message(api_token_revoke(token=chosen, now=now)))
        return redirect("portal:api_tokens")
    if request.method == "POST":
        form = ContactTokenForm(request.POST, manager=contact, now=now)
        if form.is_valid():
            manager = cast(User, request.user)
            try:
                token, raw = api_token_create(data=form.token_input(created_by=manager), now=now)
            except TokenRefused as refusal:
                form.refused(refusal)
            else:
                return render(
                    request, "portal/api_token_created.html", {"token": token, "raw": raw}
                )
    rows = api_token_rows(tokens, now)
    return render(request, "portal/api_tokens.html", {"rows": rows, "form": form})
