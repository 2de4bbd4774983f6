"""Benchmark the staff dashboard and the admin ticket queue (back-office issue §4: "queue and
dashboard keep a bounded number of queries with 100,000 tickets").

Run from the repository root: ``python bench/bench_dashboard.py [--tickets 100000]
[--contracts 30] [--requests 20] [--explain] [--keep] [--reuse]``. Works in a fresh PostgreSQL
database next to the configured one: the name of DATABASE_URL (default ``servicedesk_bench``)
with ``_dashboard`` appended, dropped and created at the start and dropped at the end (unless
``--keep``), so the figures see only this bench's rows and no other bench's. ``--reuse`` takes
the database a ``--keep`` run left (migrated to this checkout, its data as it was) instead of
building it again.

Data (built by bench_data.py, shared with bench_review_pack.py): CONTRACTS bench customers with
a contract each, spread over onITnow ONS, Microsoft
Advanced and CBG Extra (so three providers in the trend). A few tickets per contract and
priority level are made through ``ticket_create``; they are the templates (package, policy,
target, calendar, rank) of the bulk-inserted rest (``BD-`` numbers, bypassing the service for
speed), whose creation times spread over the last twelve months (inserted in that order, as a
desk writes them, so the table's physical order follows the registration), with statuses, first
response, resolution and due times consistent with their SLA clocks (about one response in
five late, open tickets with running clocks, some breaching today), a few exempt or
vendor-owned, and escalations on a share of the missed clocks. Then VACUUM ANALYZE.

After the data, the dashboard's months that are over are rolled up as the beat does
(tickets.tasks.figures_rollup_task, issue #16); its time is printed. Then the process freezes
its heap as a web worker does when it starts (servicedesk.heap): the bench's set-up is not
walked by every full garbage collection of the measured requests.

Measured as gunicorn requests the pages, through Django's WSGI handler in this process (server
time, without network; bench/wsgi_get.py), with a superuser's session: the dashboard (this
month and last month), its CSV, and the admin ticket queue (default order, a status filter, the
"breached" filter, a provider filter, the date drill-down on last month and on a day of it),
REQUESTS each after 3 warm-up requests; p50/p95 wall ms against the aim (issue #16: p95 <= 150
ms at 100,000 tickets) and the number of SQL statements of one more request. Then the Python
cost of the month drill-down's rows (tickets.admin_queue.queue_result_list) and of its action
bar alone, medians of 300 in process. Celery publishes go to a filesystem broker in a
temporary directory.

Against the peer (issue #16: every figure a ratio measured in the same run), when ``make
bench-peer`` has run: PEER_ROUNDS rounds, each timing our queue (default order) and dashboard
(this month), REQUESTS each, then django-helpdesk 2.6.1's staff ticket list (its page and the
25 rows its table asks for) and its dashboard, REQUESTS each, at the same number of tickets in a
database of its own (bench/peer/driver.py ``pages``: built on the first run, kept while the
count is the same). Printed: the medians per round, the median of the per-round ratios (peer ms
/ our ms: > 1 = ours faster) and the statements of one request on each side.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import bench_portal
from bench_data import (
    NUMBER_PREFIX,
    PREFIX,
    bulk_tickets_add,
    contracts_make,
    fresh_database_run,
    rollup,
    tables_analyze,
    templates_make,
)
from bench_portal import explain, grid, p95, queries_of
from peer_client import NOT_INSTALLED, peer_available, peer_run

ADMIN = f"{PREFIX}admin"
AIM_P95_MS = 150.0  # issue #16: dashboard and queue at 100,000 tickets
PEER_ROUNDS = 3
# Our page and the peer's that does the same job (bench/peer/driver.py `pages`).
PEER_PAIRS = (
    ("queue, default order", "staff ticket list"),
    ("dashboard, this month", "dashboard"),
)


# --- Measurements --------------------------------------------------------------------------------
def client_make() -> Any:
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.filter(username=ADMIN).first()
    if user is None:
        user = get_user_model().objects.create_superuser(ADMIN, f"{ADMIN}@example.com", None)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def timed(client: Any, url: str, requests: int) -> list[float]:
    """Wall milliseconds of `requests` GETs (bench_portal.timed) after 3 warm-up ones."""
    return bench_portal.timed(client, lambda _: url, requests, warm_up=3)[0]


def rows_cost(client: Any, url: str, repeat: int = 300) -> str:
    """The Python cost of a queue page's rows and of its action bar, measured alone: the median
    of `repeat` in process (steadier than a page's wall time on a shared machine)."""
    from django.template import Context, Template
    from django.test.utils import setup_test_environment, teardown_test_environment

    from tickets.admin_queue import queue_result_list

    setup_test_environment()  # the response's context
    try:
        response = client.get(url)
    finally:
        teardown_test_environment()
    cl, form = response.context["cl"], response.context["action_form"]
    bar = Template("{% for field in action_form %}{{ field }}{% endfor %}")
    rows_ms, bar_ms = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        queue_result_list(cl)
        rows_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        bar.render(Context({"action_form": form}))
        bar_ms.append((time.perf_counter() - started) * 1000)
    return (
        f"{len(cl.result_list)} rows {statistics.median(rows_ms):.2f} ms, action bar "
        f"{statistics.median(bar_ms):.3f} ms (medians of {repeat} in process)"
    )


def report(rows: list[dict[str, Any]]) -> str:
    head = ("page", "p50 ms", "p95 ms", "queries", "aim", "OK/MISS")
    cells = [
        (
            r["page"],
            f"{statistics.median(r['ms']):.1f}",
            f"{p95(r['ms']):.1f}",
            str(len(r["queries"])),
            f"p95 <= {AIM_P95_MS:.0f} ms",
            "OK" if p95(r["ms"]) <= AIM_P95_MS else "MISS",
        )
        for r in rows
    ]
    return grid(head, cells)


def details(rows: list[dict[str, Any]]) -> str:
    """Requests, the slowest one and the SQL time of the counted request, per page."""
    return "\n".join(
        f"{r['page']}: {len(r['ms'])} requests, max {max(r['ms']):.1f} ms, "
        f"SQL {sum(float(q['time']) for q in r['queries']) * 1000:.0f} ms of the counted one"
        for r in rows
    )


def peer_rounds(
    client: Any, urls: dict[str, str], args: argparse.Namespace
) -> list[dict[str, Any]]:
    """Per round: our pages' and the peer's medians (ms) and their statements; [] without the
    peer."""
    if not peer_available():
        print(NOT_INSTALLED, file=sys.stderr)
        return []
    rounds = []
    for n in range(PEER_ROUNDS):
        ours = {
            ours: statistics.median(timed(client, urls[ours], args.requests))
            for ours, _ in PEER_PAIRS
        }
        peer = peer_run("pages", tickets=args.tickets, requests=args.requests)
        rounds.append(
            {
                "ours": ours,
                "peer": {name: statistics.median(s) * 1000 for name, s in peer["pages"].items()},
                "peer_queries": peer["queries"],
            }
        )
        print(f"peer round {n + 1} of {PEER_ROUNDS} done", file=sys.stderr)
    return rounds


def peer_report(rounds: list[dict[str, Any]], rows: list[dict[str, Any]]) -> str:
    queries = {r["page"]: len(r["queries"]) for r in rows}
    head = (
        "ours",
        "peer (django-helpdesk 2.6.1)",
        "ours p50 ms, rounds",
        "peer p50 ms, rounds",
        "ours faster (peer / ours, median of rounds)",
        "queries ours / peer",
    )
    cells = []
    for ours, peer in PEER_PAIRS:
        ratios = [r["peer"][peer] / r["ours"][ours] for r in rounds]
        cells.append(
            (
                ours,
                peer,
                ", ".join(f"{r['ours'][ours]:.1f}" for r in rounds),
                ", ".join(f"{r['peer'][peer]:.1f}" for r in rounds),
                f"{statistics.median(ratios):.1f}x",
                f"{queries[ours]} / {rounds[0]['peer_queries'][peer]}",
            )
        )
    return grid(head, cells)


def pages_of(now: datetime) -> list[tuple[str, str]]:
    from django.conf import settings

    from contracts.models import Provider

    last = now.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE)).replace(day=1) - timedelta(days=1)
    last_month = last.strftime("%Y-%m")
    provider = Provider.objects.get(code="onitnow").pk
    drill = f"/admin/tickets/ticket/?created_at__year={last.year}&created_at__month={last.month}"
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
        (f"queue, registered in {last_month}", drill),
        (f"queue, registered on {last_month}-15", f"{drill}&created_at__day=15"),
    ]


