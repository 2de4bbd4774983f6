"""Contiguous work blocks of one ticket (issue 14 §1; CBG's tier limit counts contiguous
minutes per job, D19).

PURE: standard library only, no Django, no clock. The entries of one ticket are taken in order
of their start; an entry joins the current block when it starts at or before the block's end
(right after the previous piece of work, or overlapping it, as when two people work at once),
otherwise it opens a new block. A block's minutes are its span from first start to last end,
rounded up to whole minutes: two people working the same half hour make a block of 30
minutes, not 60. Every entry belongs to exactly one block.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


class TimedEntry(Protocol):
    """What a block needs of an entry (tickets.TimeEntry has it)."""

    @property
    def pk(self) -> int: ...

    @property
    def started_at(self) -> datetime: ...

    @property
    def minutes(self) -> int: ...


@dataclass(frozen=True)
class WorkBlock:
    started_at: datetime
    ended_at: datetime
    minutes: int
    entry_ids: tuple[int, ...]

    def over(self, limit_minutes: int | None) -> bool:
        """Longer than a limit (None: no limit applies)."""
        return limit_minutes is not None and self.minutes > limit_minutes


def _block(started_at: datetime, ended_at: datetime, ids: list[int]) -> WorkBlock:
    minutes = math.ceil((ended_at - started_at).total_seconds() / 60)
    return WorkBlock(started_at, ended_at, minutes, tuple(ids))


def work_blocks(entries: Iterable[TimedEntry]) -> list[WorkBlock]:
    """The entries' contiguous blocks, in order of their start."""
    ordered = sorted(entries, key=lambda e: (e.started_at, e.pk))
    blocks: list[WorkBlock] = []
    start: datetime | None = None
    end: datetime | None = None
    ids: list[int] = []
    for entry in ordered:
        entry_end = entry.started_at + timedelta(minutes=entry.minutes)
        if start is None or end is None or entry.started_at > end:
            if start is not None and end is not None:
                blocks.append(_block(start, end, ids))
            start, end, ids = entry.started_at, entry_end, [entry.pk]
            continue
        end = max(end, entry_end)
        ids.append(entry.pk)
    if start is not None and end is not None:
        blocks.append(_block(start, end, ids))
    return blocks


def block_of_entry(blocks: Iterable[WorkBlock]) -> dict[int, WorkBlock]:
    """Each entry's block, by entry id."""
    return {entry_id: block for block in blocks for entry_id in block.entry_ids}
