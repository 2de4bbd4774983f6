"""Benchmark the service review pack (issue #15 §2, "Proof"): a year's pack for a contract with
5,000 tickets on the 100,000-ticket database, and the same for a contract with 1,000 tickets, to
show that the number of queries does not grow with the tickets.

Run from the repository root: ``python bench/bench_review_pack.py [--tickets 100000]
[--contracts 30] [--runs 7] [--pdf] [--keep]``. Works in a fresh PostgreSQL database beside the
configured one (its name with ``_packs`` appended), dropped at the end unless ``--keep``.

Data (bench_data.py, as bench_dashboard.py): CONTRACTS bench contracts over three providers;
two onITnow ONS contracts get their own tickets, 1,000 and 5,000 over the last twelve months;
the rest of the 100,000 are spread over the other contracts. Then VACUUM ANALYZE.

Measured in process: ``reports.selectors.review_pack`` for the last twelve whole months, RUNS
times after one warm-up (median and max seconds), the number of SQL statements of one more
build, and its CSV rendering; with ``--pdf`` the PDF once (WeasyPrint; every breach is listed,
so that one grows with the breaches).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime
from typing import Any

from bench_data import (
    bulk_tickets_add,
    contracts_make,
    fresh_database_run,
    tables_analyze,
    templates_make,
)

SMALL, LARGE = 1_000, 5_000


def _build(contract: Any, start: Any, end: Any, now: datetime) -> Any:
    from django.utils.translation import override

    from reports.selectors import review_pack

    with override("nl"):
        return review_pack(contract=contract, start=start, end=end, now=now)


def measure(contract: Any, runs: int, now: datetime, pdf: bool) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.documents import pack_csv_text, pack_pdf
    from reports.periods import display_zone, month_add

    this_month = now.astimezone(display_zone()).date().replace(day=1)
    start, end = month_add(this_month, -12), this_month
    _build(contract, start, end, now)  # warm-up: process caches (catalogue, calendars)
    seconds = []
    for _ in range(runs):
        began = time.perf_counter()
        pack = _build(contract, start, end, now)
        seconds.append(time.perf_counter() - began)
    with CaptureQueriesContext(connection) as queries:
        pack = _build(contract, start, end, now)
    data = pack.to_dict()
    began = time.perf_counter()
    pack_csv_text(data)
    csv_seconds = time.perf_counter() - began
    pdf_seconds = None
    if pdf:
        began = time.perf_counter()
        pack_pdf(data)
        pdf_seconds = time.perf_counter() - began
    return {
        "tickets": pack.volumes.total,
        "breaches": len(pack.breaches),
        "median": statistics.median(seconds),
        "max": max(seconds),
        "queries": len(queries),
        "csv": csv_seconds,
        "pdf": pdf_seconds,
    }


def run(args: argparse.Namespace) -> None:
    from django.db import connection
    from django.utils import timezone

    from tickets.models import Ticket

    now = timezone.now()
    started = time.perf_counter()
    contracts = contracts_make(args.contracts)
    templates = templates_make(contracts, now)
    # contracts[0] and contracts[3] are both onITnow ONS (the providers go round in threes).
    small, large = contracts[0], contracts[3]
    rest = [c for c in contracts if c[0].pk not in (small[0].pk, large[0].pk)]
    bulk_tickets_add([small], templates, SMALL, now, number_prefix="BS-", seed=11)
    bulk_tickets_add([large], templates, LARGE, now, number_prefix="BL-", seed=13)
    remaining = args.tickets - SMALL - LARGE - len(templates)
    bulk_tickets_add(rest, templates, remaining, now)
    tables_analyze()
    print(f"data built in {time.perf_counter() - started:.0f} s", file=sys.stderr)

    load = os.getloadavg()[0]
    rows = [
        (label, measure(c[0], args.runs, now, args.pdf))
        for label, c in (("small", small), ("large", large))
    ]
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']} (fresh)")
    print(
        f"tickets: {Ticket.objects.count():,} over {len(contracts)} contracts of 3 providers, "
        f"created over the last 12 months; a year's pack (the last 12 whole months), "
        f"{args.runs} builds after one warm-up; load average {load:.1f} on {os.cpu_count()} CPUs"
    )
    print()
    print("contract | tickets in the year | breaches listed | median s | max s | queries", end="")
    print(" | CSV s | PDF s")
    for label, r in rows:
        pdf = "-" if r["pdf"] is None else f"{r['pdf']:.2f}"
        print(
            f"{label} | {r['tickets']:,} | {r['breaches']:,} | {r['median']:.3f} | "
            f"{r['max']:.3f} | {r['queries']} | {r['csv']:.3f} | {pdf}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000, help="tickets in all")
    parser.add_argument("--contracts", type=int, default=30, help="bench contracts")
    parser.add_argument("--runs", type=int, default=7, help="timed builds per contract")
    parser.add_argument("--pdf", action="store_true", help="also render each pack's PDF once")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    fresh_database_run("_packs", lambda url, var: run(args), keep=args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
