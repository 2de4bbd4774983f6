"""python manage.py load_catalog [FILE ...]: load the catalogue data files (idempotent)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from contracts.exceptions import CatalogueError
from contracts.management.base import DomainCommand
from contracts.services.catalogue import catalogue_load, catalogue_paths


class Command(DomainCommand):
    help = "Load the provider catalogue files; unchanged files change nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", help="catalogue files (default: CATALOGUE_DIR)")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(p) for p in options["files"]] or catalogue_paths(settings.CATALOGUE_DIR)
        if not paths:
            raise CommandError(f"no catalogue files in {settings.CATALOGUE_DIR}")
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise CommandError(f"no such file: {', '.join(missing)}")
        try:
            outcomes = catalogue_load(paths=paths, now=timezone.now())
        except CatalogueError as exc:
            raise CommandError(str(exc)) from exc
        for outcome in outcomes:
            verb = "loaded as version" if outcome.created else "unchanged, stays at version"
            self.stdout.write(f"{outcome.provider_code}: {verb} {outcome.version}")
