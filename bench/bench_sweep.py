"""Benchmark ``escalation.services.sweep.escalation_sweep`` (issue #16): a sweep with 100 due
out of 100,000 open tickets, half of which fire, in <= 300 ms, and its time per fired escalation
(compared with django-helpdesk's per escalated ticket); the sweep time at 100,000 open tickets
within 1.5x of that at 10,000.

Run from the repository root: ``python bench/bench_sweep.py [--sizes 10000,100000] [--runs 10]
[--profile]``. Uses DATABASE_URL if set, else a local PostgreSQL database ``servicedesk_bench``
(created when missing), like bench_ticket_create.py. A bench customer ``bench-sweep-ons`` gets an
onITnow ONS contract; the DUE tickets are made through ``ticket_create`` (most moved to in
progress through ``ticket_transition``): real clocks, segments and a check time in the past.
FIRE of them cross a threshold at the sweep's time (a warning, a breach, a level-2 timer), the
others only have their check come (a new ticket, a change that asks for a check) and are
re-planned. A dry-run sweep picks them from candidates of many ages, so the split is exact. The
other open tickets are bulk-inserted copies whose check time lies in the future.

Each measured sweep checks the DUE tickets; before each, their check time is put back and the
escalations, events, webhook events and outbox rows the sweep wrote are deleted, so every run
does the same work. Sweeps that fire and sweeps with nothing new to fire (the same tickets, the
escalations kept) are interleaved. Queries are counted on one more sweep of each kind; the
queries of a fired escalation are those the firing sweep makes beyond the re-planning one.
``--profile`` prints a cProfile and the queries grouped by statement of one firing sweep at the
largest size. The bench customer's tickets are deleted before and after the run. Celery publishes
go to a filesystem broker in a temporary directory (SERVICEDESK_VAR_DIR), never to var/. When
``make bench-peer`` has run, each size's sweeps are followed by django-helpdesk 2.6.1's
``escalate_tickets`` on DUE due tickets, as many runs (bench/peer/driver.py escalate), and the
time per fired escalation is printed against its time per escalated ticket (issue #16 aim:
<= 0.5x).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench_portal import grid, p95
from bench_ticket_create import (
    database_url,
    django_setup,
    postgres_database_ensure,
    var_dir_make,
    var_dir_remove,
)
from peer_client import NOT_INSTALLED, peer_available, peer_run, ratio_median

CUSTOMER = "bench-sweep-ons"
NUMBER_PREFIX = "SWB-"  # bulk-inserted fixtures; service-made tickets get SD- numbers
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # a Wednesday, 11:00 in Amsterdam
DUE = 100
FIRE = 50  # of the DUE tickets, those that cross a threshold at NOW
STAFF = (
    ("bench-sweep-eng1", "First line"),
    ("bench-sweep-eng2", "First line"),
    ("bench-sweep-coord", "Support coordinator"),
)
TARGET_MS = 300
TARGET_RATIO = 1.5
TARGET_PEER = 0.5  # ours per fired escalation / django-helpdesk's per escalated ticket, issue #16
LEVELS: tuple[dict[str, Any], ...] = (
    {"priority_level": "top"},
    {"priority_level": "hoog"},
    {"priority_level": "gemiddeld"},
    {"priority_level": "laag"},
    {"impact_scope": "multiple_users", "impact_effect": "degraded"},
    {"impact_scope": "single_user", "impact_effect": "degraded"},
)


# --- Set-up --------------------------------------------------------------------------------------
def broker_dir_make() -> Path:
    """A throw-away var/ for this process: the filesystem broker writes its messages there."""
    return var_dir_make(prefix="bench-sweep-")


def bench_contract() -> tuple[Any, list[Any]]:
    """The bench customer's ONS contract and its two named contacts."""
    from contracts.models import Contact, ContactRole, Contract, Customer, Package

    customer, _ = Customer.objects.get_or_create(code=CUSTOMER, defaults={"name": CUSTOMER})
    package = Package.objects.select_related("release__provider").get(
        release__is_current=True, release__provider__code="onitnow", code="ons"
    )
    contract, _ = Contract.objects.get_or_create(
        reference=f"{CUSTOMER}-contract",
        defaults={
            "customer": customer,
            "provider": package.release.provider,
            "package": package,
            "start_date": date(2020, 1, 1),
        },
    )
    contacts = []
    for key in ("sweep.a", "sweep.b"):
        contact, _ = Contact.objects.get_or_create(
            customer=customer, email=f"{key}@{CUSTOMER}.example", defaults={"name": key}
        )
        ContactRole.objects.get_or_create(contact=contact, contract=contract, role="named_contact")
        contacts.append(contact)
    return contract, contacts


