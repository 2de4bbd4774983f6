"""Benchmark the desk through HTTP under gunicorn, and the memory of its workers (issue #16,
"Through HTTP" and "Memory").

Run from the repository root: ``python bench/bench_http.py [--tickets 100000] [--small 5000]
[--per-round 200] [--rounds 7] [--requests 20]``. Works in a fresh PostgreSQL database next
to the configured one (the name of DATABASE_URL, default ``servicedesk_bench``, with ``_http``
appended), dropped at the end unless ``--keep``. gunicorn (sync workers, 2 of them) serves it
on a free loopback port with production's settings but HTTPS (bench_http_server.py); Celery
publishes go to a filesystem broker in a temporary directory; two client processes send real
requests (bench_http_clients.py).

1. Pages at ``--small`` tickets: the data of bench_data.py (bench contracts of three providers,
   templates through ``ticket_create``, bulk-inserted rest over twelve months). A superuser
   (logged in through the admin's form) and a customer's support services manager (through the
   portal's form) request the staff dashboard, the admin ticket queue and the portal ticket
   list, both clients at once; p50/p95 of all requests, the workers' peak RSS after.
2. The same at ``--tickets`` tickets (the rest bulk-inserted), on freshly started workers: peak
   RSS growth between the two sizes over 30 MB is flagged (a page that loads a table into
   Python grows with it).
3. Ticket creation on fresh workers, in rounds that rotate three paths, ``--per-round`` tickets
   each split over the two clients: ``ticket_create`` called in the client processes (no HTTP,
   the same answers); the portal's new-ticket form as logged-in named contacts (GET the form for
   its CSRF token, POST it multipart as a browser does; the 302 to the new ticket is checked,
   not followed: the POST's latency and that of the GET + POST are reported, tickets/s counts
   whole GET + POST pairs); ``POST /api/v1/tickets/`` with a contact's bearer token and a fresh
   ``Idempotency-Key``. Tickets/s per round (tickets over the wall time of the two clients
   together), each path's ratio to the service path in the same round and the median of those,
   p50/p95 latency over all rounds.

Any answer outside 2xx/3xx fails the run (as does a form re-rendered with errors); the tickets
made are counted in the database afterwards, and gunicorn's access log is tallied by status.
The API's rate limit stays on (600/min per token, counted in Redis when it answers): requests
are spread over enough tokens, as bench_api_create.py does.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import secrets
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench_api_create import fixtures_reset, tokens_make
from bench_data import (
    SEED,
    bulk_tickets_add,
    contracts_make,
    fresh_database_run,
    rollup,
    tables_analyze,
    templates_make,
)
from bench_http_clients import (
    ClientPool,
    Timing,
    api_create,
    login,
    pages_get,
    portal_create,
    service_create,
)
from bench_http_server import EXPECTED_WARNINGS, Gunicorn, deploy_warnings, server_environment
from bench_portal import grid, p95
from bench_ticket_create import SSM

CLIENTS = 2
WORKERS = 2
GROWTH_FLAG_MB = 30
PASSWORD = f"bench-{secrets.token_urlsafe(12)}"
ADMIN = "bench-http-admin"
PATHS = ("service", "portal", "API")
# Bulk tickets' numbers: the portal's URLs take only SD-YYYY-NNNNNN, so years no ticket made
# through the service has.
SMALL, REST = "SD-1998-", "SD-1997-"
WARM_TICKETS = 4  # per client and path, before the timed rounds


# --- Fixtures --------------------------------------------------------------------------------
def page_users(contract: Any) -> str:
    """A superuser, and a support services manager with a login for the contract's customer
    (who sees all its tickets in the portal); the manager's email."""
    from django.contrib.auth import get_user_model

    from contracts.models import Contact, ContactRole

    users = get_user_model().objects
    users.create_superuser(ADMIN, f"{ADMIN}@example.com", PASSWORD)
    email = f"ssm@{contract.customer.code}.example"
    user = users.create_user(username=email, email=email, password=PASSWORD)
    contact = Contact.objects.create(
        customer=contract.customer, name="Bench manager", email=email, user=user
    )
    ContactRole.objects.create(contact=contact, contract=contract, role=SSM)
    return email


