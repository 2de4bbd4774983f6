"""python manage.py escalation_sweep [--now ISO] [--send]: one sweep by hand."""

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from escalation.services.outbox import outbox_due_ids, outbox_send
from escalation.services.sweep import escalation_sweep


class Command(BaseCommand):
    help = "Run one escalation sweep (operators and tests); --send also sends due emails."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", help="ISO 8601 time with offset (default: the current time)")
        parser.add_argument("--send", action="store_true", help="send the due outbox rows too")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["now"]:
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError:
                raise CommandError(f"--now {options['now']!r} is not ISO 8601") from None
            if now.tzinfo is None:
                raise CommandError("--now needs a UTC offset, e.g. 2026-05-04T17:00:00+02:00")
        result = escalation_sweep(now=now)
        self.stdout.write(f"checked {result.checked} tickets, fired {result.fired} escalations")
        if options["send"]:
            sent = sum(outbox_send(outbox_id=i, now=now) for i in outbox_due_ids(now=now))
            self.stdout.write(f"sent {sent} emails")
