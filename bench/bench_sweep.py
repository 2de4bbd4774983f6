"""Benchmark ``escalation.services.sweep.escalation_sweep`` (issue target: <= 200 ms per sweep of
100 due tickets, and the sweep time at 100,000 open tickets within 1.5x of that at 10,000).

Run from the repository root: ``python bench/bench_sweep.py [--sizes 10000,100000] [--runs 5]``.
Uses DATABASE_URL if set, else a local PostgreSQL database ``servicedesk_bench`` (created when
missing), like bench_ticket_create.py. A bench customer ``bench-sweep-ons`` gets an onITnow ONS
contract; DUE tickets are made through ``ticket_create`` and moved to in progress through
``ticket_transition`` (real clocks, segments and a check time in the past); the other open tickets
are bulk-inserted copies of them whose check time lies in the future. Each measured sweep checks
the DUE tickets; between runs their check time is put back and the escalations, events and
outbox rows the sweep wrote are deleted, so every run does the same work. The bench customer's
tickets are deleted before and after the run. Celery publishes go to a filesystem broker in a
temporary directory (SERVICEDESK_VAR_DIR), never to var/. When ``make bench-peer`` has run, each
size's sweeps are followed by django-helpdesk 2.6.1's ``escalate_tickets`` on DUE due tickets, as
many runs (bench/peer/driver.py escalate), and the time per fired escalation is printed against
its time per escalated ticket (issue #16 aim: <= 0.5x).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench_portal import grid
from bench_ticket_create import database_url, django_setup, postgres_database_ensure
from peer_client import NOT_INSTALLED, peer_available, peer_run, ratio_median

CUSTOMER = "bench-sweep-ons"
NUMBER_PREFIX = "SWB-"  # bulk-inserted fixtures; service-made tickets get SD- numbers
NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # a Wednesday, 11:00 in Amsterdam
DUE = 100
TARGET_MS = 200
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
    var = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    for sub in ("celery/broker", "celery/processed", "mail"):
        (var / sub).mkdir(parents=True)
    os.environ["SERVICEDESK_VAR_DIR"] = str(var)
    os.environ["CELERY_BROKER_URL"] = "filesystem://"
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
    return var


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


def fixtures_delete() -> None:
    """Every ticket of the bench customer, with what hangs off it."""
    from django.db import connection

    from notifications.models import OutboxEmail
    from tickets.models import Ticket

    mine = Ticket.objects.filter(customer__code=CUSTOMER)
    OutboxEmail.objects.filter(ticket__in=mine).delete()
    bulk = Ticket.objects.filter(number__startswith=NUMBER_PREFIX, customer__code=CUSTOMER)
    bulk._raw_delete(connection.alias)  # bench rows with no clocks, events or escalations
    mine.delete()


# --- Fixtures ------------------------------------------------------------------------------------
def due_tickets_make(contacts: list[Any]) -> dict[int, datetime]:
    """DUE tickets through the services, created 20 min to ~3 days ago; pk -> next_check_at."""
    from tickets.models import Status
    from tickets.services import TicketCreateInput, ticket_create, ticket_transition

    due: dict[int, datetime] = {}
    for i in range(DUE):
        created = NOW - timedelta(minutes=20 + 43 * i)
        data = TicketCreateInput(
            contact=contacts[i % len(contacts)],
            request_type="incident",
            channel=("portal", "email", "api")[i % 3],
            subject=f"Sweep bench ticket {i}",
            description="Created by bench/bench_sweep.py.",
            **LEVELS[i % len(LEVELS)],
        )
        ticket = ticket_create(data=data, now=created)
        ticket = ticket_transition(
            ticket=ticket, to_status=Status.IN_PROGRESS, now=created + timedelta(minutes=5)
        )
        assert ticket.next_check_at is not None
        assert ticket.next_check_at <= NOW
        due[ticket.pk] = ticket.next_check_at
    return due


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
    events and emails gone. With `keep_fired` the next sweep only re-plans: nothing new fires."""
    from escalation.models import Escalation
    from notifications.models import OutboxEmail
    from tickets.models import Ticket, TicketEvent

    if not keep_fired:
        OutboxEmail.objects.filter(ticket_id__in=due).delete()
        Escalation.objects.filter(ticket_id__in=due).delete()
        TicketEvent.objects.filter(ticket_id__in=due, kind="escalated").delete()
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


