"""The command-line mapping of domain errors (issue #11 §1): every project command derives from
`DomainCommand`, so a refused change ends the command with its message on stderr and exit
status 1, never a traceback."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from contracts.exceptions import DomainError


class DomainCommand(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            return super().execute(*args, **options)
        except DomainError as exc:
            raise CommandError(str(exc), returncode=1) from exc
