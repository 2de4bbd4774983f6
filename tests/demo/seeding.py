"""The demo as the tests in this package load it."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

DEMO_NOW = "2026-11-21T12:00:00+01:00"


def seed(*extra: str) -> str:
    """Run `seed_demo` at DEMO_NOW; its output."""
    out = StringIO()
    call_command("seed_demo", "--now", DEMO_NOW, *extra, stdout=out)
    return out.getvalue()
