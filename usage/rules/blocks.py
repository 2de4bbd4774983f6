"""A time entry as the billing rules see it (SPEC BIL-03): PURE, standard library only.

The contiguous blocks are `tickets.work_blocks`, the one definition the work page shows and the
bill counts (pure too): an entry joins the current block when it starts at or before the block's
end, and a block's minutes are its span from first start to last end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tickets.work_blocks import WorkBlock, work_blocks

__all__ = ["WorkBlock", "WorkItem", "work_blocks"]


@dataclass(frozen=True)
class WorkItem:
    """One time entry as the billing rules see it."""

    entry_id: int
    started_at: datetime
    minutes: int
    category: str
    billable_override: bool | None = None
    distance_km: int | None = None

    @property
    def pk(self) -> int:
        """tickets.work_blocks reads entries by pk."""
        return self.entry_id

    @property
    def ended_at(self) -> datetime:
        return self.started_at + timedelta(minutes=self.minutes)