@dataclass(frozen=True)
class Submitter:
    pk: int
    email: str
    contract: int
    shared: bool  # the contract shares new tickets: the form's box comes ticked


def submitters_login_ready(mix: list[tuple[Any, dict[str, Any]]]) -> dict[int, Submitter]:
    """A portal login for every contact of the mix (bench_api_create's customers)."""
    from django.contrib.auth import get_user_model

    from contracts.models import ContactRole

    found = {}
    for contact, _ in mix:
        if contact.pk in found:
            continue
        if contact.user_id is None:
            contact.user = get_user_model().objects.create_user(
                username=contact.email, email=contact.email, password=PASSWORD
            )
            contact.save(update_fields=["user"])
        role = ContactRole.objects.select_related("contract").get(contact=contact)
        found[contact.pk] = Submitter(
            contact.pk, contact.email, role.contract_id, role.contract.tickets_shared_by_default
        )
    return found


def body(path: str, answers: dict[str, Any], i: int) -> dict[str, Any]:
    return {
        "request_type": "incident",
        "subject": f"Bench HTTP {path} ticket {i}",
        "description": "Created by bench/bench_http.py.",
        **answers,
    }


def portal_fields(submitter: Submitter, answers: dict[str, Any]) -> dict[str, str]:
    """The API's answers as the portal form's inputs: a checklist as its ticked boxes, a true
    flag as "on", a false one left out (an unticked box sends nothing)."""
    fields = {"contract": str(submitter.contract)}
    if submitter.shared:
        fields["shared_with_organisation"] = "on"
    for name, value in answers.items():
        if name == "business_critical_checklist":
            fields.update({f"check_{k}": "on" for k, ticked in value.items() if ticked})
        elif value is True:
            fields[name] = "on"
        elif value is not False:
            fields[name] = str(value)
    return fields


# --- Create rounds ---------------------------------------------------------------------------
class Creations:
    """The calls of each path for tickets [start, start + count), split over the clients."""

    def __init__(
        self,
        port: int,
        mix: list[tuple[Any, dict[str, Any]]],
        submitters: dict[int, Submitter],
        tokens: dict[int, list[str]],
    ) -> None:
        self.port, self.mix, self.submitters = port, mix, submitters
        self.turns = {pk: itertools.cycle(raws) for pk, raws in tokens.items()}

    def calls(self, path: str, start: int, count: int) -> list[Any]:
        per_client: list[list[Any]] = [[] for _ in range(CLIENTS)]
        for i in range(start, start + count):
            contact, answers = self.mix[i % len(self.mix)]
            data = body(path, answers, i)
            if path == "service":
                item: Any = (contact.pk, data)
            elif path == "portal":
                submitter = self.submitters[contact.pk]
                fields = {k: v for k, v in data.items() if not isinstance(v, dict | bool)}
                fields.update(portal_fields(submitter, answers))
                item = (f"contact-{contact.pk}", fields)
            else:
                item = (next(self.turns[contact.pk]), f"bench-http-{secrets.token_hex(12)}", data)
            per_client[i % CLIENTS].append(item)
        if path == "service":
            return [(service_create, (items,)) for items in per_client]
        if path == "portal":
            return [(portal_create, (items,)) for items in per_client]
        return [(api_create, (self.port, items)) for items in per_client]


def rate(timings: list[Timing]) -> float:
    tickets = sum(len(t.ms) for t in timings)
    return tickets / (max(t.ended for t in timings) - min(t.started for t in timings))


