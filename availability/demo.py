"""Demo availability (issue #15 §1), so a first look shows figures, a broken promise and the
maintenance banner: monitored services on the onITnow contracts (Bakkerij Van Dam's cloud
integration service, Kuipers' on-premise one) and CBG's Office 365 tenancy of
Administratiekantoor Jansen; last month's outages (one left out as a third party's telecom
failure, planned work inside the maintenance window, one that breaks Bakkerij Van Dam's
office-hours promise, one affecting some users only); and maintenance planned for next week
inside the window, announced through the service (its mails in the outbox, counted as sent).

Everything goes through the availability services. Idempotent: nothing happens when a demo
contract has a monitored service already. Deterministic for a given --now.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max

from availability.models import MonitoredService
from availability.rules.windows import is_working_day
from availability.selectors import contract_pure_calendar
from availability.services.maintenance import MaintenanceInput, maintenance_plan
from availability.services.monitored import monitored_service_create
from availability.services.outages import OutageInput, outage_record
from contracts.models import Contract
from contracts.selectors_events import local_day
from escalation.demo import demo_mails_settle
from notifications.models import OutboxEmail
from tickets.demo.data import AMSTERDAM
from tickets.models import Ticket

BAKKERIJ, KUIPERS, JANSEN = "bakkerij-vandam", "kuipers-installatie", "administratiekantoor-jansen"
SERVICES = (
    (BAKKERIJ, "Integratiedienst (cloud)", "integration_service"),
    (KUIPERS, "Integratiedienst (on-premise)", "integration_service"),
    (JANSEN, "Office 365-tenant", "office365"),
)


def _working_day(contract: Contract, first: date, nth: int) -> date:
    """The nth working day (1-based) of the contract's calendar from ``first`` on."""
    calendar = contract_pure_calendar(contract)
    day, seen = first, 0
    while True:
        if is_working_day(day, calendar):
            seen += 1
            if seen == nth:
                return day
        day += timedelta(days=1)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMSTERDAM)


def _outages(services: dict[str, MonitoredService], month: date, now: datetime, by: object) -> int:
    bakkerij, kuipers = services[BAKKERIJ], services[KUIPERS]
    telecom = _working_day(bakkerij.contract, month, 3)
    broken = _working_day(bakkerij.contract, month, 12)
    partial = _working_day(kuipers.contract, month, 8)
    night = month + timedelta(days=9)
    ticket = Ticket.objects.filter(contract=kuipers.contract).order_by("created_at").first()
    inputs = (
        OutageInput(
            service=bakkerij,
            start=_at(telecom, 9),
            end=_at(telecom, 10, 30),
            exclusion_reason="third_party_telecom",
            description="Glasvezelstoring bij de telecomleverancier in de regio.",
        ),
        OutageInput(
            service=kuipers,
            start=_at(night, 22),
            end=_at(night, 23, 30),
            planned=True,
            description="Gepland onderhoud binnen het onderhoudsvenster: update van de koppeling.",
        ),
        OutageInput(
            service=bakkerij,
            start=_at(broken, 10),
            end=_at(broken, 13, 15),
            description="Integratiedienst verwerkte geen berichten: wachtrij vol.",
        ),
        OutageInput(
            service=kuipers,
            start=_at(partial, 14),
            end=_at(partial, 15, 30),
            affects_all_users=False,
            description="Een deel van de gebruikers kon niet aanmelden.",
            tickets=(ticket,) if ticket is not None else (),
        ),
    )
    for data in inputs:
        outage_record(data=data, by=by, now=now)
    return len(inputs)


@transaction.atomic
def availability_demo_seed(*, now: datetime) -> Counter[str]:
    """The demo's services, last month's outages and next week's maintenance; counts of what
    was created (nothing when a demo contract has a monitored service, or no demo contracts)."""
    counts: Counter[str] = Counter()
    codes = {code for code, _name, _kind in SERVICES}
    contracts = {
        c.customer.code: c
        for c in Contract.objects.filter(customer__code__in=codes)
        .select_related("customer", "provider")
        .order_by("pk")
    }
    if (
        set(contracts) != codes
        or MonitoredService.objects.filter(contract__in=contracts.values()).exists()
    ):
        return counts
    this_month = local_day(now).replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    created = min(now, _at(last_month, 0))
    services = {
        code: monitored_service_create(contract=contracts[code], name=name, kind=kind, now=created)
        for code, name, kind in SERVICES
    }
    counts["monitored services"] = len(services)
    coordinator = get_user_model().objects.filter(username="coordinator").first()
    counts["outages"] = _outages(services, last_month, now, coordinator)
    last_mail = OutboxEmail.objects.aggregate(m=Max("pk"))["m"] or 0
    today = local_day(now)
    next_week = today + timedelta(days=8 - today.weekday())  # next week's Tuesday
    maintenance_plan(
        data=MaintenanceInput(
            provider=contracts[BAKKERIJ].provider,
            services=[services[BAKKERIJ]],
            title="Update integratieplatform",
            description="We installeren de nieuwe versie van het integratieplatform.",
            start=_at(next_week, 21),
            end=_at(next_week, 23),
        ),
        by=coordinator,
        now=now,
    )
    counts["planned maintenance"] = 1
    counts["announcement mails"] = demo_mails_settle(after_pk=last_mail, now=now)
    return counts
