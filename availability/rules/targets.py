"""The availability promises per provider and service, and the maintenance windows: ONE table.

A monitored service copies its figures from here when it is created; the coordinator may then
edit them per service, so a contract with other terms (or a fifth provider) needs no deploy.

- onITnow integration service, cloud: 99.5 % in office hours, 95 % outside, at most 3
  interruptions a month (SPEC AVL-01); on-premise: 97.5 % in office hours, no outside target,
  at most 3 (AVL-02, A-21).
- CBG Office 365: Microsoft's 99.9 % guarantee (AVL-21), passed on, not CBG's own promise;
  unavailable only when no user can use it (AVL-23, the outage's "all users" flag).
- Websitenazorg: a high level of availability, no numeric target (AVL-30). Microsoft: none.
- Maintenance window: onITnow every day 20:00-06:00 (AVL-10); CBG's is undefined (A-20).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import Decimal

# Service kinds (MonitoredService.kind).
INTEGRATION_SERVICE = "integration_service"
SOFTWARE = "software"
OFFICE365 = "office365"
OTHER = "other"

# What a service's figures rest on (MonitoredService.target_basis).
BASIS_CONTRACT = "contract"
BASIS_VENDOR = "vendor_guarantee"
BASIS_NONE = "none"

ANY_HOSTING = ""


@dataclass(frozen=True)
class Targets:
    """One service's promise: percentages per window (None = no target) and interruptions."""

    office_percent: Decimal | None = None
    outside_percent: Decimal | None = None
    max_interruptions: int | None = None
    basis: str = BASIS_NONE


NO_TARGETS = Targets()

DEFAULT_TARGETS: dict[tuple[str, str, str], Targets] = {
    ("onitnow", INTEGRATION_SERVICE, "cloud"): Targets(
        Decimal("99.50"), Decimal("95.00"), 3, BASIS_CONTRACT
    ),
    ("onitnow", INTEGRATION_SERVICE, "on_prem"): Targets(Decimal("97.50"), None, 3, BASIS_CONTRACT),
    ("cbg", OFFICE365, ANY_HOSTING): Targets(
        Decimal("99.90"), Decimal("99.90"), None, BASIS_VENDOR
    ),
    ("websitenazorg", OFFICE365, ANY_HOSTING): NO_TARGETS,
}


def targets_default(*, provider_code: str, kind: str, hosting: str) -> Targets:
    """The figures a new service of this provider, kind and hosting starts with."""
    exact = DEFAULT_TARGETS.get((provider_code, kind, hosting))
    if exact is not None:
        return exact
    return DEFAULT_TARGETS.get((provider_code, kind, ANY_HOSTING), NO_TARGETS)


@dataclass(frozen=True)
class WindowDefaults:
    weekdays: frozenset[int]  # Monday = 0; the day the window opens
    start: time
    end: time  # at or before ``start``: the next day


EVERY_DAY = frozenset(range(7))

DEFAULT_MAINTENANCE_WINDOWS: dict[str, WindowDefaults] = {
    "onitnow": WindowDefaults(EVERY_DAY, time(20, 0), time(6, 0)),
}

# D22: maintenance outside the window is announced 5 working days ahead.
NOTICE_WORKING_DAYS = 5