def create_rounds(
    pool: ClientPool, creations: Creations, rounds: int, per_round: int
) -> dict[str, dict[str, list[float]]]:
    """Rates per round and latencies of each path, paths rotated each round."""
    results: dict[str, dict[str, list[float]]] = {
        p: {"rates": [], "ms": [], "flow_ms": []} for p in PATHS
    }
    start = 0
    for path in PATHS:  # warm every path: imports, connections, the statements' plans
        pool.run(creations.calls(path, start, WARM_TICKETS * CLIENTS))
        start += WARM_TICKETS * CLIENTS
    for r in range(rounds):
        for path in PATHS[r % len(PATHS) :] + PATHS[: r % len(PATHS)]:
            timings = pool.run(creations.calls(path, start, per_round))
            start += per_round
            results[path]["rates"].append(rate(timings))
            results[path]["ms"] += [ms for t in timings for ms in t.ms]
            results[path]["flow_ms"] += [ms for t in timings for ms in t.extra_ms]
        print(f"create round {r + 1} of {rounds} done", file=sys.stderr)
    return results


# --- Pages -----------------------------------------------------------------------------------
def pages_of(now: datetime) -> list[tuple[str, str, str]]:
    last = now.replace(day=1) - timedelta(days=1)
    last_month = last.strftime("%Y-%m")
    drill = f"/admin/tickets/ticket/?created_at__year={last.year}&created_at__month={last.month}"
    return [
        ("staff dashboard, this month", "admin", "/admin/backoffice/dashboard/"),
        (
            "staff dashboard, last month",
            "admin",
            f"/admin/backoffice/dashboard/?month={last_month}",
        ),
        ("admin ticket queue (open work)", "admin", "/admin/tickets/ticket/"),
        ("admin ticket queue, all, page 5", "admin", "/admin/tickets/ticket/?work=all&p=5"),
        ("admin ticket queue, breached", "admin", "/admin/tickets/ticket/?due=breached"),
        (f"admin ticket queue, registered in {last_month}", "admin", drill),
        (
            f"admin ticket queue, registered on {last_month}-15",
            "admin",
            f"{drill}&created_at__day=15",
        ),
        ("portal ticket list (manager)", "ssm", "/portal/tickets/"),
        ("portal ticket list, everything, p. 3", "ssm", "/portal/tickets/?everything=1&page=3"),
    ]


def pages_phase(
    pool: ClientPool, pages: list[tuple[str, str, str]], requests: int
) -> list[dict[str, Any]]:
    rows = []
    for name, session, url in pages:
        timings = [t[url] for t in pool.same(pages_get, session, [url], requests, 3)]
        rows.append({"page": name, "ms": [ms for t in timings for ms in t.ms]})
    return rows


def server_phase(server: Gunicorn, label: str) -> dict[str, Any]:
    server.start()
    return {"label": label, "start": {m.pid: m for m in server.memory()}}


def server_phase_end(server: Gunicorn, phase: dict[str, Any]) -> dict[str, Any]:
    phase["end"] = server.memory()
    server.stop()
    return phase


# --- Report ----------------------------------------------------------------------------------
def mb(kb: int) -> str:
    return f"{kb / 1024:.1f}"


def memory_table(phases: list[dict[str, Any]]) -> str:
    rows = []
    for phase in phases:
        for worker in phase["end"]:
            began = phase["start"].get(worker.pid)
            rows.append(
                (
                    phase["label"],
                    str(worker.pid),
                    mb(began.peak_kb) if began else "?",
                    mb(worker.peak_kb),
                    mb(worker.now_kb),
                )
            )
    head = ("phase (fresh workers)", "worker pid", "peak RSS ready MB", "peak RSS MB", "RSS end MB")
    return grid(head, rows)


def pages_table(sized: list[tuple[int, list[dict[str, Any]]]]) -> str:
    rows = []
    for tickets, measured in sized:
        for r in measured:
            rows.append(
                (
                    r["page"],
                    f"{tickets:,}",
                    str(len(r["ms"])),
                    f"{statistics.median(r['ms']):.1f}",
                    f"{p95(r['ms']):.1f}",
                    f"{max(r['ms']):.1f}",
                )
            )
    return grid(("page", "tickets", "requests", "p50 ms", "p95 ms", "max ms"), rows)


