"""Benchmark the customer portal (issue #5 §4: with 100,000 tickets across 200 organisations in
PostgreSQL, the server time of the ticket list, the ticket page and the home page for the support
services manager of a large organisation, median and p95 over 200 requests each; aim p95 < 150
ms for each).

Run from the repository root: ``python bench/bench_portal.py [--tickets 100000] [--large 5000]
[--requests 200] [--explain] [--keep]``. Uses DATABASE_URL if set, else a local PostgreSQL
database ``servicedesk_bench`` (created when missing), like bench_ticket_create.py.

Data: 200 bench customers ``bench-portal-000`` .. ``-199``, each with an onITnow ONS contract;
customer 000 is the large organisation (ten contacts, one of them its support services manager
with a Django login). A few hundred tickets are made through ``ticket_create`` (clocks, segments,
events; some moved on and replied to); the rest are bulk-inserted copies (``SD-1999-`` numbers) with
realistic statuses, creation times over the last year, due times for open tickets, SLA clocks and
a few escalations; then VACUUM ANALYZE. Pages are requested as gunicorn requests them, through
Django's WSGI handler in this process (the time is the server's, without network; ``WsgiGet``),
with the session of a ``django.test.Client`` login. A page whose p95 misses the aim (every
page with ``--explain``) gets the EXPLAIN (ANALYZE, BUFFERS) of its slowest query printed. The
bench customers' data is deleted before the run and after it (unless ``--keep``). Celery
publishes go to a filesystem broker in a temporary directory.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench_ticket_create import (
    database_url,
    django_setup,
    postgres_database_ensure,
    var_dir_make,
    var_dir_remove,
)
from wsgi_get import WsgiGet

PREFIX = "bench-portal-"
# Bulk-inserted copies: valid ticket numbers (the portal's URLs take only SD-YYYY-NNNNNN) of a
# year no service-made ticket has.
NUMBER_PREFIX = "SD-1999-"
MANAGER_USERNAME = f"{PREFIX}manager"
ORGANISATIONS = 200
LARGE_CONTACTS = 10
SERVICE_LARGE = 200  # service-made tickets of the large organisation
SERVICE_OTHER = 100  # service-made tickets of the other organisations, one each
TARGET_P95_MS = 150
SEED = 5
BATCH = 5000
LEVELS: tuple[dict[str, Any], ...] = (
    {"priority_level": "top"},
    {"priority_level": "hoog"},
    {"priority_level": "gemiddeld"},
    {"priority_level": "laag"},
    {"impact_scope": "multiple_users", "impact_effect": "degraded"},
    {"impact_scope": "single_user", "impact_effect": "degraded"},
    {"request_type": "information"},
)
# (status, weight) of the bulk-inserted tickets: most of a year's tickets are closed.
STATUS_MIX = (
    ("closed", 72),
    ("resolved", 6),
    ("cancelled", 3),
    ("new", 3),
    ("in_progress", 10),
    ("waiting_for_customer", 4),
    ("waiting_for_vendor", 2),
)
OPEN = ("new", "in_progress", "waiting_for_customer", "waiting_for_vendor")
HOUR = 3600
# Wall-clock approximations of the targets per rank: (response, resolution) seconds.
BUDGETS = {1: (1 * HOUR, 4 * HOUR), 2: (4 * HOUR, 24 * HOUR), 3: (8 * HOUR, 72 * HOUR)}
BUDGET_DEFAULT = (24 * HOUR, 120 * HOUR)


# --- Set-up --------------------------------------------------------------------------------------
def broker_dir_make() -> Path:
    """A throw-away var/ for this process: the filesystem broker writes its messages there."""
    return var_dir_make(prefix="bench-portal-")


def fixtures_delete() -> None:
    """Everything of the bench customers: tickets with what hangs off them, then the parties."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from contracts.models import Contact, ContactRole, Contract, Customer
    from escalation.models import Escalation
    from notifications.models import OutboxEmail
    from tickets.models import Problem, SlaClock, Ticket

    mine = Ticket.objects.filter(customer__code__startswith=PREFIX)
    bulk = mine.filter(number__startswith=NUMBER_PREFIX)
    # Bulk rows carry only clocks and escalations: delete those, then the rows, without the
    # ORM's cascade collection (100,000 tickets).
    Escalation.objects.filter(ticket__in=bulk)._raw_delete(connection.alias)
    SlaClock.objects.filter(ticket__in=bulk)._raw_delete(connection.alias)
    bulk._raw_delete(connection.alias)
    OutboxEmail.objects.filter(ticket__in=mine).delete()
    Problem.objects.filter(customer__code__startswith=PREFIX).delete()  # Top incidents open one
    mine.delete()
    ContactRole.objects.filter(contact__customer__code__startswith=PREFIX).delete()
    users = list(
        Contact.objects.filter(customer__code__startswith=PREFIX, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    Contact.objects.filter(customer__code__startswith=PREFIX).delete()
    get_user_model().objects.filter(pk__in=users).delete()
    get_user_model().objects.filter(username=MANAGER_USERNAME).delete()
    Contract.objects.filter(customer__code__startswith=PREFIX).delete()
    Customer.objects.filter(code__startswith=PREFIX).delete()


def organisations_make() -> list[tuple[Any, list[Any]]]:
    """(contract, contacts) per organisation; the first is the large one, its first contact the
    support services manager with a login."""
    from django.contrib.auth import get_user_model

    from contracts.models import (
        Contact,
        ContactRole,
        ContactRoleKind,
        Contract,
        Customer,
        Package,
    )

    package = Package.objects.select_related("release__provider").get(
        release__is_current=True, release__provider__code="onitnow", code="ons"
    )
    customers = Customer.objects.bulk_create(
        [
            Customer(code=f"{PREFIX}{n:03d}", name=f"Bench organisation {n:03d} B.V.")
            for n in range(ORGANISATIONS)
        ]
    )
    contracts = Contract.objects.bulk_create(
        [
            Contract(
                reference=f"{c.code}-contract",
                customer=c,
                provider=package.release.provider,
                package=package,
                start_date=date(2020, 1, 1),
            )
            for c in customers
        ]
    )
    result: list[tuple[Any, list[Any]]] = []
    roles = []
    for n, contract in enumerate(contracts):
        count = LARGE_CONTACTS if n == 0 else 2
        contacts = Contact.objects.bulk_create(
            [
                Contact(
                    customer=contract.customer,
                    name=f"Contact {k} of {contract.customer.code}",
                    email=f"c{k}@{contract.customer.code}.example",
                )
                for k in range(count)
            ]
        )
        for k, contact in enumerate(contacts):
            manager = n == 0 and k == 0
            role = ContactRoleKind.SUPPORT_SERVICES_MANAGER if manager else "named_contact"
            roles.append(ContactRole(contact=contact, contract=contract, role=role))
        result.append((contract, contacts))
    ContactRole.objects.bulk_create(roles)
    manager = result[0][1][0]
    user = get_user_model().objects.create(
        username=MANAGER_USERNAME, email=manager.email, is_staff=False
    )
    user.set_unusable_password()
    user.save()
    manager.user = user
    manager.save(update_fields=["user"])
    return result


# --- Tickets -------------------------------------------------------------------------------------
def service_tickets_make(orgs: list[tuple[Any, list[Any]]], now: datetime) -> list[Any]:
    """Tickets through the services over the last 30 days: 200 of the large organisation, one
    each of 100 others. A quarter stays new, the others are moved on or replied to."""
    from tickets.models import Status, Ticket
    from tickets.services import TicketCreateInput, ticket_create, ticket_reply, ticket_transition

    owners = [(orgs[0][1][i % LARGE_CONTACTS], i) for i in range(SERVICE_LARGE)]
    owners += [(orgs[1 + i][1][0], SERVICE_LARGE + i) for i in range(SERVICE_OTHER)]
    made = []
    for contact, i in owners:
        created = now - timedelta(minutes=90 + (i * 151) % (30 * 24 * 60))
        fields: dict[str, Any] = {"request_type": "incident"}
        fields.update(LEVELS[i % len(LEVELS)])
        ticket = ticket_create(
            data=TicketCreateInput(
                contact=contact,
                channel=("portal", "email", "api")[i % 3],
                subject=f"Portal bench ticket {i}: mail does not arrive",
                description="Created by bench/bench_portal.py.\n" * 5,
                **fields,
            ),
            now=created,
        )
        step = created + timedelta(minutes=10)
        if i % 4 in (1, 2):
            ticket = ticket_transition(ticket=ticket, to_status=Status.IN_PROGRESS, now=step)
        if i % 4 == 2:
            ticket = ticket_transition(
                ticket=ticket,
                to_status=Status.WAITING_FOR_CUSTOMER,
                now=step + timedelta(minutes=30),
            )
        if i % 4 == 3:
            ticket_reply(
                ticket=ticket,
                body="Any news? It still happens.",
                now=step,
                author_contact=contact,
            )
        made.append(ticket.pk)
    # The sweep bench refuses to run beside other due tickets: these are never due for a check.
    Ticket.objects.filter(pk__in=made).update(next_check_at=None)
    return list(Ticket.objects.filter(pk__in=made).order_by("pk"))


def _bulk_row(
    base: dict[str, Any], rng: random.Random, now: datetime, statuses: list[str]
) -> dict[str, Any]:
    """Status, life-cycle times and due times of one bulk ticket."""
    row = dict(base)
    status = rng.choice(statuses)
    rank = row["priority_rank"]
    response, resolution = BUDGETS.get(rank, BUDGET_DEFAULT) if rank else (0, 0)
    resolved = closed = first = None
    response_due = resolution_due = earliest = None
    if status in OPEN:
        created = now - timedelta(seconds=rng.randint(600, 21 * 86400))
        if rank:
            response_due = created + timedelta(seconds=response)
            resolution_due = created + timedelta(seconds=resolution)
            first = (
                created + timedelta(seconds=response * rng.random()) if rng.random() < 0.6 else None
            )
            if first and first > now:
                first = None
            earliest = response_due if first is None else resolution_due
            if status == "waiting_for_customer":
                earliest = resolution_due = None  # paused clocks have no due time
    elif status == "cancelled":
        created = now - timedelta(seconds=rng.randint(86400, 365 * 86400))
        closed = created + timedelta(seconds=rng.randint(600, 86400))
    else:
        days = 40 if status == "resolved" else 365
        created = now - timedelta(seconds=rng.randint(11 * 86400, days * 86400))
        first = created + timedelta(seconds=rng.randint(300, max(response, 600)))
        resolved = created + timedelta(seconds=rng.randint(3600, 5 * 86400))
        if status == "closed":
            closed = resolved + timedelta(days=5)
        if rank:
            response_due = created + timedelta(seconds=response)
            resolution_due = created + timedelta(seconds=resolution)
    row.update(
        status=status,
        created_at=created,
        updated_at=closed or resolved or first or created,
        first_response_at=first,
        resolved_at=resolved,
        resolution_kind="fix" if resolved else "",
        resolution="Fixed by the bench." if resolved else "",
        closed_at=closed,
        response_due_at=response_due,
        resolution_due_at=resolution_due,
        earliest_due_at=earliest,
        next_check_at=None,
        shared_with_organisation=rng.random() < 0.9,
    )
    return row


def _clocks(ticket: Any) -> list[Any]:
    """Response and resolution clocks of a bulk ticket, consistent with its times."""
    from tickets.models import Metric, SlaClock

    if not ticket.priority_rank:
        return []
    response, resolution = BUDGETS.get(ticket.priority_rank, BUDGET_DEFAULT)
    clocks = []
    for metric, budget, due, stop in (
        (Metric.RESPONSE, response, ticket.response_due_at, ticket.first_response_at),
        (Metric.RESOLUTION, resolution, ticket.resolution_due_at, ticket.resolved_at),
    ):
        if ticket.status == "cancelled":
            stop = ticket.closed_at
        met = None if stop is None or due is None else stop <= due
        clocks.append(
            SlaClock(
                ticket_id=ticket.pk,
                metric=metric,
                budget_seconds=budget,
                started_at=ticket.created_at,
                due_at=due,
                stopped_at=stop,
                met=met if ticket.status != "cancelled" else None,
            )
        )
    return clocks


def bulk_tickets_add(
    orgs: list[tuple[Any, list[Any]]], templates: list[Any], count: int, large: int, now: datetime
) -> None:
    """`count` bulk tickets: `large` of them for the large organisation, the rest spread."""
    from escalation.models import Escalation
    from tickets.models import SlaClock, Ticket

    rng = random.Random(SEED)
    statuses = [s for s, weight in STATUS_MIX for _ in range(weight)]
    fields = [f.attname for f in Ticket._meta.concrete_fields if not f.primary_key]
    bases = [{name: getattr(t, name) for name in fields} for t in templates]
    batch: list[Ticket] = []
    escalations = 0

    def flush() -> None:
        nonlocal escalations
        made = Ticket.objects.bulk_create(batch)
        clocks = [c for t in made for c in _clocks(t)]
        SlaClock.objects.bulk_create(clocks, batch_size=BATCH)
        # Open escalations on about one in twelve open tickets (home page: needs attention).
        raised = [
            Escalation(
                ticket_id=t.pk,
                level=1 if k % 3 else 0,
                reason="resolution_breach" if k % 3 else "resolution_warning",
                clock_version=1,
                raised_at=t.created_at + timedelta(hours=1),
            )
            for k, t in enumerate(t for t in made if t.status in OPEN)
            if k % 12 == 0
        ]
        Escalation.objects.bulk_create(raised)
        escalations += len(raised)
        batch.clear()

    for i in range(count):
        if i < large:
            contract, contacts = orgs[0]
            contact = contacts[i % len(contacts)]
        else:
            contract, contacts = orgs[1 + (i - large) % (len(orgs) - 1)]
            contact = contacts[i % len(contacts)]
        row = _bulk_row(bases[i % len(bases)], rng, now, statuses)
        row.update(
            number=f"{NUMBER_PREFIX}{i:07d}",
            subject=f"Bench ticket {i}: {('VPN', 'printer', 'mailbox', 'laptop')[i % 4]} issue",
            customer_id=contract.customer_id,
            contract_id=contract.pk,
            contact_id=contact.pk,
        )
        batch.append(Ticket(**row))
        if len(batch) == BATCH:
            flush()
    if batch:
        flush()
    print(f"bulk: {count:,} tickets, {escalations:,} escalations", file=sys.stderr)


def tables_analyze() -> None:
    """Planner statistics after the bulk insert, and the dead rows of earlier runs (and of the
    other benches, which delete what they made) vacuumed away, as autovacuum would do."""
    from django.db import connection

    from contracts.models import Contact, ContactRole, Contract, Customer
    from escalation.models import Escalation
    from tickets.models import ClockSegment, SlaClock, Ticket, TicketEvent, TicketMessage

    models: tuple[Any, ...] = (Ticket, SlaClock, ClockSegment, TicketEvent, TicketMessage)
    models += (Escalation, Customer, Contract, Contact, ContactRole)
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


# --- Measurements --------------------------------------------------------------------------------
def client_make() -> Any:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username=MANAGER_USERNAME))
    return client


