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

from contracts.models import Contract
from tickets.demo.aem import aem_demo
from tickets.demo.critical import critical_demo
from tickets.demo.customers import (
    Packages,
    customer_create,
    demo_customers_exist,
    packages_required,
)
from tickets.demo.data import AMSTERDAM, CUSTOMERS, DEMO_PASSWORD
from tickets.demo.history import history_tickets
from tickets.demo.oncall import oncall_demo
from tickets.demo.people import groups_ensure, staff_ensure
from tickets.demo.phone_codes import phone_codes_demo
from tickets.demo.ticketing import Advance, advance_nothing, anchor_monday, tickets_create
from tickets.demo.tickets_data import TICKETS


def demo_seed(*, now: datetime, advance: Advance = advance_nothing) -> Counter[str]:
    """Create what is missing of the demo data (one transaction); counts of what was created.

    `advance(at)` is called before every ticket change of the history, in time order (see
    `tickets.demo.ticketing`). Raises `DemoDataError` when the catalogue is not loaded or a
    ticket would end after `now`.
    """
    packages = packages_required()
    with transaction.atomic():
        return _seed(packages=packages, now=now, advance=advance)


def _seed(*, packages: Packages, now: datetime, advance: Advance) -> Counter[str]:
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
    starts = {
        c.customer.code: c.start_date
        for c in Contract.objects.filter(
            customer__code__in=[s.code for s in CUSTOMERS]
        ).select_related("customer")
    }
    specs = [*history_tickets(anchor=anchor_monday(now), contract_starts=starts), *TICKETS]
    tickets_create(specs=specs, staff=staff, now=now, counts=counts, advance=advance)
    oncall_demo(staff=staff, now=now, counts=counts)
    aem_demo(now=now, counts=counts)
    critical_demo(staff=staff, now=now, counts=counts, advance=advance)
    phone_codes_demo(staff=staff, now=now, counts=counts)
    return counts
