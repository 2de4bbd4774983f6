"""python manage.py sla_deadline --calendar CODE --start ISO --target 1h [--batch]

Prints the due time of a target in a catalogue calendar (ISO 8601 with offset). With --batch it
reads JSON lines {"calendar", "start", "target_seconds"} on stdin and writes each back with
"due" added, or with "error" for that line only.
"""

import json
import sys
from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import CommandError, CommandParser

from contracts import businesstime
from contracts.calendars import calendar_for
from contracts.exceptions import UnknownCalendarError
from contracts.management.base import DomainCommand
from contracts.selectors import calendar_current


def _start_parse(text: Any) -> datetime:
    if not isinstance(text, str):
        raise ValueError("start must be an ISO 8601 string with an offset")
    try:
        start = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"start {text!r} is not an ISO 8601 date-time") from None
    if start.tzinfo is None:
        raise ValueError(f"start {text!r} has no UTC offset; give one, e.g. +02:00")
    return start


# Ten years: anything larger is a typo, and would walk thousands of calendar days.
MAX_TARGET = timedelta(days=3650)


def due_for(calendar_code: Any, start_text: Any, budget: timedelta) -> str:
    """Due time as ISO 8601, in the calendar's own zone (the start's offset for 24x7)."""
    if not isinstance(calendar_code, str) or not calendar_code:
        raise ValueError("calendar must be a calendar code")
    if budget > MAX_TARGET:
        raise ValueError(f"target {budget} is longer than the ten-year maximum")
    start = _start_parse(start_text)
    calendar = calendar_for(calendar_current(code=calendar_code))
    due = businesstime.deadline(start, budget, calendar)
    return (due if calendar.always_open else due.astimezone(calendar.tz)).isoformat()


class Command(DomainCommand):
    help = "Compute an SLA due time in a catalogue calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--calendar", help="calendar code, e.g. onitnow")
        parser.add_argument("--start", help="ISO 8601 start with offset")
        parser.add_argument("--target", help="budget such as 1h, 90m, 4h30m")
        parser.add_argument("--batch", action="store_true", help="JSON lines on stdin")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"]:
            self._batch()
            return
        if not (options["calendar"] and options["start"] and options["target"]):
            raise CommandError("give --calendar, --start and --target (or --batch)")
        try:
            budget = businesstime.parse_duration(options["target"])
            self.stdout.write(due_for(options["calendar"], options["start"], budget))
        except (ValueError, UnknownCalendarError) as exc:
            raise CommandError(str(exc)) from exc

    def _batch(self) -> None:
        for number, line in enumerate(sys.stdin, start=1):
            if not line.strip():
                continue
            self.stdout.write(json.dumps(self._batch_line(number, line), ensure_ascii=False))

    def _batch_line(self, number: int, line: str) -> dict[str, Any]:
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            return {"line": number, "error": f"not JSON: {exc}"}
        if not isinstance(item, dict):
            return {"line": number, "error": "each line must be a JSON object"}
        item.pop("due", None)
        item.pop("error", None)
        try:
            seconds = item.get("target_seconds")
            if isinstance(seconds, bool) or not isinstance(seconds, int | float):
                raise ValueError("target_seconds must be a number")
            if seconds < 0:
                raise ValueError(f"target_seconds {seconds} is negative")
            if seconds > MAX_TARGET.total_seconds():
                raise ValueError(f"target_seconds {seconds} is longer than the ten-year maximum")
            item["due"] = due_for(
                item.get("calendar"), item.get("start"), timedelta(seconds=seconds)
            )
        except (ValueError, UnknownCalendarError, OverflowError) as exc:
            item["error"] = str(exc)
        return item