def timed(
    client: Any, urls: Callable[[int], str], requests: int, *, warm_up: int = 5
) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds (this process: Django, not PostgreSQL) of `requests` GETs
    (WsgiGet), after `warm_up` ones; every answer must be 200."""
    get = WsgiGet(client)
    for i in range(warm_up):
        get(urls(i))
    wall, cpu = [], []
    for i in range(requests):
        url = urls(i)
        started, started_cpu = time.perf_counter(), time.process_time()
        status = get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if status != 200:
            raise RuntimeError(f"GET {url} answered {status}")
    return wall, cpu


def queries_of(client: Any, url: str) -> list[dict[str, str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return list(ctx.captured_queries)


def grid(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: the head, a rule, the rows; columns as wide as their widest cell."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def report(rows: list[dict[str, Any]]) -> str:
    head = (
        "page",
        "requests",
        "median ms",
        "p95 ms",
        "max ms",
        "median Django CPU ms",
        "queries",
        "their SQL ms",
        "p95 < 150",
    )
    cells = [
        (
            r["page"],
            str(len(r["ms"])),
            f"{statistics.median(r['ms']):.1f}",
            f"{p95(r['ms']):.1f}",
            f"{max(r['ms']):.1f}",
            f"{statistics.median(r['cpu']):.1f}",
            str(len(r["queries"])),
            f"{sum(float(q['time']) for q in r['queries']) * 1000:.0f}",
            "yes" if p95(r["ms"]) < TARGET_P95_MS else "NO",
        )
        for r in rows
    ]
    return grid(head, cells)


def run(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.utils import timezone

    from tickets.models import Ticket

    now = timezone.now()
    started = time.perf_counter()
    fixtures_delete()
    orgs = organisations_make()
    templates = service_tickets_make(orgs, now)
    print(f"service tickets made in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    made = len(templates)
    bulk_tickets_add(orgs, templates, args.tickets - made, args.large - SERVICE_LARGE, now)
    tables_analyze()
    large = orgs[0][0].customer
    print(f"data built in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    numbers = list(
        Ticket.objects.filter(customer=large).order_by("?").values_list("number", flat=True)[:200]
    )
    pages: list[tuple[str, Callable[[int], str]]] = [
        ("ticket list", lambda i: "/portal/tickets/"),
        ("ticket list, everything, page 3", lambda i: "/portal/tickets/?everything=1&page=3"),
        ("ticket page", lambda i: f"/portal/tickets/{numbers[i % len(numbers)]}/"),
        ("home page", lambda i: "/portal/"),
    ]
    client = client_make()
    load = os.getloadavg()[0]
    rows: list[dict[str, Any]] = []
    for name, urls in pages:
        wall, cpu = timed(client, urls, args.requests)
        rows.append(
            {
                "page": name,
                "url": urls(0),
                "ms": wall,
                "cpu": cpu,
                "queries": queries_of(client, urls(0)),
            }
        )
        print(f"measured {name}", file=sys.stderr)

    bench = Ticket.objects.filter(customer__code__startswith=PREFIX)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(
        f"tickets: {Ticket.objects.count():,} in the table, {bench.count():,} of "
        f"{ORGANISATIONS} bench organisations; large organisation {large.code}: "
        f"{Ticket.objects.filter(customer=large).count():,} tickets"
    )
    print(
        f"user: its support services manager; {args.requests} requests per page after 5 "
        "warm-up requests; ms = GET through the WSGI handler, in process; queries and their SQL ms "
        "= one more request"
    )
    print(
        f"load average (1 min) at start / end of the requests: {load:.1f} / "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print()
    print(report(rows))
    for row in rows:
        if not (args.explain or p95(row["ms"]) >= TARGET_P95_MS):
            continue
        slowest = max(row["queries"], key=lambda q: float(q["time"]))
        ms = float(slowest["time"]) * 1000
        print(f"\n{row['page']} ({row['url']}): slowest of its {len(row['queries'])} queries")
        print(f"({ms:.1f} ms when captured):\n\n{slowest['sql']}\n")
        print(explain(slowest["sql"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000, help="bench tickets in all")
    parser.add_argument("--large", type=int, default=5000, help="of the large organisation")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--explain", action="store_true", help="plans of every slowest query")
    parser.add_argument("--keep", action="store_true", help="leave the bench data in place")
    args = parser.parse_args()
    var = broker_dir_make()
    url = database_url()
    postgres_database_ensure(url)
    django_setup(url)
    try:
        run(args)
    finally:
        if not args.keep:
            fixtures_delete()
        var_dir_remove(var)
    return 0


if __name__ == "__main__":
    sys.exit(main())
