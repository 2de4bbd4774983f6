"""What the monthly figures are made of (tickets.figures)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tickets.compliance import VerdictGroup


@dataclass(frozen=True)
class TicketGroup:
    """Tickets registered and survey answers given in a month, for one contract."""

    month: date
    contract_id: int
    provider_id: int
    opened: int = 0
    answers: int = 0
    score_total: int = 0


@dataclass(frozen=True)
class TrendCell:
    """The verdicts of a month for one provider and metric; the lowest threshold among the
    targets of the clocks counted."""

    month: date
    provider_id: int
    metric: str
    met: int
    missed: int
    threshold: Decimal | None


@dataclass(frozen=True)
class MonthlyFigures:
    trend: list[TrendCell]  # every month, per provider and metric
    clocks: list[VerdictGroup]  # the detail month, per contract, target, rank and metric
    tickets: list[TicketGroup]  # every month, per contract


def with_month(
    row: dict[str, Any], months: dict[int, date], key: str = "figures_month_id"
) -> dict[str, Any]:
    """The row with its month in place of the month's key."""
    fields = dict(row)
    fields["month"] = months[fields.pop(key)]
    return fields