def data_build(args: argparse.Namespace, now: datetime) -> tuple[int, int, int]:
    """(tickets through ticket_create, escalations, contracts); a reused database's as found."""
    from escalation.models import Escalation
    from tickets.models import Ticket

    if args.reuse and Ticket.objects.exists():
        made = Ticket.objects.exclude(number__startswith=NUMBER_PREFIX).count()
        kinds = Ticket.objects.values("contract_id").distinct().count()
        return made, Escalation.objects.count(), kinds
    started = time.perf_counter()
    contracts = contracts_make(args.contracts)
    templates = templates_make(contracts, now)
    _, escalations = bulk_tickets_add(contracts, templates, args.tickets - len(templates), now)
    tables_analyze()
    print(f"data built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return len(templates), escalations, len(contracts)


def run(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.utils import timezone

    from servicedesk.heap import heap_freeze
    from tickets.models import SlaClock, Ticket

    now = timezone.now()
    made, escalations, contract_count = data_build(args, now)
    rolled = rollup(now)

    client = client_make()
    heap_freeze()  # what servicedesk/wsgi.py does when a web worker starts
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

    rows_line = rows_cost(client, rows[-2]["url"])
    rounds = peer_rounds(client, {r["page"]: r["url"] for r in rows}, args)
    state = "reused" if args.reuse else "fresh"
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']} ({state})")
    print(
        f"tickets: {Ticket.objects.count():,} ({made} through ticket_create), "
        f"{SlaClock.objects.count():,} SLA clocks, {escalations:,} escalations, "
        f"{contract_count} contracts of 3 providers, created over the last 12 months"
    )
    print(f"roll-up of the months that are over (the beat's task): {rolled}")
    print(
        f"user: a superuser; {args.requests} requests per page after 3 warm-up requests; "
        "ms = GET through the WSGI handler, in process; queries and their SQL ms = one more request"
    )
    print(
        f"load average (1 min) at start / end of the requests: {load:.1f} / "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print()
    print(report(rows))
    print()
    print(details(rows))
    print(f"{rows[-2]['page']}, its rows and action bar alone: {rows_line}")
    if rounds:
        print(
            f"\nAgainst the peer at {args.tickets:,} tickets, {PEER_ROUNDS} rounds of "
            f"{args.requests} requests a page on each side (the peer's list: its page and the 25 "
            "rows its table asks for):"
        )
        print(peer_report(rounds, rows))
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
    parser.add_argument(
        "--reuse", action="store_true", help="use the database a --keep run left, as it is"
    )
    args = parser.parse_args()
    fresh_database_run("_dashboard", lambda url, var: run(args), keep=args.keep, reuse=args.reuse)
    return 0


if __name__ == "__main__":
    sys.exit(main())
