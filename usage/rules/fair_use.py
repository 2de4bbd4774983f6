"""Fair use (SPEC BIL-02, D19, A-15): PURE. An organisation's minutes per licence in a month
against the mean of all OTHER subscribed organisations that month; more than twice flags it.
Notification only: never a bill."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal

FAIR_USE_FACTOR = Decimal(2)


@dataclass(frozen=True)
class Usage:
    minutes: int
    licences: int

    @property
    def per_licence(self) -> Decimal:
        return Decimal(self.minutes) / Decimal(self.licences)


@dataclass(frozen=True)
class FairUseFigure:
    per_licence: Decimal
    mean_of_others: Decimal
    flagged: bool


def fair_use_figures(
    usage: Mapping[Hashable, Usage], *, factor: Decimal = FAIR_USE_FACTOR
) -> dict[Hashable, FairUseFigure]:
    """Per organisation its figure; an organisation without licences cannot be normalised and
    takes no part; alone in the month, nobody is compared (no others, no flag)."""
    counted = {key: u for key, u in usage.items() if u.licences > 0}
    total = sum((u.per_licence for u in counted.values()), Decimal(0))
    figures = {}
    for key, own in counted.items():
        others = len(counted) - 1
        if others == 0:
            figures[key] = FairUseFigure(own.per_licence, Decimal(0), flagged=False)
            continue
        mean = (total - own.per_licence) / others
        figures[key] = FairUseFigure(own.per_licence, mean, own.per_licence > factor * mean)
    return figures
