"""The work page's "Open outage" (issue #15 §1): a disruption (an incident of a contract with
monitored services where several users are affected) opens an outage of the chosen service
from the chosen start (the ticket's registration by default), or joins the ongoing outage of
that service; the page then shows the linked outage. Only roles that record outages
(`availability.add_outage`, backoffice.0011) see and use it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from availability.exceptions import OutageRefused
from availability.models import MonitoredService
from availability.selectors import outage_of_ticket
from availability.services.outages import outage_open_from_ticket
from tickets.models import ImpactScope, Ticket

ADD_OUTAGE = "availability.add_outage"


class OutageOpenForm(forms.Form):
    service = forms.ModelChoiceField(
        queryset=MonitoredService.objects.none(), label=gettext_lazy("Service")
    )
    start = forms.DateTimeField(
        label=gettext_lazy("Unavailable since"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        created = timezone.localtime(ticket.created_at).strftime("%Y-%m-%dT%H:%M")
        kwargs.setdefault("initial", {"start": created})
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = MonitoredService.objects.filter(
            contract_id=ticket.contract_id, is_active=True
        ).order_by("name")


def outage_forms(ticket: Ticket, data: Any = None) -> dict[str, forms.Form]:
    return {"outage_open": OutageOpenForm(data, prefix="outage_open", ticket=ticket)}


def _outage_open(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    if not user.has_perm(ADD_OUTAGE):
        raise OutageRefused(_("Your role does not record outages."))
    outage = outage_open_from_ticket(
        ticket=ticket, by=user, now=timezone.now(), service=data["service"], start=data["start"]
    )
    if outage.tickets.count() > 1:
        return _("The ticket joins the ongoing outage of %(service)s.") % {
            "service": outage.service.name
        }
    return _("Outage of %(service)s opened.") % {"service": outage.service.name}


OUTAGE_HANDLERS = {"outage_open": _outage_open}


def outage_context(ticket: Ticket, user: User) -> dict[str, Any]:
    """The linked outage (one query) and whether to offer opening one (one more for a
    disruption, when the user's role records outages)."""
    outage = outage_of_ticket(ticket.pk)
    disruption = (
        ticket.request_type == "incident" and ticket.impact_scope == ImpactScope.MULTIPLE_USERS
    )
    offer = (
        outage is None
        and disruption
        and user.has_perm(ADD_OUTAGE)
        and MonitoredService.objects.filter(contract_id=ticket.contract_id, is_active=True).exists()
    )
    return {"outage": outage, "outage_offer": offer}
