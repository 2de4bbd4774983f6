"""Benchmark ``tickets.services.ticket_create`` (issue target: >= 300 tickets/s in one process,
<= 12 queries per ticket).

Run from the repository root: ``python bench/bench_ticket_create.py [--tickets N] [--rounds R]
[--sql]``. Uses DATABASE_URL if set, else a local PostgreSQL database ``servicedesk_bench``
(created when missing). Migrates, loads the catalogue, creates three bench customers (onITnow
ONS, Microsoft Advanced, CBG Extra) and times ticket creation through the service, against a bare
``Ticket.objects.create`` of the same row. Tickets of earlier runs of the bench customers are
deleted first, so every run starts from the same table size.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/servicedesk_bench"
START = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)  # a Monday; every bench contract covers it
STEP = timedelta(seconds=37)  # `now` advances deterministically per ticket
QUERY_SAMPLE = 100
TARGET_RATE = 300
TARGET_QUERIES = 12


@dataclass(frozen=True)
class BenchCustomer:
    code: str
    provider: str
    package: str
    contacts: tuple[tuple[str, str], ...]  # (email local part, role)
    levels: tuple[dict[str, Any], ...]  # create-input answers, cycled


SSM, NAMED = "support_services_manager", "named_contact"
Mix = list[tuple[Any, dict[str, Any]]]  # (contact, create-input answers)
CBG_CRITICAL = {
    "business_critical_checklist": {
        "no_listed_failure": True,
        "working_situation_delivered": True,
        "passwords_handed_over": True,
        "files_unreachable_for_all": True,
        "no_user_can_login": True,
    },
    "any_user_can_login": False,
}
CUSTOMERS = (
    BenchCustomer(
        "bench-ons",
        "onitnow",
        "ons",
        (("ons.a", NAMED), ("ons.b", NAMED)),
        (
            {"priority_level": "top"},
            {"impact_scope": "multiple_users", "impact_effect": "degraded"},
            {"priority_level": "gemiddeld"},
            {"impact_scope": "single_user", "impact_effect": "degraded"},
            {"request_type": "information"},
        ),
    ),
    BenchCustomer(
        "bench-ms-advanced",
        "microsoft",
        "advanced",
        (("ms.ssm", SSM), ("ms.named", NAMED)),
        ({"priority_level": "critical"}, {"priority_level": "normal"}, {"request_type": "change"}),
    ),
    BenchCustomer(
        "bench-cbg-extra",
        "cbg",
        "extra",
        (("cbg.a", NAMED), ("cbg.b", NAMED)),
        (CBG_CRITICAL, {}, {"request_type": "information"}),
    ),
)


# --- Database and Django set-up ------------------------------------------------------------------
def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


def postgres_database_ensure(url: str) -> None:
    """Create the PostgreSQL database of `url` when missing (connecting to `postgres`)."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg
    from psycopg import sql

    name = parts.path.lstrip("/")
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_DEBUG"] = "false"  # DEBUG logs every query: slower, unbounded memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_catalog", stdout=StringIO())


# --- Fixtures ------------------------------------------------------------------------------------
def bench_contacts() -> Mix:
    """(contact, answers) pairs, providers interleaved, in a fixed order."""
    per_customer = []
    for spec in CUSTOMERS:
        contract = _bench_contract(spec)
        contacts = [_bench_contact(contract, key, role) for key, role in spec.contacts]
        per_customer.append(
            [(contacts[i % len(contacts)], answers) for i, answers in enumerate(spec.levels)]
        )
    mixed = itertools.chain.from_iterable(itertools.zip_longest(*per_customer))
    return [pair for pair in mixed if pair is not None]


def _bench_contract(spec: BenchCustomer) -> Any:
    from contracts.models import Contract, Customer, Package

    customer, _ = Customer.objects.get_or_create(code=spec.code, defaults={"name": spec.code})
    package = Package.objects.select_related("release__provider").get(
        release__is_current=True, release__provider__code=spec.provider, code=spec.package
    )
    contract, _ = Contract.objects.get_or_create(
        reference=f"{spec.code}-contract",
        defaults={
            "customer": customer,
            "provider": package.release.provider,
            "package": package,
            "start_date": date(2020, 1, 1),
        },
    )
    return contract


def _bench_contact(contract: Any, key: str, role: str) -> Any:
    from contracts.models import Contact, ContactRole

    contact, _ = Contact.objects.get_or_create(
        customer=contract.customer,
        email=f"{key}@{contract.customer.code}.example",
        defaults={"name": key},
    )
    ContactRole.objects.get_or_create(contact=contact, contract=contract, role=role)
    return contact


