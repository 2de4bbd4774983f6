"""Azure Event Management events in the portal (SPEC §2.7): the support services manager plans
them per contract, reads each event's post-event summary and its pre-event assessment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from contracts.exceptions import AemEventRefused
from contracts.models import AemEvent, Contact, ContactRole, ContactRoleKind, Contract
from contracts.selectors_events import SERVICE_AEM, SERVICE_RETAIL, aem_events_of, local_day
from contracts.services.events import aem_event_short_notice_warning
from escalation.services.aem import AemEventRequest, aem_event_plan
from portal.access import contact_required, request_contact
from portal.forms_events import AemEventForm
from tickets.selectors import contact_is_manager
from tickets.selectors_aem import aem_event_summary
from tickets.services.uploads import UploadRefused
from tickets.services.uploads.serving import stored_file_response


def event_contracts(contact: Contact) -> QuerySet[Contract]:
    """The contracts whose events the contact plans: where it is the support services manager
    and the contract has Azure Event Management or its Retail variant."""
    managed = ContactRole.objects.filter(
        contact=contact, role=ContactRoleKind.SUPPORT_SERVICES_MANAGER
    ).values("contract_id")
    return (
        Contract.objects.filter(pk__in=managed, services__code__in=(SERVICE_AEM, SERVICE_RETAIL))
        .distinct()
        .select_related("customer")
    )


@contact_required
@require_http_methods(["GET", "POST"])
def events_page(request: HttpRequest) -> HttpResponse:
    contact = request.contact  # type: ignore[attr-defined]
    if not contact_is_manager(contact):
        raise Http404("Only the support services manager plans events.")
    contracts = event_contracts(contact)
    form = AemEventForm(request.POST or None, request.FILES or None, contracts=contracts)
    if request.method == "POST" and form.is_valid() and _plan(request, form, contact):
        return redirect("portal:events")
    now = timezone.now()
    events = list(aem_events_of(contracts))
    today = local_day(now)
    summaries = {e.pk: aem_event_summary(e) for e in events if e.starts_on <= today}
    return render(
        request,
        "portal/events.html",
        {
            "form": form if contracts.exists() else None,
            "events": events,
            "rows": [(e, summaries.get(e.pk)) for e in events],
        },
    )


def _plan(request: HttpRequest, form: AemEventForm, contact: Contact) -> bool:
    data, now = form.event_input(), timezone.now()
    warning = aem_event_short_notice_warning(data, now=now)
    try:
        aem_event_plan(
            request=AemEventRequest(
                data=data, document=form.document(), requested_by_contact=contact
            ),
            now=now,
        )
    except AemEventRefused as refused:
        for field, message in refused.errors.items():
            form.add_error(field if field in form.fields else None, message)
        return False
    except UploadRefused as refused:
        form.add_error("assessment", str(refused))
        return False
    messages.success(request, _("The event was planned."))
    if warning:
        messages.warning(request, warning)
    return True


@login_required
def event_assessment(request: HttpRequest, pk: int) -> FileResponse:
    """The pre-event assessment file of one of the manager's events (404 for anything else)."""
    contact = request_contact(request)
    if contact is None:  # as every portal page: staff and contact-less users are turned away
        raise PermissionDenied(
            "The portal is for customers' contacts; provider staff use the back-office."
        )
    event = AemEvent.objects.filter(pk=pk, contract__in=event_contracts(contact)).first()
    if event is None or not event.assessment_file:
        raise Http404("No such assessment.")
    return stored_file_response(
        event.assessment_file,
        filename=event.assessment_filename,
        content_type=event.assessment_content_type,
    )
