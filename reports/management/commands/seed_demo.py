"""python manage.py seed_demo [--now ISO] [--logins]: demo data for a first look at the desk.

Idempotent: groups and staff users are created when missing; customers, contacts, contracts and
tickets are created only when none of the demo customers exists (see `tickets.demo`), with a
year of history whose escalations were handled and whose mails went (`escalation.demo`); then a
month of usage (`usage.demo`: rates, time on the tickets, fees, a closed month, a fair-use flag,
Microsoft credits and EDE hours, a notice) when the demo contracts have no rates yet; and
availability (`availability.demo`: monitored services, last month's outages, next week's
announced maintenance) when the demo contracts have no monitored services yet; and last
month's review pack of one contract kept (`reports.demo`). A run is
deterministic for a given week of --now. `--logins` prints the demo login table and changes
nothing.

The command lives in `reports`, the highest domain app, because each part uses its own app's
services (usage and availability sit above escalation); all parts run in one transaction.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from availability.demo import availability_demo_seed
from contracts.demo_access import remote_access_demo_seed
from contracts.management.base import DomainCommand
from escalation.demo import demo_seed_with_history
from privacy.demo import privacy_demo_seed
from reports.demo import reports_demo_seed
from tickets.demo import DemoDataError
from tickets.demo.data import AMSTERDAM
from tickets.demo.people import logins_table
from tickets.models import Status
from usage.demo import usage_demo_seed

REPORTED = (
    "groups",
    "group permissions",
    "staff users",
    "customers",
    "contacts",
    "contracts",
    "tickets",
)
USAGE_REPORTED = (
    "contract rates",
    "entitlement purchases",
    "credit rates",
    "time entries",
    "billable decisions",
    "monthly fees",
    "billing lines",
    "months closed",
    "fair-use flags",
    "service requests",
    "late changes",
    "contract notices",
    "review packs",
)

AVAILABILITY_REPORTED = (
    "monitored services",
    "outages",
    "planned maintenance",
    "announcement mails",
)


class Command(DomainCommand):
    help = (
        "Create demo groups, staff, customers, contracts, a year of tickets and a month of "
        "usage (idempotent)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="ISO datetime the demo is relative to (default: now)")
        parser.add_argument(
            "--logins", action="store_true", help="print the demo logins and change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["logins"]:
            self.stdout.write(logins_table())
            return
        now = _parse_now(options["now"])
        try:
            with transaction.atomic():
                counts = demo_seed_with_history(now=now)
                usage = usage_demo_seed(now=now)
                grants = remote_access_demo_seed(now=now)
                availability = availability_demo_seed(now=now)
                usage.update(reports_demo_seed(now=now))
                privacy = privacy_demo_seed(now=now)
        except DemoDataError as exc:
            raise CommandError(str(exc)) from exc
        self._report(counts, usage, availability)
        if grants:
            self.stdout.write(f"remote access: {grants['remote-access grants']} grants")
        if privacy["data-subject requests"]:
            self.stdout.write(
                f"privacy: {privacy['data-subject requests']} data-subject requests recorded"
            )

    def _report(
        self, counts: Counter[str], usage: Counter[str], availability: Counter[str]
    ) -> None:
        if not any(counts.values()) and not any(usage.values()) and not any(availability.values()):
            self.stdout.write("Demo data already present: nothing changed.")
            return
        for key in REPORTED:
            self.stdout.write(f"{key}: {counts[key]} created")
        statuses = ", ".join(f"{s}: {counts[f'status:{s}']}" for s in Status.values)
        self.stdout.write(f"tickets by status: {statuses}")
        self.stdout.write(
            f"history: {counts['escalations']} escalations raised, "
            f"{counts['escalations handled']} handled; {counts['mails sent']} mails sent, "
            f"{counts['mails pending']} still due"
        )
        if any(usage.values()):
            made = ", ".join(f"{usage[key]} {key}" for key in USAGE_REPORTED)
            self.stdout.write(f"usage: {made}; {usage['mails sent']} mails sent")
            total = counts["mails sent"] + usage["mails sent"] + availability["announcement mails"]
            self.stdout.write(f"outbox: {total} mails sent in all")
        if any(availability.values()):
            made = ", ".join(f"{availability[key]} {key}" for key in AVAILABILITY_REPORTED)
            self.stdout.write(f"availability: {made}")
        if counts["customers"] == 0:
            self.stdout.write(
                "Demo customers already exist: customers and tickets left as they are."
            )


def _parse_now(value: str | None) -> datetime:
    if not value:
        return timezone.now()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--now: {value!r} is not an ISO datetime") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=AMSTERDAM)
    return parsed.astimezone(UTC)