def bench_tickets_delete() -> None:
    from tickets.models import Ticket

    Ticket.objects.filter(customer__code__startswith="bench-").delete()


# --- Measurements --------------------------------------------------------------------------------
def moments() -> Iterator[datetime]:
    """Deterministic, strictly increasing `now` values."""
    moment = START
    while True:
        moment += STEP
        yield moment


def create_input(contact: Any, answers: dict[str, Any], i: int) -> Any:
    from tickets.services import TicketCreateInput

    fields: dict[str, Any] = {
        "request_type": "incident",
        "channel": ("portal", "email", "api")[i % 3],
    }
    fields.update(answers)
    return TicketCreateInput(
        contact=contact,
        subject=f"Bench ticket {i}",
        description="Created by bench/bench_ticket_create.py.",
        **fields,
    )


def service_round(mix: Mix, clock: Iterator[datetime], count: int) -> float:
    """Tickets per second for `count` creations through ticket_create."""
    from tickets.services import ticket_create

    inputs = [create_input(*mix[i % len(mix)], i) for i in range(count)]
    started = time.perf_counter()
    for data in inputs:
        ticket_create(data=data, now=next(clock))
    return count / (time.perf_counter() - started)


def baseline_round(template: Any, count: int, tag: str) -> float:
    """Tickets per second for a bare Ticket.objects.create of the same row (own transaction)."""
    from django.db import transaction

    from tickets.models import Ticket

    fields = {
        f.attname: getattr(template, f.attname)
        for f in Ticket._meta.concrete_fields
        if not f.primary_key
    }
    started = time.perf_counter()
    for i in range(count):
        fields["number"] = f"B{tag}-{i}"
        with transaction.atomic():
            Ticket.objects.create(**fields)
    rate = count / (time.perf_counter() - started)
    Ticket.objects.filter(number__startswith=f"B{tag}-").delete()
    return rate


def queries_per_creation(mix: Mix, clock: Iterator[datetime]) -> tuple[list[int], list[str]]:
    """Query counts of QUERY_SAMPLE creations, and the SQL of the one with the most queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tickets.services import ticket_create

    counts: list[int] = []
    worst: list[str] = []
    for i in range(QUERY_SAMPLE):
        data = create_input(*mix[i % len(mix)], i)
        connection.queries_log.clear()  # a full log (9,000 entries) would skew the counts
        with CaptureQueriesContext(connection) as ctx:
            ticket_create(data=data, now=next(clock))
        counts.append(len(ctx.captured_queries))
        if len(ctx.captured_queries) > len(worst):
            worst = [q["sql"] for q in ctx.captured_queries]
    return counts, worst


# --- Report --------------------------------------------------------------------------------------
def table(rows: list[tuple[str, str]]) -> str:
    width = max(len(metric) for metric, _ in rows)
    lines = [f"{'metric'.ljust(width)} | value", f"{'-' * width}-+-{'-' * 20}"]
    lines += [f"{metric.ljust(width)} | {value}" for metric, value in rows]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=5000, help="tickets per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sql", action="store_true", help="print the SQL of one creation")
    args = parser.parse_args()
    url = database_url()
    postgres_database_ensure(url)
    django_setup(url)
    from django.db import connection

    from tickets.models import Ticket

    bench_tickets_delete()
    mix = bench_contacts()
    clock = moments()
    rates = [service_round(mix, clock, args.tickets) for _ in range(args.rounds)]
    counts, sql = queries_per_creation(mix, clock)
    template = Ticket.objects.filter(customer__code__startswith="bench-").first()
    baseline = [baseline_round(template, args.tickets, str(r)) for r in range(args.rounds)]
    median, base = statistics.median(rates), statistics.median(baseline)
    rows = [
        ("database", f"{connection.vendor} {connection.settings_dict['NAME']}"),
        ("tickets per round x rounds", f"{args.tickets} x {args.rounds}"),
        ("ticket_create rounds (tickets/s)", ", ".join(f"{r:.0f}" for r in rates)),
        ("ticket_create median (tickets/s)", f"{median:.0f} (target >= {TARGET_RATE})"),
        ("bare ORM insert median (tickets/s)", f"{base:.0f}"),
        ("service / bare ORM speed", f"{median / base:.2f}x"),
        (f"queries per creation, mean of {QUERY_SAMPLE}", f"{statistics.mean(counts):.2f}"),
        ("queries per creation, max", f"{max(counts)} (target <= {TARGET_QUERIES})"),
    ]
    print(table(rows))
    if args.sql or max(counts) > TARGET_QUERIES:
        print(f"\nSQL of one creation ({len(sql)} queries):")
        print("\n".join(f"{n:2d}. {q}" for n, q in enumerate(sql, 1)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
