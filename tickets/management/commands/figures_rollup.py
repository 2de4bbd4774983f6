"""python manage.py figures_rollup [--again]: the dashboard's months that are over rolled up,
as the beat does every FIGURES_ROLLUP_SECONDS (issue #16). --again counts every month again:
after tickets were changed outside the services (a restore, a data migration), which the
roll-up cannot see."""

from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from contracts.management.base import DomainCommand
from tickets.services.figures import figures_months_outdate, figures_rollup


class Command(DomainCommand):
    help = "Roll up the dashboard's months that are over (again with --again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--again", action="store_true", help="count every month again, not only changed ones"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["again"]:
            figures_months_outdate()
        months = figures_rollup(now=timezone.now(), limit=10_000)
        listed = ", ".join(f"{m:%Y-%m}" for m in sorted(months)) or "none"
        self.stdout.write(f"months counted: {listed}")