def sweep_queries(due: dict[int, datetime]) -> int:
    """SQL statements of one sweep (an extra, unmeasured run)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from escalation.services.sweep import escalation_sweep

    due_reset(due)
    connection.queries_log.clear()  # a full log (9,000 entries) would make the count 0
    with CaptureQueriesContext(connection) as ctx:
        escalation_sweep(now=NOW)
    return len(ctx.captured_queries)


def selection_plan() -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the sweep's selection query (its first keyset page)."""
    from tickets.models import Ticket

    page = (
        Ticket.objects.filter(next_check_at__lte=NOW)
        .order_by("next_check_at", "pk")
        .values_list("next_check_at", "pk")[:200]
    )
    return f"{page.query}\n\n{page.explain(analyze=True, buffers=True)}"


def table_analyze() -> None:
    """Fresh planner statistics after the bulk insert, as autovacuum would give them."""
    from django.db import connection

    from tickets.models import Ticket

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Ticket._meta.db_table}")


def size_measure(due: dict[int, datetime], runs: int) -> dict[str, Any]:
    """A warm-up sweep, then `runs` measured ones, at the current table size."""
    from tickets.models import OPEN_STATUSES, Ticket

    table_analyze()
    sweep_once(due)  # warm-up: connections, caches, the broker's first publish
    timings = [sweep_once(due) for _ in range(runs)]
    ms = [t[0] for t in timings]
    replan = [sweep_once(due, keep_fired=True)[0] for _ in range(runs)]
    return {
        "replan_ms": replan,
        "open": Ticket.objects.filter(customer__code=CUSTOMER, status__in=OPEN_STATUSES).count(),
        "due": timings[0][1],
        "fired": timings[0][2],
        "ms": ms,
        "queries": sweep_queries(due),
        # django-helpdesk's escalate_tickets on DUE due tickets, right after ours (same run)
        "peer": peer_run("escalate", n=DUE, repeat=runs) if peer_available() else None,
    }


# --- Report --------------------------------------------------------------------------------------
def report(results: list[dict[str, Any]]) -> str:
    head = (
        "open tickets",
        "due",
        "median ms per sweep",
        "min",
        "max",
        "fired",
        "queries",
        "median ms, nothing new to fire",
    )
    rows = [
        (
            f"{r['open']:,}",
            str(r["due"]),
            f"{statistics.median(r['ms']):.1f}",
            f"{min(r['ms']):.1f}",
            f"{max(r['ms']):.1f}",
            str(r["fired"]),
            str(r["queries"]),
            f"{statistics.median(r['replan_ms']):.1f}",
        )
        for r in results
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    lines = [" | ".join(h.rjust(w) for h, w in zip(head, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    medians = [statistics.median(r["ms"]) for r in results]
    lines.append("")
    lines.append(
        f"target: <= {TARGET_MS} ms per sweep; largest / smallest median <= {TARGET_RATIO}"
    )
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


def other_due() -> int:
    """Tickets of other benches that a sweep at NOW would also pick up (should be none)."""
    from tickets.models import Ticket

    return Ticket.objects.filter(next_check_at__lte=NOW).exclude(customer__code=CUSTOMER).count()


def run(sizes: list[int], runs: int) -> None:
    from django.db import connection

    from tickets.models import Ticket

    fixtures_delete()
    if other_due():
        raise RuntimeError(f"{other_due()} other tickets are due at {NOW}; the sweep would mix")
    _, contacts = bench_contract()
    due = due_tickets_make(contacts)
    templates = list(Ticket.objects.filter(pk__in=due).order_by("pk"))
    results, made = [], DUE
    for size in sizes:
        open_tickets_add(templates, made, size)
        made = max(made, size)
        results.append(size_measure(due, runs))
        print(f"measured {size:,} open tickets", file=sys.stderr)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; sweep now = {NOW}")
    print(f"{runs} measured sweeps per size after one warm-up; ms = wall time of escalation_sweep")
    print()
    print(report(results))
    print()
    print(peer_report(results))
    due_reset(due)  # the due tickets are due again, as before a sweep
    print(f"\nSweep selection query at {made:,} open tickets, {len(due)} due:\n")
    print(selection_plan())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="open tickets, comma-separated")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    var = broker_dir_make()
    url = database_url()
    postgres_database_ensure(url)
    django_setup(url)
    try:
        run(sizes, args.runs)
    finally:
        fixtures_delete()
        shutil.rmtree(var, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
