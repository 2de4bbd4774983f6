"""python manage.py escalation_sweep [--now ISO] [--send]: one sweep by hand.

Only a sweep at the real current time writes and sends. With --now (another time, past or
future) it is a dry run: it prints what would fire and writes nothing, because escalations
stamped ahead of real time would hold back their real mail until then."""

from datetime import datetime
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from contracts.management.base import DomainCommand
from escalation.services.sweep import escalation_sweep, escalation_sweep_preview
from notifications.services.outbox import outbox_relay


class Command(DomainCommand):
    help = (
        "Run one escalation sweep at the current time (--send also sends due emails); "
        "with --now, show what would fire at that time without writing anything."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", help="ISO 8601 time with offset: a dry run that writes nothing"
        )
        parser.add_argument("--send", action="store_true", help="send the due outbox rows too")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            self._preview(options["now"], send=options["send"])
            return
        now = timezone.now()
        result = escalation_sweep(now=now)
        self.stdout.write(f"checked {result.checked} tickets, fired {result.fired} escalations")
        if options["send"]:
            self.stdout.write(f"sent {outbox_relay(now=now)} emails")

    def _preview(self, value: str, *, send: bool) -> None:
        try:
            now = datetime.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--now {value!r} is not ISO 8601") from None
        if now.tzinfo is None:
            raise CommandError("--now needs a UTC offset, e.g. 2026-05-04T17:00:00+02:00")
        preview = escalation_sweep_preview(now=now)
        self.stdout.write(
            f"dry run at {now.isoformat()}: nothing is written or sent "
            "(only a sweep at the current time writes)"
        )
        for line in preview.would_fire:
            self.stdout.write(f"would fire: {line}")
        self.stdout.write(
            f"checked {preview.checked} tickets, would fire {len(preview.would_fire)} escalations"
        )
        if send:
            self.stdout.write("--send is ignored in a dry run")
