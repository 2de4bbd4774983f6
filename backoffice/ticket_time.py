"""The work page's time panel (issue 14 §1): time typed in, the engineer's running timer, and
the coordinator's decision whether an entry is billed. Forms, one service call per action;
wired into the page's actions by `backoffice.ticket_actions`.

Time is recorded through the usage app (time_entry_record, and time_timer_stop for a stopped
timer), so the billable lines follow whatever records the time; a coordinator's decision goes
through usage's time_entry_billable_decide.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tickets.models import OVERRIDE_REASON_MAX, Ticket, TimeCategory, TimeEntry
from tickets.services.timers import time_timer_discard, time_timer_start
from tickets.services.work import (
    DISTANCE_KM_MAX,
    OVERRIDE_PERMISSION,
)
from usage.services.time import time_entry_billable_decide, time_entry_record, time_timer_stop


def _distance_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=gettext_lazy("Distance (km, one way; travel only)"),
        min_value=1,
        max_value=DISTANCE_KM_MAX,
        required=False,
    )


class TimeEntryForm(forms.Form):
    started_at = forms.DateTimeField(
        label=gettext_lazy("Started"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    minutes = forms.IntegerField(label=gettext_lazy("Minutes"), min_value=1, max_value=1440)
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=TimeCategory.choices)
    distance_km = _distance_field()
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


class TimerStopForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=TimeCategory.choices)
    distance_km = _distance_field()
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


class BillableOverrideForm(forms.Form):
    CHOICES = [
        ("yes", gettext_lazy("Billable")),
        ("no", gettext_lazy("Not billable")),
        ("rules", gettext_lazy("As the contract's rules say")),
    ]
    VALUES = {"yes": True, "no": False, "rules": None}

    entry_id = forms.IntegerField(widget=forms.HiddenInput)
    billable = forms.ChoiceField(label=gettext_lazy("Decision"), choices=CHOICES)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=OVERRIDE_REASON_MAX)


def _time(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    time_entry_record(
        ticket=ticket,
        user=user,
        started_at=data["started_at"],
        minutes=data["minutes"],
        category=data["category"],
        note=data["note"],
        distance_km=data["distance_km"],
        now=timezone.now(),
    )
    return _("%(n)s minutes registered.") % {"n": data["minutes"]}


def _timer_start(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    time_timer_start(ticket=ticket, user=user, now=timezone.now())
    return _("Timer started.")


def _timer_stop(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    """The page runs the handler in a transaction: a refused entry keeps the timer running."""
    entry = time_timer_stop(
        user=user,
        ticket=ticket,
        category=data["category"],
        note=data["note"],
        distance_km=data["distance_km"],
        now=timezone.now(),
    )
    return _("Timer stopped; %(n)s minutes registered.") % {"n": entry.minutes}


def _timer_discard(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    time_timer_discard(user=user)
    return _("Timer discarded; nothing registered.")


def _override(ticket: Ticket, data: dict[str, Any], user: User, request: HttpRequest) -> str:
    entry = get_object_or_404(TimeEntry, pk=data["entry_id"], ticket=ticket)
    time_entry_billable_decide(
        entry=entry,
        billable=BillableOverrideForm.VALUES[data["billable"]],
        reason=data["reason"],
        by=user,
        now=timezone.now(),
    )
    return _("Decision recorded.")


def time_forms(data: Any = None) -> dict[str, forms.Form]:
    return {
        "time": TimeEntryForm(
            data,
            prefix="time",
            initial={"started_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
        ),
        "timer_start": forms.Form(data, prefix="timer_start"),
        "timer_stop": TimerStopForm(data, prefix="timer_stop"),
        "timer_discard": forms.Form(data, prefix="timer_discard"),
        "time_override": BillableOverrideForm(data, prefix="time_override"),
    }


TIME_HANDLERS = {
    "time": _time,
    "timer_start": _timer_start,
    "timer_stop": _timer_stop,
    "timer_discard": _timer_discard,
    "time_override": _override,
}


def may_override(user: User) -> bool:
    return user.has_perm(OVERRIDE_PERMISSION)
