"""python manage.py sla_compliance --contract REF --month 2026-05: target compliance (D9)."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from contracts.management.base import DomainCommand
from contracts.models import Contract
from tickets.compliance import sla_compliance


def month_bounds(text: str) -> tuple[datetime, datetime]:
    """The calendar month YYYY-MM in the display zone, as aware datetimes."""
    try:
        first = datetime.strptime(text, "%Y-%m").replace(
            tzinfo=ZoneInfo(settings.DISPLAY_TIME_ZONE)
        )
    except ValueError:
        raise CommandError(f"--month {text!r} is not YYYY-MM") from None
    following = first.replace(year=first.year + first.month // 12, month=first.month % 12 + 1)
    return first, following


class Command(DomainCommand):
    help = "Response and resolution compliance per priority for one contract and month."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--contract", required=True, help="contract reference")
        parser.add_argument("--month", required=True, help="YYYY-MM")

    def handle(self, *args: Any, **options: Any) -> None:
        contract = Contract.objects.filter(reference=options["contract"]).first()
        if contract is None:
            raise CommandError(f"no contract with reference {options['contract']!r}")
        start, end = month_bounds(options["month"])
        rows = sla_compliance(contract_id=contract.pk, start=start, end=end, now=timezone.now())
        self.stdout.write(f"{contract} - {options['month']}")
        if not rows:
            self.stdout.write("no SLA clock was decided in this month")
        header = f"{'priority':<12}{'metric':<12}{'met':>5}{'missed':>8}{'%':>8}{'target':>8}  ok"
        self.stdout.write(header)
        for row in rows:
            percent = f"{row.percentage}" if row.percentage is not None else "-"
            target = f"{row.threshold:.0f}" if row.threshold is not None else "-"
            verdict = {True: "yes", False: "NO", None: "-"}[row.within_threshold]
            self.stdout.write(
                f"{row.label:<12}{row.metric:<12}{row.met:>5}{row.missed:>8}{percent:>8}"
                f"{target:>8}  {verdict}"
            )
            for excluded in row.excluded:
                self.stdout.write(f"    not counted: {excluded}")
