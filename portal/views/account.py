"""Contract and organisation pages (issue #5 §2)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from availability.selectors_pages import (
    Period,
    availability_report,
    maintenance_announced_for_contract,
)
from contracts.models import ContactRole, ContactRoleKind, Contract, EntitlementKind
from contracts.selectors import escalation_contacts_for, named_contact_cap
from contracts.selectors_phone_codes import out_of_hours_phone_policy
from portal.access import contact_required
from portal.forms import ContactChangeRequestForm
from portal.selectors import (
    closed_days_ahead,
    contact_is_manager,
    contract_calendar,
    contract_channels,
    contracts_visible,
    opening_hours,
)
from portal.services import ContactChangeRefused, contact_change_request


def _availability(contract: Contract, now: datetime) -> dict[str, Any]:
    """The last full month and this month so far, and the announced maintenance to come: a
    few queries per contract (one when it has no monitored services)."""
    this_month = timezone.localdate(now).replace(day=1)
    period = Period((this_month - timedelta(days=1)).replace(day=1), this_month)
    report = availability_report(contract=contract, period=period, now=now, with_maintenance=False)
    return {
        "availability": report.months,
        "maintenance": (
            maintenance_announced_for_contract(contract_id=contract.pk, now=now)
            if report.months
            else []
        ),
    }


@contact_required
def contract_page(request: HttpRequest) -> HttpResponse:
    contact = request.contact  # type: ignore[attr-defined]
    now = timezone.now()
    today = timezone.localdate(now)
    language = get_language() or settings.LANGUAGE_CODE
    contracts = []
    for contract in contracts_visible(contact).prefetch_related(
        "package__inclusions__service", "services"
    ):
        calendar = contract_calendar(contract)
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
                "opening_hours": opening_hours(calendar) if calendar else [],
                "closed_years": (
                    closed_days_ahead(calendar, today=today, language=language)
                    if calendar and not calendar.always_open
                    else []
                ),
                "channels": list(contract_channels(contract)),
                "phone_line": out_of_hours_phone_policy(contract.package) is not None,
                "escalation": [
                    c
                    for level in (1, 2, 3)
                    for c in escalation_contacts_for(contract=contract, level=level)
                ],
                **_availability(contract, now),
            }
        )
    return render(
        request,
        "portal/contract.html",
        {"contracts": contracts, "entitlement_kinds": EntitlementKind},
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
