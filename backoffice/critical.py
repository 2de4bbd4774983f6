"""The work page's critical situation panel (SPEC §3.10, ESC-12, ESC-13, D8): the critical
situation resource, typed updates, senior executive notifications and the 24x7 effort flag.
Forms, one service call per action, and what the panel shows; wired into the page's actions
by `backoffice.ticket_actions`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.critical_situations import effort_24x7_on_request
from contracts.models import EntitlementKind
from contracts.selectors_entitlements import entitlement_balance, rsm_add_on_offered
from escalation.services.executives import (
    EVENT_KIND,
    ExecutiveSide,
    executives_offered,
    ticket_executives_notify,
)
from tickets.models import OPEN_STATUSES, Ticket, UpdateKind
from tickets.selectors import assignable_staff
from tickets.services import (
    ticket_critical_resource_assign,
    ticket_request_24x7_effort,
    ticket_status_update,
)
from tickets.services.critical import ticket_critical_situation


def _person(user: User) -> str:
    return user.get_full_name() or user.get_username()


class CriticalResourceForm(forms.Form):
    user = forms.ModelChoiceField(
        label=gettext_lazy("Critical situation resource"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = assignable_staff()
        field.label_from_instance = _person  # type: ignore[method-assign,assignment]


class StatusUpdateForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=UpdateKind.choices)
    body = forms.CharField(
        label=gettext_lazy("Text for the customer"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ExecutivesForm(forms.Form):
    side = forms.ChoiceField(choices=ExecutiveSide.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=gettext_lazy("Note (optional)"), max_length=500, required=False)


def critical_forms(data: Any = None) -> dict[str, forms.Form]:
    return {
        "critical_resource": CriticalResourceForm(data, prefix="critical_resource"),
        "status_update": StatusUpdateForm(data, prefix="status_update"),
        "executives": ExecutivesForm(data, prefix="executives"),
        "effort_24x7": forms.Form(data, prefix="effort_24x7"),
    }


def _resource(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    ticket_critical_resource_assign(
        ticket=ticket, user=data["user"], actor=user, now=timezone.now()
    )
    return _("%(name)s is the critical situation resource.") % {"name": _person(data["user"])}


def _status_update(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    ticket_status_update(
        ticket=ticket, author=user, kind=data["kind"], body=data["body"], now=timezone.now()
    )
    return _("%(kind)s sent to the customer.") % {"kind": UpdateKind(data["kind"]).label}


def _executives(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    event = ticket_executives_notify(
        ticket=ticket, side=data["side"], actor=user, note=data["note"], now=timezone.now()
    )
    return _("Notified: %(whom)s.") % {"whom": ", ".join(event.data["recipients"])}


def _effort(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    ticket_request_24x7_effort(ticket=ticket, actor=user, now=timezone.now())
    return _("24x7 effort recorded; the clocks do not change.")


CRITICAL_HANDLERS = {
    "critical_resource": _resource,
    "status_update": _status_update,
    "executives": _executives,
    "effort_24x7": _effort,
}


def _rsm_hours(ticket: Ticket) -> Decimal | None:
    """The contract's extra RSM hours left; None when its package has no RSM add-on."""
    if not rsm_add_on_offered(ticket.contract):
        return None
    return entitlement_balance(contract=ticket.contract, kind=EntitlementKind.RSM_HOURS)


def critical_context(ticket: Ticket) -> dict[str, Any]:
    """What the panel shows: offered actions, their state and the RSM hours left."""
    offered = ticket_critical_situation(ticket)
    notified = {
        e.data.get("side"): e
        for e in ticket.events.filter(kind=EVENT_KIND).select_related("actor_user")
    }
    sides = [
        {"code": side, "label": ExecutiveSide(side).label, "done": notified.get(side)}
        for side in executives_offered(ticket)
    ]
    policy_code = getattr(ticket.sla_policy, "code", "")
    return {
        "critical_offered": offered.resource,
        "critical_executive_sides": sides,
        "critical_rsm_hours": _rsm_hours(ticket),
        "critical_effort_offered": ticket.status in OPEN_STATUSES
        and effort_24x7_on_request(policy_code, ticket.sla_target),
    }