def bench_staff() -> list[Any]:
    """Who works the bench tickets and hears of their escalations: two first-line engineers and
    a support coordinator (a warning goes to the assignee, else the line, and the coordinators;
    a level 1 to the contract's escalation contacts, and the engineers hear of it)."""
    from django.contrib.auth.models import Group, User

    from notifications.services.recipients import COORDINATOR_GROUP, LINE_GROUPS

    users = []
    for name, group in STAFF:
        user, _ = User.objects.get_or_create(
            username=name, defaults={"email": f"{name}@{CUSTOMER}.example", "is_staff": True}
        )
        user.groups.add(Group.objects.get_or_create(name=group)[0])
        users.append(user)
    assert {g for _, g in STAFF} == {LINE_GROUPS["first"], COORDINATOR_GROUP}
    return users


def tickets_delete(tickets: Any) -> None:
    """Service-made tickets with what hangs off them (their outbox rows first)."""
    from notifications.models import OutboxEmail

    OutboxEmail.objects.filter(ticket__in=tickets).delete()
    tickets.delete()


def fixtures_delete() -> None:
    """Every ticket of the bench customer, with what hangs off it, and the bench's staff."""
    from django.contrib.auth.models import User
    from django.db import connection

    from tickets.models import Ticket

    bulk = Ticket.objects.filter(number__startswith=NUMBER_PREFIX, customer__code=CUSTOMER)
    bulk._raw_delete(connection.alias)  # bench rows with no clocks, events or escalations
    tickets_delete(Ticket.objects.filter(customer__code=CUSTOMER))
    User.objects.filter(username__in=[name for name, _ in STAFF]).delete()


# --- Fixtures ------------------------------------------------------------------------------------
def candidate_make(contact: Any, i: int, age: timedelta, assignee: Any | None) -> Any:
    """A ticket through the services, created `age` before NOW; worked on (in progress,
    assigned to `assignee` or left to its line) when older than ten minutes."""
    from tickets.models import Status
    from tickets.services import TicketCreateInput, ticket_assign, ticket_create, ticket_transition

    data = TicketCreateInput(
        contact=contact,
        request_type="incident",
        channel=("portal", "email", "api")[i % 3],
        subject=f"Sweep bench ticket {i}",
        description="Created by bench/bench_sweep.py.",
        **LEVELS[i % len(LEVELS)],
    )
    created = NOW - age
    ticket = ticket_create(data=data, now=created)
    if age > timedelta(minutes=10):
        ticket = ticket_transition(
            ticket=ticket, to_status=Status.IN_PROGRESS, now=created + timedelta(minutes=5)
        )
        if assignee is not None:
            ticket = ticket_assign(
                ticket=ticket, assignee=assignee, now=created + timedelta(minutes=6), actor=assignee
            )
    assert ticket.next_check_at is not None
    assert ticket.next_check_at <= NOW
    return ticket


def fired_levels(ids: list[int]) -> dict[int, int]:
    """ticket -> the highest level a sweep at NOW fires for it: a sweep in a transaction that is
    rolled back."""
    from django.db import transaction
    from django.db.models import Max

    from escalation.models import Escalation
    from escalation.services.sweep import escalation_sweep

    with transaction.atomic():
        escalation_sweep(now=NOW)
        rows = (
            Escalation.objects.filter(ticket_id__in=ids)
            .values("ticket_id")
            .annotate(top=Max("level"))
            .values_list("ticket_id", "top")
        )
        fired = dict(rows)
        transaction.set_rollback(True)
    return fired


def business_age(budget_seconds: int, share: float, calendar: Any) -> timedelta:
    """How long before NOW a clock must start to have used `share` of its business-time budget
    at NOW (searched a minute at a time)."""
    from contracts.businesstime import elapsed

    wanted = timedelta(seconds=budget_seconds * share)
    age = timedelta(minutes=1)
    while elapsed(NOW - age, NOW, calendar) < wanted:
        age += timedelta(minutes=1)
    return age