def create_table(results: dict[str, dict[str, list[float]]]) -> str:
    rows = []
    service = results["service"]["rates"]
    for path in PATHS:
        rates = results[path]["rates"]
        ratios = [a / b for a, b in zip(rates, service, strict=True)]
        flow = results[path]["flow_ms"]
        rows.append(
            (
                path,
                ", ".join(f"{x:.0f}" for x in rates),
                f"{statistics.median(rates):.0f}",
                "1" if path == "service" else f"{statistics.median(ratios):.2f}x",
                f"{statistics.median(results[path]['ms']):.1f}",
                f"{p95(results[path]['ms']):.1f}",
                f"{statistics.median(flow):.1f} / {p95(flow):.1f}" if flow else "",
            )
        )
    head = (
        "path",
        "tickets/s per round",
        "median",
        "/ service (median of rounds)",
        "p50 ms",
        "p95 ms",
        "GET+POST p50 / p95 ms",
    )
    return grid(head, rows)


def access_log_tally(path: Path) -> Counter[str]:
    """gunicorn's access log by status class ("2xx", "3xx", ...)."""
    tally: Counter[str] = Counter()
    for line in path.read_text(errors="replace").splitlines():
        found = re.search(r'" (\d{3}) ', line)
        tally[f"{found.group(1)[0]}xx" if found else "unreadable"] += 1
    return tally


# --- Run -------------------------------------------------------------------------------------
def tickets_made(per_path: int) -> list[str]:
    """Each path's tickets in the database against what was sent; a shortfall fails the run."""
    from tickets.models import Ticket

    lines = []
    for path in PATHS:
        made = Ticket.objects.filter(subject__startswith=f"Bench HTTP {path} ticket ").count()
        if made != per_path:
            raise SystemExit(f"{path}: {made} tickets in the database, {per_path} sent")
        lines.append(f"{path} {made:,}")
    return lines


@dataclass
class World:
    """What the measurements use: the page data's contracts and templates, the people who log
    in, the creation mix with its tokens."""

    contracts: list[Any]
    templates: list[Any]
    manager: str
    mix: list[tuple[Any, dict[str, Any]]]
    submitters: dict[int, Submitter]
    tokens: dict[int, list[str]]


def world_make(args: argparse.Namespace, now: datetime) -> World:
    contracts = contracts_make(args.contracts)
    templates = templates_make(contracts, now)
    bulk_tickets_add(contracts, templates, args.small - len(templates), now, number_prefix=SMALL)
    tables_analyze()
    manager = page_users(contracts[0][0])
    mix = fixtures_reset()
    api_requests = args.rounds * args.per_round + WARM_TICKETS * CLIENTS
    tokens = tokens_make(mix, 2 * api_requests)
    return World(contracts, templates, manager, mix, submitters_login_ready(mix), tokens)


@dataclass
class Measured:
    sized: list[tuple[int, list[dict[str, Any]]]] = field(default_factory=list)
    phases: list[dict[str, Any]] = field(default_factory=list)
    created: dict[str, dict[str, list[float]]] = field(default_factory=dict)


def measure(
    args: argparse.Namespace, world: World, server: Gunicorn, pool: ClientPool, now: datetime
) -> Measured:
    """The pages at each size, then ticket creation; each phase on freshly started workers."""
    measured = Measured()
    for size in (args.small, args.tickets) if args.tickets > args.small else (args.small,):
        if size > args.small:
            rest = size - args.small
            bulk_tickets_add(
                world.contracts, world.templates, rest, now, number_prefix=REST, seed=SEED + 1
            )
            tables_analyze()
        rolled = rollup(now)  # as the beat has at a running desk (bench_dashboard.py does too)
        print(f"pages at {size:,} tickets: {rolled}", file=sys.stderr)
        phase = server_phase(server, f"pages, {size:,} tickets")
        pool.same(login, server.port, "admin", "admin", ADMIN, PASSWORD)
        pool.same(login, server.port, "ssm", "portal", world.manager, PASSWORD)
        measured.sized.append((size, pages_phase(pool, pages_of(now), args.requests)))
        measured.phases.append(server_phase_end(server, phase))
        print(f"pages at {size:,} tickets measured", file=sys.stderr)
    phase = server_phase(server, "ticket creation")
    for s in world.submitters.values():
        pool.same(login, server.port, f"contact-{s.pk}", "portal", s.email, PASSWORD)
    creations = Creations(server.port, world.mix, world.submitters, world.tokens)
    measured.created = create_rounds(pool, creations, args.rounds, args.per_round)
    measured.phases.append(server_phase_end(server, phase))
    return measured


