"""python manage.py stored_files_orphans [--delete] [--grace-hours N]: the stored files no row
names (privacy.orphans), counted by folder; removed with --delete."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import CommandParser
from django.utils import timezone

from contracts.management.base import DomainCommand
from privacy.orphans import stored_orphans


class Command(DomainCommand):
    help = "List (or with --delete remove) stored files that no row names."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--delete", action="store_true", help="remove them")
        parser.add_argument(
            "--grace-hours",
            type=int,
            default=24,
            help="leave younger files alone (default 24: a transaction may still hold them)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        grace = timedelta(hours=options["grace_hours"])
        orphans = list(stored_orphans(storage=default_storage, now=timezone.now(), grace=grace))
        folders = Counter(name.split("/", 1)[0] for name in orphans)
        for name in orphans:
            # File names may name a person: listed only when asked for (-v 2).
            if options["verbosity"] >= 2:
                self.stdout.write(name)
            if options["delete"]:
                default_storage.delete(name)
        for folder, count in sorted(folders.items()):
            self.stdout.write(f"{folder}/: {count}")
        verb = "removed" if options["delete"] else "found (run with --delete to remove them)"
        self.stdout.write(f"{len(orphans)} stored files no row names {verb}")
