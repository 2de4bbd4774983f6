"""Remote access (SPEC SEC-04, issue #15 §3), for the customer's support services manager only:
the organisation's grants (active with the time left, expired, revoked), a form to grant our
engineers access to a system until a moment, and a revoke button per active grant. Another
contact gets the portal's 404, as on the other manager pages."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from contracts.selectors_access import (
    contact_may_grant_access,
    grant_rows,
    remote_access_grants_of,
)
from contracts.services.access import (
    RemoteAccessRefused,
    remote_access_grant,
    remote_access_revoke,
)
from portal.access import contact_required
from portal.forms_access import RemoteAccessGrantForm


@contact_required
@require_http_methods(["GET", "POST"])
def remote_access_page(request: HttpRequest) -> HttpResponse:
    contact = request.contact  # type: ignore[attr-defined]
    if not contact_may_grant_access(contact):
        raise Http404("Only the support services manager grants remote access.")
    now = timezone.now()
    grants = remote_access_grants_of(contact.customer_id)
    form = RemoteAccessGrantForm(customer_id=contact.customer_id, now=now)
    if request.method == "POST" and request.POST.get("do") == "revoke":
        chosen = request.POST.get("grant", "")
        grant = get_object_or_404(grants, pk=int(chosen) if chosen.isdigit() else 0)
        try:
            remote_access_revoke(
                grant=grant, by=contact, now=now, reason=request.POST.get("reason", "")
            )
        except RemoteAccessRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request, _("Access to %(system)s was revoked.") % {"system": grant.system}
            )
        return redirect("portal:remote_access")
    if request.method == "POST":
        form = RemoteAccessGrantForm(request.POST, customer_id=contact.customer_id, now=now)
        if form.is_valid():
            try:
                grant = remote_access_grant(contact=contact, now=now, **form.cleaned_data)
            except RemoteAccessRefused as refusal:
                form.refused(refusal)
            else:
                messages.success(
                    request,
                    _("Our engineers may now access %(system)s.") % {"system": grant.system},
                )
                return redirect("portal:remote_access")
    context = {"rows": grant_rows(grants, now), "form": form}
    return render(request, "portal/remote_access.html", context, status=400 if form.errors else 200)
