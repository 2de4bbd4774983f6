"""The 100,000-ticket database of the back-office benches (bench_dashboard.py,
bench_review_pack.py), in one place: a fresh PostgreSQL database beside the configured one,
bench customers with a contract each spread over onITnow ONS, Microsoft Advanced and CBG
Extra, a few tickets per contract and priority level made through ``ticket_create`` as
templates, and the bulk-inserted rest (bypassing the service for speed) with creation times
over the last twelve months, statuses, first response, resolution and due times consistent
with their SLA clocks (about one response in five late, open tickets with running clocks, some
breaching today), a few exempt or vendor-owned, and escalations on a share of the missed
clocks.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench_ticket_create import CUSTOMERS, database_url, django_setup, var_dir_make, var_dir_remove

PREFIX = "bench-dash-"
NUMBER_PREFIX = "BD-"
SEED = 7
BATCH = 5000
HOUR = 3600
# Wall-clock approximations of the targets per rank: (response, resolution) seconds.
BUDGETS = {1: (2 * HOUR, 8 * HOUR), 2: (6 * HOUR, 30 * HOUR), 3: (18 * HOUR, 72 * HOUR)}
BUDGET_DEFAULT = (24 * HOUR, 120 * HOUR)
OPEN = ("new", "in_progress", "waiting_for_customer", "waiting_for_vendor")
# (status, weight) of tickets older than a month; younger ones are open more often.
OLD_MIX = (("closed", 88), ("resolved", 4), ("cancelled", 4), ("in_progress", 4))
YOUNG_MIX: tuple[tuple[str, int], ...] = (
    ("closed", 40),
    ("resolved", 15),
    ("cancelled", 5),
    ("new", 12),
    ("in_progress", 18),
    ("waiting_for_customer", 6),
    ("waiting_for_vendor", 4),
)


# --- Set-up --------------------------------------------------------------------------------------
def fresh_database_url(url: str, suffix: str = "_dashboard") -> str:
    """The bench's own database beside the configured one (its name + `suffix`), dropped and
    created empty."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise SystemExit("the back-office benches need PostgreSQL (DATABASE_URL=postgres://...)")
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/") + suffix
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def kept_database_url(url: str, suffix: str = "_dashboard") -> str:
    """The bench's database a --keep run left (its name + `suffix`), as it is."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") + suffix
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def database_drop(url: str) -> None:
    import psycopg
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    parts = urlsplit(url)
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        name = sql.Identifier(parts.path.lstrip("/"))
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def fresh_database_run(
    suffix: str, run: Callable[[str, Path], None], *, keep: bool, reuse: bool = False
) -> None:
    """`run(url, var)` in the bench's own fresh database (the configured one's name + `suffix`,
    migrated, the catalogue loaded) beside a throw-away var/ (its filesystem broker); both are
    removed afterwards, the database not with `keep`. With `reuse` the database a `keep` run
    left is used as it is (migrated) and kept."""
    var = broker_dir_make()
    url = (kept_database_url if reuse else fresh_database_url)(database_url(), suffix)
    django_setup(url)
    try:
        run(url, var)
    finally:
        if not (keep or reuse):
            database_drop(url)
        var_dir_remove(var)


def broker_dir_make() -> Path:
    """A throw-away var/ for this process: the filesystem broker writes its messages there."""
    return var_dir_make(prefix="bench-dashboard-")


def contracts_make(count: int) -> list[tuple[Any, Any, tuple[dict[str, Any], ...]]]:
    """(contract, named contact, priority answers) per bench customer, providers in turn."""
    from contracts.models import Contact, ContactRole, Contract, Customer, Package

    made = []
    for n in range(count):
        spec = CUSTOMERS[n % len(CUSTOMERS)]
        package = Package.objects.select_related("release__provider").get(
            release__is_current=True, release__provider__code=spec.provider, code=spec.package
        )
        customer = Customer.objects.create(code=f"{PREFIX}{n:03d}", name=f"Bench klant {n:03d}")
        contract = Contract.objects.create(
            reference=f"{customer.code}-contract",
            customer=customer,
            provider=package.release.provider,
            package=package,
            start_date=date(2020, 1, 1),
        )
        contact = Contact.objects.create(
            customer=customer, name=f"Contact {n:03d}", email=f"c@{customer.code}.example"
        )
        ContactRole.objects.create(contact=contact, contract=contract, role="named_contact")
        made.append((contract, contact, spec.levels))
    return made


def templates_make(contracts: list[Any], now: datetime) -> list[Any]:
    """One ticket per contract and priority answer through the service: the bulk rows copy
    their SLA basis (package, policy, target, calendar, rank, precedence)."""
    from tickets.models import Ticket
    from tickets.services import TicketCreateInput, ticket_create

    made = []
    for contract, contact, levels in contracts:
        for k, answers in enumerate(levels):
            fields: dict[str, Any] = {"request_type": "incident", **answers}
            ticket = ticket_create(
                data=TicketCreateInput(
                    contact=contact,
                    channel=("portal", "email", "api")[k % 3],
                    subject=f"Dashboard bench template {contract.reference} {k}",
                    description="Created by bench/bench_dashboard.py.",
                    **fields,
                ),
                now=now - timedelta(days=400, minutes=k),
            )
            made.append(ticket.pk)
    Ticket.objects.filter(pk__in=made).update(next_check_at=None)
    return list(Ticket.objects.filter(pk__in=made).order_by("pk"))


# --- Bulk rows -----------------------------------------------------------------------------------
def _times(row: dict[str, Any], rng: random.Random, now: datetime) -> None:
    """Status, life-cycle times and due times of one bulk ticket, consistent with each other."""
    young = rng.random() < 0.08
    age = rng.randint(600, 30 * 86400) if young else rng.randint(30 * 86400, 365 * 86400)
    created = now - timedelta(seconds=age)
    mix = YOUNG_MIX if young else OLD_MIX
    status = rng.choices([s for s, _ in mix], [w for _, w in mix])[0]
    rank = row["priority_rank"]
    response, resolution = BUDGETS.get(rank, BUDGET_DEFAULT)
    first_at = created + timedelta(seconds=response * rng.uniform(0.05, 1.25))
    resolved_at = max(first_at, created + timedelta(seconds=resolution * rng.uniform(0.1, 1.15)))
    first: datetime | None = first_at
    resolved: datetime | None = resolved_at
    if status == "new" or first_at > now:
        first = None
    if status in OPEN or resolved_at > now:
        resolved = None
        if status not in OPEN:
            status = "in_progress"
    closed: datetime | None = None
    if status == "closed" and resolved is not None:
        closed = resolved + timedelta(days=5)
        if closed > now:
            status, closed = "resolved", None
    if status == "cancelled":
        first, resolved = None, None
        closed = min(created + timedelta(hours=2), now)
    response_due = created + timedelta(seconds=response) if rank else None
    resolution_due = created + timedelta(seconds=resolution) if rank else None
    if status == "waiting_for_customer":
        resolution_due = None  # paused: no due time (D6)
    running = [
        d for d, stop in ((response_due, first), (resolution_due, resolved)) if d and not stop
    ]
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
        earliest_due_at=min(running) if status in OPEN and running else None,
        next_check_at=None,
        sla_exempt_reason="customer did not give access (TKT-07)" if rng.random() < 0.01 else "",
        resolution_vendor_owned=rng.random() < 0.01,
    )


def _clocks(ticket: Any) -> list[Any]:
    """Response and resolution clocks of a bulk ticket, consistent with its times."""
    from tickets.models import Metric, SlaClock

    if not ticket.priority_rank:
        return []
    response, resolution = BUDGETS.get(ticket.priority_rank, BUDGET_DEFAULT)
    cancelled = ticket.status == "cancelled"
    clocks = []
    for metric, budget, due, stop in (
        (Metric.RESPONSE, response, ticket.response_due_at, ticket.first_response_at),
        (Metric.RESOLUTION, resolution, ticket.resolution_due_at, ticket.resolved_at),
    ):
        stop = ticket.closed_at if cancelled else stop
        met = None if cancelled or stop is None or due is None else stop <= due
        clocks.append(
            SlaClock(
                ticket_id=ticket.pk,
                metric=metric,
                budget_seconds=budget,
                started_at=ticket.created_at,
                due_at=due,
                stopped_at=stop,
                met=met,
            )
        )
    return clocks


def _escalations(clocks: list[Any], now: datetime) -> list[Any]:
    """A level-1 escalation at the due time of one in three missed clocks (a warning when the
    clock still made it), one per ticket at most."""
    from escalation.models import Escalation

    made, seen = [], set()
    for k, clock in enumerate(clocks):
        late = clock.due_at and clock.met is not True and (clock.stopped_at or now) > clock.due_at
        if not late or k % 3 or clock.ticket_id in seen or clock.due_at > now:
            continue
        seen.add(clock.ticket_id)
        made.append(
            Escalation(
                ticket_id=clock.ticket_id,
                level=1,
                reason=f"{clock.metric}_breach",
                clock_version=1,
                raised_at=clock.due_at,
                resolved_at=clock.stopped_at,
            )
        )
    return made


def bulk_tickets_add(
    contracts: list[Any],
    templates: list[Any],
    count: int,
    now: datetime,
    *,
    number_prefix: str = NUMBER_PREFIX,
    seed: int = SEED,
) -> tuple[int, int]:
    """`count` tickets spread over the contracts, inserted in order of registration and numbered
    `number_prefix` + a sequence in that order; (clocks, escalations) made."""
    from escalation.models import Escalation
    from tickets.models import SlaClock, Ticket

    rng = random.Random(seed)
    fields = [f.attname for f in Ticket._meta.concrete_fields if not f.primary_key]
    per_contract: dict[int, list[dict[str, Any]]] = {}
    for t in templates:
        per_contract.setdefault(t.contract_id, []).append({n: getattr(t, n) for n in fields})
    bases = [per_contract[c.pk] for c, _, _ in contracts]
    batch: list[Any] = []
    totals = [0, 0]

    def flush() -> None:
        made = Ticket.objects.bulk_create(batch)
        clocks = [c for t in made for c in _clocks(t)]
        SlaClock.objects.bulk_create(clocks, batch_size=BATCH)
        raised = Escalation.objects.bulk_create(_escalations(clocks, now), batch_size=BATCH)
        totals[0] += len(clocks)
        totals[1] += len(raised)
        batch.clear()

    rows = []
    for i in range(count):
        options = bases[i % len(bases)]
        row = dict(options[(i // len(bases)) % len(options)])
        _times(row, rng, now)
        row["subject"] = f"Bench ticket {i}: {('VPN', 'printer', 'mailbox', 'laptop')[i % 4]} issue"
        rows.append(row)
    # In the order a desk writes them: a ticket's row (and number) comes when it is registered,
    # so the table's physical order follows created_at, as in production.
    rows.sort(key=lambda row: row["created_at"])
    for n, row in enumerate(rows):
        row["number"] = f"{number_prefix}{n:07d}"
        batch.append(Ticket(**row))
        if len(batch) == BATCH:
            flush()
    if batch:
        flush()
    return totals[0], totals[1]


def tables_analyze() -> None:
    from django.db import connection

    from escalation.models import Escalation
    from tickets.models import SlaClock, Ticket

    with connection.cursor() as cursor:
        for model in (Ticket, SlaClock, Escalation):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def rollup(now: datetime) -> str:
    """The beat's roll-up of the months that are over (what a running desk has already: the
    beat runs it every FIGURES_ROLLUP_SECONDS), every month counted again (`manage.py
    figures_rollup --again`): the bench's bulk inserts send no signal that marks a month."""
    from tickets.services.figures import figures_months_outdate, figures_rollup

    started = time.perf_counter()
    figures_months_outdate()
    months = figures_rollup(now=now, limit=10_000)
    return f"{len(months)} months rolled up in {time.perf_counter() - started:.1f} s"
