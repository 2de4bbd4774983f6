"""Contiguous work blocks of one ticket (SPEC BIL-03): PURE, standard library only.

Stand-in for `tickets.work_blocks.work_blocks` (helper TIME's, per the shared design): when that
module is on main, `usage.rules.cbg` can take its blocks instead; only `.minutes` is read here.
An entry joins the current block when it starts at or before the block's end (contiguous, or
overlapping work by different people). A block's minutes are its span from first start to last
end, rounded up to whole minutes, as helper TIME's blocks on the work page count them (two people
working the same half hour make a block of 30 minutes).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta


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


@dataclass
class WorkBlock:
    started_at: datetime
    ended_at: datetime
    minutes: int = 0
    entry_ids: list[int] = field(default_factory=list)


def work_blocks(items: Iterable[WorkItem]) -> list[WorkBlock]:
    """The contiguous blocks of the items, in order of start."""
    blocks: list[WorkBlock] = []
    for item in sorted(items, key=lambda i: (i.started_at, i.entry_id)):
        current = blocks[-1] if blocks else None
        if current is None or item.started_at > current.ended_at:
            current = WorkBlock(item.started_at, item.ended_at)
            blocks.append(current)
        current.ended_at = max(current.ended_at, item.ended_at)
        current.minutes = math.ceil((current.ended_at - current.started_at).total_seconds() / 60)
        current.entry_ids.append(item.entry_id)
    return blocks
