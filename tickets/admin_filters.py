"""The queue's filters (issue #6 §2, issue #11 §2): which work, which clocks, whose tickets, and
where a customer wrote since the engineer last looked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any, cast

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.models import OPEN_STATUSES, Status, Ticket

STATUS_PARAMETER = "status__exact"
SEARCH_PARAMETER = "q"  # django.contrib.admin.views.main.SEARCH_VAR


class WorkFilter(admin.SimpleListFilter):
    """The queue opens on open work (new, in progress, waiting), not on every ticket ever;
    "all tickets" shows everything. Choosing a status in the status filter, or searching (a
    number, a name), lifts the default: "status: resolved" is not emptied by it, and a search
    for last year's ticket finds it."""

    title = _("work")
    parameter_name = "work"
    DEFAULT = "open"

    def __init__(
        self, request: HttpRequest, params: dict[str, Any], model: Any, model_admin: Any
    ) -> None:
        self.default_lifted = STATUS_PARAMETER in request.GET or bool(
            request.GET.get(SEARCH_PARAMETER, "").strip()
        )
        super().__init__(request, params, model, model_admin)

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("open", _("open work")),
            ("done", _("resolved, closed or cancelled")),
            ("all", _("all tickets")),
        ]

    def value(self) -> str | None:
        chosen = super().value()
        if chosen is None and not self.default_lifted:
            return self.DEFAULT
        return chosen

    def choices(self, changelist: ChangeList) -> Iterator[Any]:
        current = self.value() or "all"
        for lookup, title in self.lookup_choices:
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
        if self.value() == "open":
            return queryset.filter(status__in=sorted(OPEN_STATUSES))
        if self.value() == "done":
            return queryset.exclude(status__in=sorted(OPEN_STATUSES))
        return queryset


class CustomerRepliedFilter(admin.SimpleListFilter):
    """Tickets where the customer wrote (or reopened) and the engineer has not looked since."""

    title = _("customer replied")
    parameter_name = "replied"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("customer replied, not yet seen")), ("no", _("nothing new"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
        if self.value() == "yes":
            return queryset.filter(customer_replied=True)
        if self.value() == "no":
            return queryset.filter(customer_replied=False)
        return queryset


class DueFilter(admin.SimpleListFilter):
    """The coordinator's view of the clocks (issue #6 §2)."""

    title = _("due")
    parameter_name = "due"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("at_risk", _("at risk")),
            ("within_hour", _("breaching within 1 hour")),
            ("breached", _("breached")),
            ("waiting", _("waiting for the customer")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
        now = timezone.now()
        running = Q(status__in=list(OPEN_STATUSES)) & ~Q(status=Status.WAITING_FOR_CUSTOMER)
        if self.value() == "at_risk":
            # One definition of "at risk" (tickets.sla.warning_due, stored as at_risk_at).
            return queryset.filter(running, at_risk_at__lte=now, earliest_due_at__gt=now)
        if self.value() == "within_hour":
            return queryset.filter(
                running, earliest_due_at__gte=now, earliest_due_at__lt=now + timedelta(hours=1)
            )
        if self.value() == "breached":
            return queryset.filter(running, earliest_due_at__lt=now)
        if self.value() == "waiting":
            return queryset.filter(status=Status.WAITING_FOR_CUSTOMER)
        return queryset


class AssignmentFilter(admin.SimpleListFilter):
    title = _("assignment")
    parameter_name = "assigned"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("mine", _("my tickets")),
            ("unassigned", _("unassigned")),
            ("triage", _("triage: new, not yet checked complete")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
        if self.value() == "mine":
            return queryset.filter(assignee=cast(User, request.user))
        if self.value() == "unassigned":
            return queryset.filter(assignee__isnull=True, status__in=list(OPEN_STATUSES))
        if self.value() == "triage":
            return queryset.filter(status=Status.NEW, completeness_checked_at__isnull=True)
        return queryset


class PriorityRankFilter(admin.AllValuesFieldListFilter):
    """The ranks P1-P4 and "no target" (the table's constraint allows no other): the same
    choices as Django's filter of the values present, without reading every ticket for them
    (a DISTINCT over the whole table at 100,000 tickets)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lookup_choices = [1, 2, 3, 4, None]  # type: ignore[assignment]
