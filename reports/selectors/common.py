"""Small helpers the pack's selectors share: moments as the pack writes them, labels in the
pack's language, and the bound on listed rows."""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal

from django.utils.translation import get_language

from reports.periods import display_zone

# Lists other than the breaches show at most this many rows (the latest); their totals count all.
LIST_LIMIT = 100
TENTH = Decimal("0.1")


def moment(value: datetime | None) -> str | None:
    """A moment as the pack keeps it: ISO 8601 to the minute in the display zone."""
    if value is None:
        return None
    return value.astimezone(display_zone()).isoformat(timespec="minutes")


def english() -> bool:
    return (get_language() or "nl").startswith("en")


def target_label(label_en: str | None, label_nl: str | None) -> str:
    """A priority level's own name in the active language."""
    return (label_en if english() else label_nl) or label_en or ""


def minutes_late(due: datetime, actual: datetime) -> int:
    """Whole minutes from the due time to the moment, rounded up (a second late is a minute)."""
    return max(0, math.ceil((actual - due).total_seconds() / 60))


def average(value: float | Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(TENTH)
