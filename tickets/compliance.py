"""Target compliance per contract, period and priority (DECISIONS D9, SPEC TKT-70/71).

A selector: reads only. A clock counts in the period in which its verdict fell: stopped in
the period (met or missed), or still running with its due time passed within the period
(missed). Clocks stopped without a verdict (cancelled tickets) never count. Tickets exempted
for unmet preconditions (TKT-07) are listed and excluded from both metrics; a vendor-owned
resolution (A-08) is listed and excluded from resolution only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Q

from tickets.models import Metric, SlaClock


@dataclass
class ComplianceRow:
    level: str
    label: str
    rank: int
    metric: str
    threshold: Decimal | None
    met: int = 0
    missed: int = 0
    excluded: list[str] = field(default_factory=list)

    @property
    def counted(self) -> int:
        return self.met + self.missed

    @property
    def percentage(self) -> Decimal | None:
        if not self.counted:
            return None
        return (Decimal(100) * self.met / self.counted).quantize(Decimal("0.1"))

    @property
    def within_threshold(self) -> bool | None:
        if self.threshold is None or self.percentage is None:
            return None
        return self.percentage >= self.threshold


def _excluded_reason(clock: SlaClock) -> str | None:
    ticket = clock.ticket
    if ticket.sla_exempt_reason:
        return f"{ticket.number}: exempt ({ticket.sla_exempt_reason})"
    if clock.metric == Metric.RESOLUTION and ticket.resolution_vendor_owned:
        return f"{ticket.number}: resolution owned by the vendor"
    return None


def sla_compliance(
    *, contract_id: int, start: datetime, end: datetime, now: datetime
) -> list[ComplianceRow]:
    """Rows per (priority, metric) for the contract's clocks decided in [start, end)."""
    horizon = min(end, now)
    clocks = (
        SlaClock.objects.filter(ticket__contract_id=contract_id)
        .filter(
            Q(stopped_at__gte=start, stopped_at__lt=end, met__isnull=False)
            | Q(stopped_at__isnull=True, due_at__gte=start, due_at__lt=horizon)
        )
        .select_related("ticket__sla_target")
        .order_by("ticket__priority_rank", "metric", "ticket__number")
    )
    rows: dict[tuple[str, str], ComplianceRow] = {}
    for clock in clocks:
        target = clock.ticket.sla_target
        if target is None:
            continue
        key = (target.level, clock.metric)
        row = rows.get(key)
        if row is None:
            row = rows[key] = ComplianceRow(
                target.level,
                target.label_en,
                target.rank,
                clock.metric,
                target.compliance_threshold,
            )
        reason = _excluded_reason(clock)
        if reason is not None:
            row.excluded.append(reason)
        elif clock.met:
            row.met += 1
        else:
            row.missed += 1
    return sorted(rows.values(), key=lambda r: (r.rank, r.metric != Metric.RESPONSE))
