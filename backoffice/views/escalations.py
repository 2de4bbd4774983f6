"""Open escalations (issue #6 §2): level, reason, recipients and the delivery state of each
email; acknowledge, or resolve with a note. The Service Support Manager and escalation officers
work here."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.access import require_perm
from backoffice.forms import EscalationResolveForm
from contracts.staff_scope import staff_rows
from escalation.exceptions import EscalationError
from escalation.models import Escalation, Level
from escalation.services.actions import escalation_acknowledge, escalation_resolve

PAGE_SIZE = 50


def escalation_list(request: HttpRequest) -> HttpResponse:
    user = require_perm(request, "escalation.view_escalation")
    if request.method == "POST":
        user = require_perm(request, "escalation.change_escalation")
        escalation = get_object_or_404(
            staff_rows(user, Escalation.objects.all()), pk=request.POST.get("escalation_id") or 0
        )
        now = timezone.now()
        if request.POST.get("do") == "acknowledge":
            by = user.email or user.get_username()
            if escalation_acknowledge(escalation=escalation, by=by, now=now):
                messages.success(request, _("Escalation acknowledged; reminders stop."))
            else:
                messages.warning(request, _("This escalation was already acknowledged."))
        else:
            form = EscalationResolveForm(request.POST, prefix="escalation_resolve")
            if not form.is_valid():
                messages.error(request, _("Say how the escalation was resolved."))
            else:
                try:
                    escalation_resolve(
                        escalation=escalation, note=form.cleaned_data["note"], now=now, actor=user
                    )
                except EscalationError as refused:
                    messages.error(request, str(refused))
                else:
                    messages.success(request, _("Escalation resolved."))
        return HttpResponseRedirect(request.get_full_path())
    show_all = request.GET.get("all") == "1"
    rows = staff_rows(user, Escalation.objects.filter(level__gte=Level.FIRST_LINE))
    if not show_all:
        rows = rows.filter(resolved_at__isnull=True)
    rows = (
        rows.select_related("ticket", "ticket__customer", "resolved_by")
        .prefetch_related("emails")
        .order_by("-level", "raised_at", "pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **admin.site.each_context(request),
        "title": _("Escalations"),
        "page": page,
        "show_all": show_all,
        "may_change": user.has_perm("escalation.change_escalation"),
        "resolve_form": EscalationResolveForm(prefix="escalation_resolve"),
    }
    return TemplateResponse(request, "backoffice/escalations.html", context)
