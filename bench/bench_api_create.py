"""Benchmark ticket creation through the REST API beside the service path (issue #12, "Proof":
aim at >= 0.7x the service path's rate in the same run).

Run from the repository root: ``python bench/bench_api_create.py [--tickets N] [--rounds R]
[--profile]``. Uses DATABASE_URL if set, else a local PostgreSQL database
``servicedesk_bench_api`` (created when missing). Migrates, loads the catalogue and makes three
bench customers (onITnow ONS, Microsoft Advanced, CBG Extra), each with a support services
manager with a login who makes the API tokens of its contacts.

Rounds alternate between three paths, N tickets each: ``tickets.services.ticket_create`` (the
answers a customer gives, channel "api"); ``POST /api/v1/tickets/`` with a contact's bearer
token and an ``Idempotency-Key``; the same POST without the key. The API goes through the full
Django stack in-process (``django.test.Client``: middleware, token lookup, rate limit,
idempotency, the service, the answer, no network). The same answers, the same contacts,
wall-clock time for all. Printed: tickets/s per round and their medians, each API path's ratio
to the service path per round (the paths run back to back) and the median of those ratios, and
queries per creation (CaptureQueriesContext).

The rate limit stays on (600/min per token, in process memory): the API rounds spread their
requests over enough tokens that none is refused. ``--profile`` prints the top costs of one API
round (cProfile; printed too when a ratio misses the aim). The bench customers' tickets are
deleted before the run; Celery publishes go to a filesystem broker in a temporary directory.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import io
import itertools
import math
import os
import pstats
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bench_portal import broker_dir_make
from bench_ticket_create import (
    CBG_CRITICAL,
    NAMED,
    SSM,
    postgres_database_ensure,
    table,
    var_dir_remove,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/servicedesk_bench_api"
PREFIX = "bench-api-"
TARGET_RATIO = 0.7
QUERY_SAMPLE = 60
# Requests one token sends in the whole run: under the rate limit (600 a minute).
PER_TOKEN = 400
# (customer code, provider, package, contacts (local part, role), the answers, cycled)
CUSTOMERS: tuple[
    tuple[str, str, str, tuple[tuple[str, str], ...], tuple[dict[str, Any], ...]], ...
] = (
    (
        f"{PREFIX}ons",
        "onitnow",
        "ons",
        (("manager", SSM), ("ons.a", NAMED), ("ons.b", NAMED)),
        (
            {"impact_scope": "multiple_users", "impact_effect": "degraded"},
            {"impact_scope": "single_user", "impact_effect": "degraded"},
            {"request_type": "information"},
        ),
    ),
    (
        f"{PREFIX}ms-advanced",
        "microsoft",
        "advanced",
        (("manager", SSM), ("ms.named", NAMED)),
        ({}, {"request_type": "change"}),
    ),
    (
        f"{PREFIX}cbg-extra",
        "cbg",
        "extra",
        (("manager", SSM), ("cbg.a", NAMED), ("cbg.b", NAMED)),
        (CBG_CRITICAL, {}, {"request_type": "information"}),
    ),
)
Mix = list[tuple[Any, dict[str, Any]]]  # (contact, answers)


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ["API_RATE_LIMIT"] = "600/min"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_catalog", stdout=io.StringIO())


# --- Fixtures ------------------------------------------------------------------------------------
def fixtures_reset() -> Mix:
    """The bench customers with their contacts (their tickets and tokens of earlier runs gone);
    (contact, answers) pairs, providers interleaved."""
    from api.models import IdempotencyRecord
    from contracts.models import ApiToken
    from tickets.models import Problem, Ticket

    Ticket.objects.filter(customer__code__startswith=PREFIX).delete()
    Problem.objects.filter(customer__code__startswith=PREFIX).delete()
    ApiToken.objects.filter(contact__customer__code__startswith=PREFIX).delete()
    IdempotencyRecord.objects.filter(key__startswith=PREFIX).delete()
    per_customer = []
    for code, provider, package, people, answers in CUSTOMERS:
        contract = _contract(code, provider, package)
        contacts = [_contact(contract, key, role) for key, role in people]
        submitters = contacts[1:] or contacts
        per_customer.append(
            [(submitters[i % len(submitters)], one) for i, one in enumerate(answers)]
        )
    mixed = itertools.chain.from_iterable(itertools.zip_longest(*per_customer))
    return [pair for pair in mixed if pair is not None]


def _contract(code: str, provider: str, package_code: str) -> Any:
    from datetime import date

    from contracts.models import Contract, Customer, Package

    customer, _ = Customer.objects.get_or_create(code=code, defaults={"name": code})
    package = Package.objects.select_related("release__provider").get(
        release__is_current=True, release__provider__code=provider, code=package_code
    )
    contract, _ = Contract.objects.get_or_create(
        reference=f"{code}-contract",
        defaults={
            "customer": customer,
            "provider": package.release.provider,
            "package": package,
            "start_date": date(2020, 1, 1),
        },
    )
    return contract


def _contact(contract: Any, key: str, role: str) -> Any:
    from django.contrib.auth import get_user_model

    from contracts.models import Contact, ContactRole

    email = f"{key}@{contract.customer.code}.example"
    contact, _ = Contact.objects.get_or_create(
        customer=contract.customer, email=email, defaults={"name": key}
    )
    ContactRole.objects.get_or_create(contact=contact, contract=contract, role=role)
    if role == SSM and contact.user_id is None:
        contact.user = get_user_model().objects.create_user(username=email, email=email)
        contact.save(update_fields=["user"])
    return contact


def tokens_make(mix: Mix, requests: int) -> dict[int, list[str]]:
    """Contact id -> raw write tokens, enough that no token sends more than PER_TOKEN."""
    from django.utils import timezone

    from contracts.models import Contact, ContactRole
    from contracts.services.tokens import TokenCreateInput, api_token_create

    contacts = {contact.pk: contact for contact, _ in mix}
    turns = collections.Counter(contact.pk for contact, _ in mix)
    now = timezone.now()
    tokens: dict[int, list[str]] = {}
    for contact in contacts.values():
        each = math.ceil(requests * turns[contact.pk] / len(mix) / PER_TOKEN) + 1
        manager = Contact.objects.select_related("user").get(
            customer_id=contact.customer_id,
            pk__in=ContactRole.objects.filter(role=SSM).values("contact_id"),
        )
        assert manager.user is not None
        tokens[contact.pk] = [
            api_token_create(
                data=TokenCreateInput(
                    name=f"bench {n}",
                    scope="write",
                    expires_at=now + timedelta(days=1),
                    created_by=manager.user,
                    contact=contact,
                ),
                now=now,
            )[1]
            for n in range(each)
        ]
    return tokens


# --- The paths -------------------------------------------------------------------------------
def body(answers: dict[str, Any], i: int) -> dict[str, Any]:
    return {
        "request_type": "incident",
        "subject": f"Bench API ticket {i}",
        "description": "Created by bench/bench_api_create.py.",
        **answers,
    }


def service_create(contact: Any, answers: dict[str, Any], i: int) -> None:
    from django.utils import timezone

    from tickets.models import Channel
    from tickets.services import TicketCreateInput, ticket_create

    data = TicketCreateInput(
        contact=contact, channel=Channel.API, created_by=contact.user, **body(answers, i)
    )
    ticket_create(data=data, now=timezone.now())


class ApiCaller:
    """Posts through the whole Django stack; each request with the next token of its contact
    and, with `keyed`, a fresh Idempotency-Key."""

    def __init__(self, tokens: dict[int, list[str]], *, keyed: bool) -> None:
        from django.test import Client

        self.client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="nl")
        self.turns = {pk: itertools.cycle(raws) for pk, raws in tokens.items()}
        self.keyed = keyed

    def create(self, contact: Any, answers: dict[str, Any], i: int) -> None:
        headers = {"Authorization": f"Bearer {next(self.turns[contact.pk])}"}
        if self.keyed:
            headers["Idempotency-Key"] = f"{PREFIX}{uuid.uuid4().hex}"
        response = self.client.post(
            "/api/v1/tickets/", body(answers, i), content_type="application/json", headers=headers
        )
        if response.status_code != 201:
            raise SystemExit(f"the API answered {response.status_code}: {response.content[:500]!r}")


Create = Callable[[Any, dict[str, Any], int], None]


def round_rate(create: Create, mix: Mix, count: int, start: int) -> float:
    started = time.perf_counter()
    for i in range(start, start + count):
        contact, answers = mix[i % len(mix)]
        create(contact, answers, i)
    return count / (time.perf_counter() - started)


def queries_per_creation(create: Create, mix: Mix, start: int) -> list[int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for i in range(start, start + QUERY_SAMPLE):
        contact, answers = mix[i % len(mix)]
        with CaptureQueriesContext(connection) as ctx:
            create(contact, answers, i)
        counts.append(len(ctx.captured_queries))
    return counts


def profile_round(create: Create, mix: Mix, count: int, start: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    round_rate(create, mix, count, start)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    # The API's own parts beside the service they call, then where the time goes overall.
    stats.print_stats(r"/api/|services/tokens|rest_framework/|create\.py.*ticket_create", 30)
    stats.sort_stats("tottime").print_stats(15)
    return out.getvalue()


# --- Report --------------------------------------------------------------------------------------
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=500, help="tickets per round and path")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="cProfile one API round")
    args = parser.parse_args()
    url = database_url()
    postgres_database_ensure(url)
    var = broker_dir_make()
    try:
        django_setup(url)
        return run(args)
    finally:
        var_dir_remove(var)


def run(args: argparse.Namespace) -> int:
    from django.db import connection

    mix = fixtures_reset()
    api_requests = 2 * (args.tickets * (args.rounds + 1) + QUERY_SAMPLE + 20)
    tokens = tokens_make(mix, api_requests)
    paths: dict[str, Create] = {
        "service": service_create,
        "API with Idempotency-Key": ApiCaller(tokens, keyed=True).create,
        "API without a key": ApiCaller(tokens, keyed=False).create,
    }
    # Warm every path (imports, caches, the connection's statements) before timing.
    for create in paths.values():
        round_rate(create, mix, 10, 0)
    rates: dict[str, list[float]] = {name: [] for name in paths}
    names = list(paths)
    for r in range(args.rounds):
        # Rotated each round, so no path always runs first (or last) in a round.
        for name in names[r % len(names) :] + names[: r % len(names)]:
            rate = round_rate(paths[name], mix, args.tickets, (r + 1) * args.tickets)
            rates[name].append(rate)
    medians = {name: statistics.median(values) for name, values in rates.items()}
    rows = [
        ("database", f"{connection.vendor} {connection.settings_dict['NAME']}"),
        ("tickets per round x rounds (each path)", f"{args.tickets} x {args.rounds}"),
    ]
    for name, values in rates.items():
        rows.append((f"{name}: rounds (tickets/s)", ", ".join(f"{v:.0f}" for v in values)))
        rows.append((f"{name}: median (tickets/s)", f"{medians[name]:.0f}"))
    # Each round runs the three paths back to back: its ratios compare like with like on a
    # shared machine whose load drifts between rounds; the median of them is the figure.
    ratios = {}
    for name in paths:
        if name == "service":
            continue
        per_round = [
            api / service for api, service in zip(rates[name], rates["service"], strict=True)
        ]
        ratios[name] = statistics.median(per_round)
        rows.append(
            (
                f"{name} / service: per round, median",
                f"{', '.join(f'{r:.2f}' for r in per_round)}; "
                f"{ratios[name]:.2f}x (aim >= {TARGET_RATIO})",
            )
        )
    for name, create in paths.items():
        counts = queries_per_creation(create, mix, 0)
        rows.append(
            (
                f"{name}: queries per creation (mean / max of {QUERY_SAMPLE})",
                f"{statistics.mean(counts):.2f} / {max(counts)}",
            )
        )
    print(table(rows))
    if args.profile or min(ratios.values()) < TARGET_RATIO:
        print("\nTop costs of one API round with Idempotency-Key (cProfile, cumulative):")
        print(profile_round(paths["API with Idempotency-Key"], mix, min(args.tickets, 300), 0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