def due_tickets_make(contacts: list[Any], staff: list[Any]) -> dict[int, datetime]:
    """DUE tickets through the services, FIRE of which fire at NOW (half a warning at 80-95 % of
    the response target, half a response breach), the others new tickets whose first check only
    plans; every other ticket in progress is assigned. pk -> next_check_at. A dry-run sweep
    checks the split."""
    from contracts.calendars import calendar_for
    from tickets.models import SlaClock

    engineer = staff[0]
    # Breaches: three days back from a Wednesday morning is more than 18 business hours.
    breached = [
        candidate_make(contacts[i % 2], i, timedelta(days=3, minutes=17 * i), engineer)
        for i in range(FIRE - FIRE // 2)
    ]
    budgets = {
        i % len(LEVELS): (
            SlaClock.objects.get(ticket=t, metric="response").budget_seconds,
            calendar_for(t.calendar),
        )
        for i, t in enumerate(breached[: len(LEVELS)])
    }
    warned = []
    for i in range(FIRE // 2):
        budget, calendar = budgets[i % len(LEVELS)]
        age = business_age(budget, 0.80 + 0.15 * i / (FIRE // 2), calendar)
        warned.append(candidate_make(contacts[i % 2], i, age, None if i % 2 else engineer))
    quiet = [
        candidate_make(contacts[i % 2], i, timedelta(seconds=600 - 5 * i), None)
        for i in range(DUE - FIRE)
    ]
    levels = fired_levels([t.pk for t in breached + warned + quiet])
    split = Counter(min(levels.get(t.pk, -1), 1) for t in breached + warned + quiet)
    if split != {1: len(breached), 0: len(warned), -1: len(quiet)}:
        raise RuntimeError(f"fixtures fire {dict(split)} (-1: nothing), not as designed")
    return {t.pk: t.next_check_at for t in breached + warned + quiet}


def open_tickets_add(templates: list[Any], start: int, stop: int) -> None:
    """Bulk-insert open tickets `start`..`stop` (copies of the templates), checks in the future."""
    from tickets.models import Ticket

    fields = [f.attname for f in Ticket._meta.concrete_fields if not f.primary_key]
    rows = [{name: getattr(t, name) for name in fields} for t in templates]
    batch: list[Ticket] = []
    for i in range(start, stop):
        row = dict(rows[i % len(rows)])
        created = NOW - timedelta(minutes=(i * 37) % (60 * 24 * 60))
        row.update(
            number=f"{NUMBER_PREFIX}{i:07d}",
            subject=f"Open bench ticket {i}",
            created_at=created,
            updated_at=created,
            next_check_at=NOW + timedelta(seconds=60 + (i * 7919) % (30 * 86400)),
        )
        batch.append(Ticket(**row))
        if len(batch) == 5000:
            Ticket.objects.bulk_create(batch)
            batch = []
    Ticket.objects.bulk_create(batch)


# --- Measurements --------------------------------------------------------------------------------
def due_reset(due: dict[int, datetime], keep_fired: bool = False) -> None:
    """Undo one sweep: check times back in the past and (unless `keep_fired`) its escalations,
    events, webhook events and emails gone. With `keep_fired` the next sweep only re-plans."""
    from escalation.models import Escalation
    from notifications.models import OutboxEmail, WebhookEvent
    from tickets.models import Ticket, TicketEvent

    if not keep_fired:
        OutboxEmail.objects.filter(ticket_id__in=due, created_at=NOW).delete()
        Escalation.objects.filter(ticket_id__in=due).delete()
        TicketEvent.objects.filter(ticket_id__in=due, kind="escalated").delete()
        WebhookEvent.objects.filter(ticket_id__in=due, created_at=NOW).delete()
    rows = [Ticket(pk=pk, next_check_at=at) for pk, at in due.items()]
    Ticket.objects.bulk_update(rows, ["next_check_at"])


def sweep_once(due: dict[int, datetime], keep_fired: bool = False) -> tuple[float, int, int]:
    """One sweep from the reset state: (milliseconds, tickets checked, escalations fired)."""
    from escalation.services.sweep import escalation_sweep

    due_reset(due, keep_fired)
    started = time.perf_counter()
    result = escalation_sweep(now=NOW)
    elapsed = (time.perf_counter() - started) * 1000
    if result.checked != len(due):
        raise RuntimeError(f"sweep checked {result.checked} tickets, expected {len(due)}")
    return elapsed, result.checked, result.fired


def sweep_queries(due: dict[int, datetime], keep_fired: bool = False) -> list[str]:
    """The SQL statements of one sweep (an extra, unmeasured run)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from escalation.services.sweep import escalation_sweep

    due_reset(due, keep_fired)
    connection.queries_log.clear()  # a full log (9,000 entries) would make the count 0
    with CaptureQueriesContext(connection) as ctx:
        escalation_sweep(now=NOW)
    return [q["sql"] for q in ctx.captured_queries]


def fired_tickets(due: dict[int, datetime]) -> int:
    """How many of the due tickets the last firing sweep escalated."""
    from escalation.models import Escalation

    return Escalation.objects.filter(ticket_id__in=due).values("ticket_id").distinct().count()


def selection_plan() -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the sweep's selection query (its first page)."""
    from tickets.models import Ticket

    page = (
        Ticket.objects.filter(next_check_at__lte=NOW)
        .order_by("next_check_at", "pk")
        .values_list("next_check_at", "pk")[:200]
    )
    return f"{page.query}\n\n{page.explain(analyze=True, buffers=True)}"


def table_analyze() -> None:
    """Fresh planner statistics after the bulk insert and no dead rows of earlier runs, as
    autovacuum would leave the table."""
    from django.db import connection

    from tickets.models import Ticket

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Ticket._meta.db_table}")


def size_measure(due: dict[int, datetime], runs: int) -> dict[str, Any]:
    """A warm-up sweep of each kind, then `runs` measured pairs (firing, re-planning only),
    interleaved so both see the same machine, at the current table size."""
    from tickets.models import OPEN_STATUSES, Ticket

    table_analyze()
    sweep_once(due)  # warm-up: connections, caches, the broker's first publish
    sweep_once(due, keep_fired=True)
    fire: list[float] = []
    replan: list[float] = []
    fired = 0
    for _ in range(runs):
        ms, _checked, fired = sweep_once(due)
        fire.append(ms)
        replan.append(sweep_once(due, keep_fired=True)[0])
    queries = sweep_queries(due)
    return {
        "open": Ticket.objects.filter(customer__code=CUSTOMER, status__in=OPEN_STATUSES).count(),
        "due": len(due),
        "fired": fired,
        "fired_tickets": fired_tickets(due),
        "ms": fire,
        "replan_ms": replan,
        "queries": len(queries),
        "replan_queries": len(sweep_queries(due, keep_fired=True)),
        # django-helpdesk's escalate_tickets on DUE due tickets, right after ours (same run)
        "peer": peer_run("escalate", n=DUE, repeat=runs) if peer_available() else None,
    }


def figures(r: dict[str, Any]) -> dict[str, float]:
    """The per-sweep, per-due-ticket and per-fired-escalation figures of one size."""
    median = statistics.median(r["ms"])
    fired = max(r["fired"], 1)
    return {
        "median": median,
        "p95": p95(r["ms"]),
        "per_due": median / r["due"],
        "per_fired": median / fired,
        "replan": statistics.median(r["replan_ms"]),
        "queries_per_fired": (r["queries"] - r["replan_queries"]) / fired,
    }


# --- Report --------------------------------------------------------------------------------------
def report(results: list[dict[str, Any]]) -> str:
    head = (
        "open tickets",
        "due",
        "fired tickets",
        "fired escalations",
        "sweep ms median",
        "p95",
        "ms per due ticket",
        "ms per fired escalation",
        "queries per sweep",
        "queries per fired escalation",
        "ms, nothing new to fire",
        "its queries",
    )
    rows = []
    for r in results:
        f = figures(r)
        rows.append(
            (
                f"{r['open']:,}",
                str(r["due"]),
                str(r["fired_tickets"]),
                str(r["fired"]),
                f"{f['median']:.1f}",
                f"{f['p95']:.1f}",
                f"{f['per_due']:.2f}",
                f"{f['per_fired']:.2f}",
                str(r["queries"]),
                f"{f['queries_per_fired']:.1f}",
                f"{f['replan']:.1f}",
                str(r["replan_queries"]),
            )
        )
    lines = [grid(head, rows), ""]
    lines.append(
        "ms per due ticket and per fired escalation: the sweep's median over its due tickets and "
        "over the escalations it fired; queries per fired escalation: the firing sweep's queries "
        "beyond those of the same sweep with nothing new to fire, over the escalations fired."
    )
    lines.append(
        f"target: <= {TARGET_MS} ms per sweep of {DUE} due, {FIRE} firing; "
        f"largest / smallest median <= {TARGET_RATIO}"
    )
    medians = [statistics.median(r["ms"]) for r in results]
    if len(medians) > 1:
        lines.append(f"median ratio largest / smallest: {medians[-1] / medians[0]:.2f}")
        replans = [statistics.median(r["replan_ms"]) for r in results]
        lines.append(f"same, when nothing new fires: {replans[-1] / replans[0]:.2f}")
    return "\n".join(lines)


def peer_report(results: list[dict[str, Any]]) -> str:
    """Time per fired escalation (and per due ticket) against django-helpdesk's time per escalated
    ticket: medians of the per-run ratios of times, < 1 = ours faster."""
    if not results[0]["peer"]:
        return NOT_INSTALLED
    head = (
        "open tickets",
        "ours ms/fired",
        "ours ms/due",
        "peer ms/escalated",
        "time ours/peer, per fired",
        "per due",
    )
    rows = []
    for r in results:
        peer = [s * 1000 for s in r["peer"]["seconds"]]
        fired = [ms / max(r["fired"], 1) for ms in r["ms"]]
        per_due = [ms / r["due"] for ms in r["ms"]]
        rows.append(
            (
                f"{r['open']:,}",
                f"{statistics.median(fired):.2f}",
                f"{statistics.median(per_due):.2f}",
                f"{statistics.median(peer):.2f}",
                f"{ratio_median(fired, peer):.2f}",
                f"{ratio_median(per_due, peer):.2f}",
            )
        )
    peer_q = results[0]["peer"]["queries"][0]
    return (
        f"django-helpdesk 2.6.1 escalate_tickets, {DUE} due tickets, {peer_q:.1f} queries each\n"
        + grid(head, rows)
        + f"\naim: time per fired escalation <= {TARGET_PEER} x the peer's per escalated ticket"
    )


def statement_kind(sql: str) -> str:
    """A statement with its values blanked, to group a sweep's queries."""
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    sql = re.sub(r"\((\?, )+\?\)", "(...)", sql)
    return re.sub(r"(\(\.\.\.\), )+\(\.\.\.\)", "(...), ...", sql)[:150]


def profile(due: dict[int, datetime]) -> str:
    """cProfile of one firing sweep and its queries grouped by statement."""
    from escalation.services.sweep import escalation_sweep

    kinds = Counter(statement_kind(sql) for sql in sweep_queries(due))
    due_reset(due)
    profiler = cProfile.Profile()
    profiler.runcall(escalation_sweep, now=NOW)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
    lines = [f"{n:5d}  {kind}" for kind, n in kinds.most_common()]
    return (
        "Queries of one firing sweep, by statement:\n" + "\n".join(lines) + "\n\n" + out.getvalue()
    )


def other_due() -> int:
    """Tickets of other benches that a sweep at NOW would also pick up (should be none)."""
    from tickets.models import Ticket

    return Ticket.objects.filter(next_check_at__lte=NOW).exclude(customer__code=CUSTOMER).count()


def run(sizes: list[int], runs: int, with_profile: bool) -> None:
    from django.db import connection

    from tickets.models import Ticket

    fixtures_delete()
    if other_due():
        raise RuntimeError(f"{other_due()} other tickets are due at {NOW}; the sweep would mix")
    _, contacts = bench_contract()
    due = due_tickets_make(contacts, bench_staff())
    templates = list(Ticket.objects.filter(pk__in=due).order_by("pk"))
    results, made = [], DUE
    for size in sizes:
        open_tickets_add(templates, made, size)
        made = max(made, size)
        results.append(size_measure(due, runs))
        print(f"measured {size:,} open tickets", file=sys.stderr)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; sweep now = {NOW}")
    print(
        f"{runs} measured sweeps of each kind per size after one warm-up, interleaved; "
        "ms = wall time of escalation_sweep"
    )
    print()
    print(report(results))
    print()
    print(peer_report(results))
    if with_profile:
        print()
        print(profile(due))
    due_reset(due)  # the due tickets are due again, as before a sweep
    print(f"\nSweep selection query at {made:,} open tickets, {len(due)} due:\n")
    print(selection_plan())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="open tickets, comma-separated")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--profile", action="store_true", help="profile one firing sweep")
    args = parser.parse_args()
    if args.runs < 2:
        parser.error("--runs: at least 2 (a p95 needs two sweeps)")
    sizes = sorted(int(s) for s in args.sizes.split(","))
    var = broker_dir_make()
    url = database_url()
    postgres_database_ensure(url)
    django_setup(url)
    try:
        run(sizes, args.runs, args.profile)
    finally:
        fixtures_delete()
        var_dir_remove(var)
    return 0


if __name__ == "__main__":
    sys.exit(main())
