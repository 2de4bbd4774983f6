"""Reads of the time registered on a ticket, as the work page shows it (issue 14 §1): the
entries grouped in their contiguous work blocks, each block marked when it runs past the
package's limit of contiguous minutes, and the user's running timer."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User

from tickets.models import Ticket, TimeEntry, TimeTimer
from tickets.selectors import ticket_time_entries
from tickets.work_blocks import WorkBlock, work_blocks


@dataclass(frozen=True)
class BlockRow:
    """A work block with its entries, for a page; `over_limit` when it is longer than the
    package's contiguous-minutes limit (CBG Basis 30, Extra 60; none elsewhere)."""

    block: WorkBlock
    entries: list[TimeEntry]
    limit_minutes: int | None

    @property
    def over_limit(self) -> bool:
        return self.block.over(self.limit_minutes)


def ticket_block_limit(ticket: Ticket) -> int | None:
    """The package's limit of contiguous minutes per job (catalogue data), if it has one."""
    return ticket.package.max_contiguous_minutes


def ticket_work_blocks(ticket: Ticket) -> list[BlockRow]:
    """The ticket's entries in their work blocks, in two queries (entries with their people,
    the package read from the ticket's loaded row)."""
    entries = list(ticket_time_entries(ticket).select_related("billable_override_by"))
    by_id = {entry.pk: entry for entry in entries}
    limit = ticket_block_limit(ticket)
    return [
        BlockRow(block=block, entries=[by_id[i] for i in block.entry_ids], limit_minutes=limit)
        for block in work_blocks(entries)
    ]


def user_running_timer(user: User) -> TimeTimer | None:
    return TimeTimer.objects.filter(user=user).select_related("ticket").first()
