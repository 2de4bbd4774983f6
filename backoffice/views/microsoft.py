"""A Microsoft work order's usage in the back-office (issue #14 §2 and §4, D20): one read-only
page with the balances per kind and support location, every ledger movement, the requested
services with their changes, the exchanges, the locations and the credit rates; and the helpers
of the form pages (backoffice.views.microsoft_forms), which each call one usage service.

Reading needs `contracts.view_servicerequest` (coordinators, service support managers, a CSAM);
acting needs the form's own permission (backoffice/migrations: coordinators and CSAMs; the fee
of a late change only the coordinators). A CSAM reaches only their own work orders
(contracts.staff_scope): another's answers 404. A refusal is an error message in the reader's
language, the form is shown again, and nothing was written (the services are atomic)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.access import require_perm
from contracts.exceptions import DomainError
from contracts.models import Contract
from contracts.staff_scope import staff_rows
from usage.permissions import MICROSOFT_PERMS
from usage.selectors_ms_pages import microsoft_usage
from usage.services.microsoft.common import MICROSOFT, local_today

READ = "contracts.view_servicerequest"
PERMS = MICROSOFT_PERMS
# (level, text) of the messages a successful form leaves on the usage page
Outcome = list[tuple[int, str]]


def work_order(request: HttpRequest, pk: int, perm: str) -> tuple[User, Contract]:
    """The user (403 without `perm`) and their Microsoft work order `pk` (404 otherwise)."""
    user = require_perm(request, perm)
    rows = Contract.objects.filter(provider__code=MICROSOFT).select_related(
        "customer", "provider", "package", "csam"
    )
    return user, get_object_or_404(staff_rows(user, rows), pk=pk)


def microsoft_usage_page(request: HttpRequest, pk: int) -> HttpResponse:
    user, contract = work_order(request, pk, READ)
    usage = microsoft_usage(contract=contract, today=local_today(timezone.now()))
    context = {
        **admin.site.each_context(request),
        "title": _("Microsoft usage of %(contract)s") % {"contract": contract.reference},
        "contract": contract,
        "usage": usage,
        "may": {name: user.has_perm(perm) for name, perm in PERMS.items()},
    }
    return TemplateResponse(request, "backoffice/microsoft_usage.html", context)


def form_page(
    request: HttpRequest,
    contract: Contract,
    form: forms.Form,
    *,
    title: str,
    notes: list[str],
    act: Callable[[dict[str, Any]], Outcome],
) -> HttpResponse:
    """Show `form`; on a valid POST run `act` (one service call) and return to the usage page,
    or, refused, show the refusal above the form again."""
    if request.method == "POST" and form.is_valid():
        try:
            outcome = act(form.cleaned_data)
        except DomainError as refused:
            messages.error(request, str(refused))
        else:
            for level, text in outcome:
                messages.add_message(request, level, text)
            return redirect("backoffice:ms-usage", contract.pk)
    context = {
        **admin.site.each_context(request),
        "title": title,
        "contract": contract,
        "form": form,
        "notes": notes,
    }
    return TemplateResponse(request, "backoffice/microsoft_form.html", context)
