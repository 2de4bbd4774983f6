"""Contract and organisation pages (issue #5 §2)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.calendars import calendar_for
from contracts.models import ContactRole, ContactRoleKind, EntitlementKind
from contracts.selectors import (
    calendar_revision_current,
    escalation_contacts_for,
    named_contact_cap,
)
from portal.access import contact_required
from portal.forms import ContactChangeRequestForm
from portal.selectors import contact_is_manager, contracts_visible
from portal.services import ContactChangeRefused, contact_change_request


def _closed_days(contract: object, year: int) -> list[date]:
    row = contract.calendar or contract.package.default_calendar  # type: ignore[attr-defined]
    if row is None or row.always_open:
        return []
    row = calendar_revision_current(row)  # a coordinator's later revision applies (D3)
    closed = calendar_for(row).closed
    names = getattr(closed, "names", None)
    return sorted(names(year)) if names else []


@contact_required
def contract_page(request: HttpRequest) -> HttpResponse:
    contact = request.contact  # type: ignore[attr-defined]
    year = timezone.localdate().year
    contracts = []
    for contract in contracts_visible(contact).prefetch_related(
        "package__inclusions__service", "services", "package__channels"
    ):
        calendar = contract.calendar or contract.package.default_calendar
        contracts.append(
            {
                "contract": contract,
                "inclusions": [
                    i for i in contract.package.inclusions.all() if i.inclusion != "not_offered"
                ],
                "purchased": list(contract.services.all()),
                "named": ContactRole.objects.filter(
                    contract=contract, role=ContactRoleKind.NAMED_CONTACT
                ).count(),
                "cap": named_contact_cap(contract),
                "calendar": calendar,
                "closed_days": _closed_days(contract, year),
                "channels": contract.package.release.channels.all(),
                "escalation": [
                    c
                    for level in (1, 2, 3)
                    for c in escalation_contacts_for(contract=contract, level=level)
                ],
            }
        )
    return render(
        request,
        "portal/contract.html",
        {"contracts": contracts, "year": year, "entitlement_kinds": EntitlementKind},
    )


@contact_required
def organisation_page(request: HttpRequest) -> HttpResponse:
    contact = request.contact  # type: ignore[attr-defined]
    if not contact_is_manager(contact):
        raise Http404("Only the support services manager manages the named contacts.")
    contracts = list(contracts_visible(contact))
    roles = (
        ContactRole.objects.filter(contract__in=contracts)
        .select_related("contact", "contract")
        .order_by("contract__reference", "contact__name")
    )
    form = ContactChangeRequestForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _change_request(request, contracts, form.cleaned_data)
    ):
        return redirect("portal:organisation")
    return render(
        request,
        "portal/organisation.html",
        {
            "roles": roles,
            "form": form,
            "limits": [(c, named_contact_cap(c)) for c in contracts],
        },
    )


def _change_request(request: HttpRequest, contracts: list, data: dict) -> bool:
    """Parse and report; the rule and the emails live in portal.services."""
    try:
        contact_change_request(
            contact=request.contact,  # type: ignore[attr-defined]
            contracts=contracts,
            action=data["action"],
            name=data["name"],
            email=data["email"],
            note=data["note"],
            now=timezone.now(),
        )
    except ContactChangeRefused as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, _("Your request was sent to the provider's coordinators."))
    return True
