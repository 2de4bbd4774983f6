"""Create the demo data set: groups and staff when missing; customers, contracts, contacts and
tickets only when none of the demo customers exists.

Tickets go through the ticket services with explicit `now` values computed from a fixed anchor
(the Monday of the last full week before `now`), so a run is deterministic for a given week.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from tickets.demo.customers import (
    Packages,
    customer_create,
    demo_customers_exist,
    packages_required,
)
from tickets.demo.data import AMSTERDAM, CUSTOMERS, DEMO_PASSWORD
from tickets.demo.people import groups_ensure, staff_ensure
from tickets.demo.ticketing import tickets_create


def demo_seed(*, now: datetime) -> Counter[str]:
    """Create what is missing of the demo data (one transaction); counts of what was created.

    Raises `DemoDataError` when the catalogue is not loaded or a ticket would end after `now`.
    """
    packages = packages_required()
    with transaction.atomic():
        return _seed(packages=packages, now=now)


def _seed(*, packages: Packages, now: datetime) -> Counter[str]:
    counts: Counter[str] = Counter()
    password_hash = make_password(DEMO_PASSWORD)
    groups_ensure(counts)
    counts["staff users"] = staff_ensure(password_hash)
    if demo_customers_exist():
        return counts
    staff = {u.username: u for u in get_user_model().objects.filter(is_staff=True)}
    today = now.astimezone(AMSTERDAM).date()
    for spec in CUSTOMERS:
        customer_create(spec, packages, staff, today, password_hash, counts)
    tickets_create(staff=staff, now=now, counts=counts)
    return counts
