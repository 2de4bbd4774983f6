"""Every app erases, exports and purges the personal data it holds (issue #15 §3, D17).

`privacy` sits just above `contracts`, so it knows none of the apps that hold a person's data
beyond the contact itself. Each app registers what it holds in its `AppConfig.ready()`:

- an **eraser** `(subject, scrubber) -> counts`: replaces the person's identifying strings in its
  rows (through the `Scrubber`, which knows the strings and the pseudonym), blanks or removes
  what is wholly theirs, and answers how many rows of each table it changed;
- an **exporter** `(subject, writer)`: writes what it holds about the person into the access
  export (`ExportWriter`: JSON documents and files);
- a **purger** `(cutoff, now) -> counts`: removes files and raw mail of closed work older than the
  retention cut-off.

Counts name tables and numbers only: they are what the request and the retention log keep, so
they never hold personal data. The erasure runs every eraser in one transaction (a failure
erases nothing); files are deleted only after the commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from privacy.export import ExportWriter
    from privacy.scrub import Scrubber

Counts = dict[str, int]


@dataclass(frozen=True)
class Subject:
    """The person a request is about, as they were before the erasure."""

    contact_id: int
    customer_id: int
    user_id: int | None
    name: str
    email: str
    phone: str
    username: str


Eraser = Callable[["Subject", "Scrubber"], Counts]
Exporter = Callable[["Subject", "ExportWriter"], None]
Purger = Callable[[datetime, datetime], Counts]


@dataclass(frozen=True)
class PersonalData:
    app_label: str
    erase: Eraser | None
    export: Exporter | None
    purge: Purger | None


_REGISTRY: dict[str, PersonalData] = {}


def personal_data_register(
    app_label: str,
    *,
    erase: Eraser | None = None,
    export: Exporter | None = None,
    purge: Purger | None = None,
) -> None:
    """Register (or replace: `ready()` may run twice in tests) one app's handlers."""
    _REGISTRY[app_label] = PersonalData(app_label, erase, export, purge)


def personal_data_registered() -> list[PersonalData]:
    """The registered apps, in a stable order (the order of the counts and of the export)."""
    return [_REGISTRY[label] for label in sorted(_REGISTRY)]


def counts_add(total: Counts, more: Counts) -> Counts:
    """Two apps may count the same table (files removed by tickets and by intake): summed."""
    for table, number in more.items():
        total[table] = total.get(table, 0) + number
    return total
