"""The post-event summary of an Azure Event Management event (SPEC CON-86, REP-07): every case
opened during the event's reactive window under the event's targets, and how each went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch

from contracts.models import AemEvent
from contracts.selectors import package_row, policy_row
from contracts.selectors_events import (
    POLICY_AEM,
    POLICY_RETAIL,
    aem_event_window,
    policy_choice_label,
)
from tickets.models import OPEN_STATUSES, Metric, SlaClock, Ticket


@dataclass(frozen=True)
class AemCase:
    ticket_id: int
    number: str
    subject: str
    severity_en: str
    severity_nl: str
    opened_at: datetime
    resolved_at: datetime | None
    is_open: bool
    # None: no response target, or the response is still due.
    response_met: bool | None

    def severity(self, *, english: bool) -> str:
        return self.severity_en if english else self.severity_nl


@dataclass(frozen=True)
class AemSummary:
    event: AemEvent
    cases: list[AemCase]

    @property
    def opened(self) -> int:
        return len(self.cases)

    @property
    def still_open(self) -> int:
        return sum(1 for case in self.cases if case.is_open)

    @property
    def response_met(self) -> int:
        return sum(1 for case in self.cases if case.response_met is True)

    @property
    def response_missed(self) -> int:
        return sum(1 for case in self.cases if case.response_met is False)


def aem_event_cases(event: AemEvent) -> list[AemCase]:
    """The event's cases, oldest first, in two queries whatever their number."""
    start, end = aem_event_window(event)
    response_clocks = SlaClock.objects.filter(metric=Metric.RESPONSE)
    tickets = (
        Ticket.objects.filter(
            contract_id=event.contract_id,
            created_at__gte=start,
            created_at__lt=end,
            sla_policy__code__in=(POLICY_AEM, POLICY_RETAIL),
        )
        .select_related("sla_target")
        .prefetch_related(Prefetch("clocks", queryset=response_clocks, to_attr="response_clocks"))
        .order_by("created_at", "pk")
    )
    cases = []
    for ticket in tickets:
        clocks = ticket.response_clocks
        target = ticket.sla_target
        cases.append(
            AemCase(
                ticket_id=ticket.pk,
                number=ticket.number,
                subject=ticket.subject,
                severity_en=target.label_en if target else ticket.priority_level,
                severity_nl=target.label_nl if target else ticket.priority_level,
                opened_at=ticket.created_at,
                resolved_at=ticket.resolved_at,
                is_open=ticket.status in OPEN_STATUSES,
                response_met=clocks[0].met if clocks else None,
            )
        )
    return cases


def aem_event_summary(event: AemEvent) -> AemSummary:
    return AemSummary(event=event, cases=aem_event_cases(event))


def ticket_policy_label(ticket: Ticket) -> str:
    """Which targets the ticket got, in words for the customer and the engineer ("" without a
    policy): the package's or an extended service's (contracts.selectors_events)."""
    if ticket.sla_policy_id is None:
        return ""
    return policy_choice_label(
        policy_code=policy_row(ticket.sla_policy_id).code,
        package_name=package_row(ticket.package_id).name,
    )
