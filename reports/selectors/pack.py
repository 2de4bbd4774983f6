"""The review pack as data (issue #15 §2): a tree of frozen dataclasses with plain values, and its
JSON form (`to_dict`), which every rendering reads (page, PDF, CSV, the API) and which a stored
pack keeps. Moments are ISO 8601 in the display zone (Europe/Amsterdam), with the offset;
percentages and amounts are decimal strings, so the JSON reads back exactly as written.

Nothing here names a person: no contact, no staff member, no email address. A ticket is its
number, subject and figures; that is what a review discusses, and an erased contact leaves the
pack as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

PACK_VERSION = 1


def plain(value: Any) -> Any:
    """A dataclass tree as JSON values (dicts, lists, strings, numbers, booleans, None)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class Tally:
    """One bar: a key for machines, a label in the pack's language and a count."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class MetricFigures:
    met: int
    missed: int
    excluded: int
    percentage: Decimal | None
    within_threshold: bool | None


@dataclass(frozen=True)
class ComplianceLine:
    """One priority level: response and resolution measured separately (D9)."""

    level: str
    label: str
    rank: int
    threshold: Decimal | None
    response: MetricFigures | None
    resolution: MetricFigures | None


@dataclass(frozen=True)
class ProblemRef:
    number: str
    status: str
    status_label: str
    rca_due: str | None
    rca_delivered: str | None


@dataclass(frozen=True)
class Breach:
    """A target missed in the period (REP-04): what, by how much, why and what was done."""

    ticket: str
    subject: str
    priority: str
    metric: str
    metric_label: str
    due: str
    actual: str | None  # when the clock stopped; None: still running at the pack's moment
    late_minutes: int
    counted: bool  # False: listed but excluded from the percentage (D9)
    cause: str
    done: str
    status: str
    status_label: str
    resolved: str | None
    problem: ProblemRef | None


@dataclass(frozen=True)
class Volumes:
    total: int
    by_type: list[Tally]
    by_priority: list[Tally]
    by_channel: list[Tally]


@dataclass(frozen=True)
class EscalationItem:
    ticket: str
    level: int
    level_label: str
    reason: str
    raised: str
    acknowledged: str | None
    resolved: str | None


@dataclass(frozen=True)
class Escalations:
    total: int
    by_level: list[Tally]
    items: list[EscalationItem]  # the latest LIST_LIMIT; `total` counts them all


@dataclass(frozen=True)
class ProblemItem:
    number: str
    title: str
    status: str
    status_label: str
    origin_label: str
    opened: str
    incidents: int
    rca_due: str | None
    rca_delivered: str | None
    overdue: bool  # the RCA was not delivered by its due date (D21)


@dataclass(frozen=True)
class CsatMonth:
    month: str  # YYYY-MM
    answers: int
    average: Decimal | None


@dataclass(frozen=True)
class Csat:
    answers: int
    average: Decimal | None
    months: list[CsatMonth]


@dataclass(frozen=True)
class UsageMonth:
    month: str  # YYYY-MM
    billable_minutes: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Entitlement:
    """One entitlement ledger (Microsoft credits, EDE hours, ...) over the period (D20)."""

    kind: str
    label: str
    added: Decimal
    used: Decimal
    balance: Decimal  # at the end of the period (or at the pack's moment when sooner)


@dataclass(frozen=True)
class FairUseMonth:
    month: str
    minutes: int
    licences: int
    per_licence: Decimal
    threshold: Decimal
    flagged: bool


@dataclass(frozen=True)
class Usage:
    months: list[UsageMonth]
    billable_minutes: Decimal
    amount: Decimal
    entitlements: list[Entitlement]
    fair_use: list[FairUseMonth]


@dataclass(frozen=True)
class VendorItem:
    ticket: str
    vendor: str
    reference: str
    escalated: str
    last_update_shared: str | None
    closed: str | None


@dataclass(frozen=True)
class VendorEscalations:
    total: int
    items: list[VendorItem]


@dataclass(frozen=True)
class AvailabilityMonth:
    """One monitored service in one month: each window against its promise (D22)."""

    service: str
    month: str  # YYYY-MM
    office_percent: Decimal | None
    office_target: Decimal | None
    office_met: bool | None
    outside_percent: Decimal | None
    outside_target: Decimal | None
    outside_met: bool | None
    down_minutes: int
    interruptions: int
    max_interruptions: int | None
    interruptions_met: bool | None


@dataclass(frozen=True)
class AvailabilityBreach:
    """A broken availability promise, listed like an SLA breach: the outages are its cause."""

    service: str
    month: str
    promise: str  # office, outside or interruptions
    promise_label: str
    achieved: str
    promised: str
    down_minutes: int
    outages: list[str]  # "start - end (tickets)" of each counted outage


@dataclass(frozen=True)
class OutageItem:
    service: str
    start: str
    end: str | None
    planned: bool
    all_users: bool
    counted: bool
    reason: str  # why it was left out; "" when it counted
    tickets: list[str]


@dataclass(frozen=True)
class MaintenanceItem:
    title: str
    services: list[str]
    start: str
    end: str
    status_label: str
    inside_window: bool
    notice_ok: bool


@dataclass(frozen=True)
class Availability:
    months: list[AvailabilityMonth]
    breaches: list[AvailabilityBreach]
    outages: list[OutageItem]
    maintenance: list[MaintenanceItem]


@dataclass(frozen=True)
class PeriodFacts:
    text: str  # as asked for: 2026-11, 2026-Q3, 2026-01-15..2026-03-01
    kind: str
    start: date
    end: date  # exclusive
    label: str


@dataclass(frozen=True)
class ContractFacts:
    id: int
    reference: str
    customer: str
    provider: str
    package: str


@dataclass(frozen=True)
class ReviewPack:
    contract: ContractFacts
    period: PeriodFacts
    previous_period: PeriodFacts
    language: str
    as_of: str  # the moment the figures hold for: the period's end, or the build when sooner
    compliance: list[ComplianceLine]
    breaches: list[Breach]
    previous_breaches: list[Breach]
    volumes: Volumes
    escalations: Escalations
    problems: list[ProblemItem]
    csat: Csat
    usage: Usage | None
    vendor_escalations: VendorEscalations
    # None when the contract has no monitored service and no maintenance in the period.
    availability: Availability | None
    version: int = field(default=PACK_VERSION)

    def to_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = plain(self)
        return result