def run(args: argparse.Namespace, url: str, var: Path) -> None:
    from django.utils import timezone

    now = timezone.now()
    started = time.perf_counter()
    world = world_make(args, now)
    print(f"data built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    env = server_environment(url, var)
    warnings = deploy_warnings(env)
    server = Gunicorn(env, var, WORKERS)
    pool = ClientPool(CLIENTS)
    try:
        measured = measure(args, world, server, pool, now)
    except BaseException:
        print(f"gunicorn's log, last lines:\n{server.log_tail()}", file=sys.stderr)
        raise
    finally:
        pool.close()
        server.close()
    per_path = args.rounds * args.per_round + WARM_TICKETS * CLIENTS
    made = tickets_made(per_path)
    tally = access_log_tally(var / "access.log")
    print_setting(server, env, warnings, tally, made)
    print_figures(args, measured)
    if sum(v for k, v in tally.items() if k not in ("2xx", "3xx")):
        raise SystemExit("the access log holds answers outside 2xx/3xx")


def print_setting(
    server: Gunicorn, env: dict[str, str], warnings: list[str], tally: Counter[str], made: list[str]
) -> None:
    from django.db import connection

    from tickets.models import Ticket

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']} (fresh)")
    print(
        f"server: gunicorn, {WORKERS} sync workers, 127.0.0.1:{server.port}, production settings "
        f"over plain HTTP; API rate limits in {env['CACHE_URL'].split('?')[0]}; "
        f"check --deploy: {', '.join(warnings) or 'nothing'}"
        + ("" if set(warnings) <= EXPECTED_WARNINGS else "  <- MORE THAN THE HTTPS SETTINGS")
    )
    print(
        f"clients: {CLIENTS} processes at once; load average (1 min) now "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        "requests answered (access log): "
        + ", ".join(f"{k} {v:,}" for k, v in sorted(tally.items()))
        + f"; tickets made per path: {', '.join(made)}; {Ticket.objects.count():,} in the table"
    )


def print_figures(args: argparse.Namespace, measured: Measured) -> None:
    print(f"\nTicket creation: {args.rounds} rounds x {args.per_round} tickets per path")
    print(create_table(measured.created))
    print(f"\nPages: {args.requests} requests per client and page after 3 warm-up requests")
    print(pages_table(measured.sized))
    print("\nMemory of the gunicorn workers (/proc/<pid>/status VmHWM and VmRSS)")
    print(memory_table(measured.phases))
    if len(measured.sized) == 2:
        peaks = [max(w.peak_kb for w in p["end"]) for p in measured.phases[:2]]
        growth = (peaks[1] - peaks[0]) / 1024
        flag = f"FLAG: over {GROWTH_FLAG_MB} MB" if growth > GROWTH_FLAG_MB else "ok"
        print(
            f"\npeak worker RSS under the pages: {mb(peaks[0])} MB at {args.small:,} tickets, "
            f"{mb(peaks[1])} MB at {args.tickets:,}: growth {growth:+.1f} MB ({flag}, "
            f"limit {GROWTH_FLAG_MB} MB)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000, help="tickets for the pages")
    parser.add_argument("--small", type=int, default=5000, help="the first, smaller size")
    parser.add_argument("--contracts", type=int, default=30, help="bench contracts")
    parser.add_argument("--per-round", type=int, default=200, help="tickets per round and path")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=20, help="per client and page")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    os.environ["API_RATE_LIMIT"] = "600/min"
    fresh_database_run("_http", lambda url, var: run(args, url, var), keep=args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
