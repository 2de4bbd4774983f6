"""Benchmark the staff dashboard and the admin ticket queue (back-office issue §4: "queue and
dashboard keep a bounded number of queries with 100,000 tickets").

Run from the repository root: ``python bench/bench_dashboard.py [--tickets 100000]
[--contracts 30] [--requests 20] [--explain] [--keep]``. Works in a fresh PostgreSQL database
next to the configured one: the name of DATABASE_URL (default ``servicedesk_bench``) with
``_dashboard`` appended, dropped and created at the start and dropped at the end (unless
``--keep``), so the figures see only this bench's rows and no other bench's.

Data (built by bench_data.py, shared with bench_review_pack.py): CONTRACTS bench customers with
a contract each, spread over onITnow ONS, Microsoft
Advanced and CBG Extra (so three providers in the trend). A few tickets per contract and
priority level are made through ``ticket_create``; they are the templates (package, policy,
target, calendar, rank) of the bulk-inserted rest (``BD-`` numbers, bypassing the service for
speed), whose creation times spread over the last twelve months, with statuses, first
response, resolution and due times consistent with their SLA clocks (about one response in
five late, open tickets with running clocks, some breaching today), a few exempt or
vendor-owned, and escalations on a share of the missed clocks. Then VACUUM ANALYZE.

Measured with ``django.test.Client`` (in process: server time, without network) as a
superuser: the dashboard (this month and last month), its CSV, and the admin ticket queue
(default order, a status filter, the "breached" filter, a provider filter), REQUESTS each
after 3 warm-up requests; p50/p95 wall ms and the number of SQL statements of one more
request. Celery publishes go to a filesystem broker in a temporary directory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from typing import Any

from bench_data import (
    PREFIX,
    bulk_tickets_add,
    contracts_make,
    fresh_database_run,
    tables_analyze,
    templates_make,
)
from bench_portal import explain, grid, p95, queries_of

ADMIN = f"{PREFIX}admin"


# --- Measurements --------------------------------------------------------------------------------
def client_make() -> Any:
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.create_superuser(ADMIN, f"{ADMIN}@example.com", None)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def timed(client: Any, url: str, requests: int) -> list[float]:
    """Wall milliseconds of `requests` GETs after 3 warm-up ones; every answer must be 200."""
    for _ in range(3):
        client.get(url)
    wall = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
    return wall


def report(rows: list[dict[str, Any]]) -> str:
    head = ("page", "requests", "p50 ms", "p95 ms", "max ms", "queries", "their SQL ms")
    cells = [
        (
            r["page"],
            str(len(r["ms"])),
            f"{statistics.median(r['ms']):.1f}",
            f"{p95(r['ms']):.1f}",
            f"{max(r['ms']):.1f}",
            str(len(r["queries"])),
            f"{sum(float(q['time']) for q in r['queries']) * 1000:.0f}",
        )
        for r in rows
    ]
    return grid(head, cells)


def pages_of(now: datetime) -> list[tuple[str, str]]:
    from contracts.models import Provider

    last_month = (now.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    provider = Provider.objects.get(code="onitnow").pk
    return [
        ("dashboard, this month", "/admin/backoffice/dashboard/"),
        ("dashboard, last month", f"/admin/backoffice/dashboard/?month={last_month}"),
        ("dashboard CSV", "/admin/backoffice/dashboard.csv"),
        ("queue, default order", "/admin/tickets/ticket/"),
        ("queue, status = in progress", "/admin/tickets/ticket/?status__exact=in_progress"),
        ("queue, breached", "/admin/tickets/ticket/?due=breached"),
        (
            "queue, provider onITnow, page 5",
            f"/admin/tickets/ticket/?provider__id__exact={provider}&p=5",
        ),
    ]


def run(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.utils import timezone

    from tickets.models import SlaClock, Ticket

    now = timezone.now()
    started = time.perf_counter()
    contracts = contracts_make(args.contracts)
    templates = templates_make(contracts, now)
    made = len(templates)
    _, escalations = bulk_tickets_add(contracts, templates, args.tickets - made, now)
    tables_analyze()
    print(f"data built in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    client = client_make()
    load = os.getloadavg()[0]
    rows: list[dict[str, Any]] = []
    for name, url in pages_of(now):
        rows.append(
            {
                "page": name,
                "url": url,
                "ms": timed(client, url, args.requests),
                "queries": queries_of(client, url),
            }
        )
        print(f"measured {name}", file=sys.stderr)

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']} (fresh)")
    print(
        f"tickets: {Ticket.objects.count():,} ({made} through ticket_create), "
        f"{SlaClock.objects.count():,} SLA clocks, {escalations:,} escalations, "
        f"{len(contracts)} contracts of 3 providers, created over the last 12 months"
    )
    print(
        f"user: a superuser; {args.requests} requests per page after 3 warm-up requests; "
        "ms = django.test.Client GET, in process; queries and their SQL ms = one more request"
    )
    print(
        f"load average (1 min) at start / end of the requests: {load:.1f} / "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print()
    print(report(rows))
    for row in rows if args.explain else []:
        slowest = max(row["queries"], key=lambda q: float(q["time"]))
        print(f"\n{row['page']}: slowest of its {len(row['queries'])} queries")
        print(f"({float(slowest['time']) * 1000:.1f} ms when captured):\n\n{slowest['sql']}\n")
        print(explain(slowest["sql"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000, help="tickets in all")
    parser.add_argument("--contracts", type=int, default=30, help="bench contracts")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page")
    parser.add_argument("--explain", action="store_true", help="plan of each slowest query")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    fresh_database_run("_dashboard", lambda url, var: run(args), keep=args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
