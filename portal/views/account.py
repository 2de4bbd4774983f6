"""Contract and organisation pages (issue #5 §2)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.calendars import calendar_for
from contracts.models import ContactRole, ContactRoleKind, EntitlementKind
from contracts.selectors import escalation_contacts_for, named_contact_cap
from escalation.selectors import COORDINATOR_GROUP, Recipient
from escalation.services.emails import render as render_email
from escalation.services.outbox import outbox_enqueue
from portal.access import contact_required
from portal.forms import ContactChangeRequestForm
from portal.selectors import contact_is_manager, contracts_visible


def _closed_days(contract: object, year: int) -> list[date]:
    row = contract.calendar or contract.package.default_calendar  # type: ignore[attr-defined]
    if row is None or row.always_open:
        return []
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
    """Sent to the provider's coordinators; an addition above the package limit is refused."""
    contact = request.contact  # type: ignore[attr-defined]
    for contract in contracts:
        cap = named_contact_cap(contract)
        named = ContactRole.objects.filter(
            contract=contract, role=ContactRoleKind.NAMED_CONTACT
        ).count()
        if data["action"] == "add" and cap is not None and named >= cap:
            messages.error(
                request,
                _("Contract %(ref)s already has %(cap)s named contacts, its limit.")
                % {"ref": contract.reference, "cap": cap},
            )
            return False
    now = timezone.now()
    coordinators = (
        get_user_model()
        .objects.filter(groups__name=COORDINATOR_GROUP, is_active=True)
        .exclude(email="")
    )
    for user in coordinators:
        recipient = Recipient("support coordinator", user.get_full_name(), user.email)
        email = render_email(
            language="nl",
            recipient=recipient,
            subject=f"[{contact.customer.name}] named contact: {data['action']} {data['email']}",
            heading=f"Named contact change requested by {contact.name}",
            intro=data["note"] or "-",
            facts=[("Action", data["action"]), ("Name", data["name"]), ("Email", data["email"])],
        )
        outbox_enqueue(
            key=f"contact-change:{contact.pk}:{now.isoformat()}:{user.pk}", email=email, now=now
        )
    messages.success(request, _("Your request was sent to the provider's coordinators."))
    return True
