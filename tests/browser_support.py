"""What the browser tests share: Debian's Chromium driven by Playwright's sync API against
pytest-django's `live_server`, and the data a flush takes away.

The live server runs in a thread of this process, so the tests commit (transaction=True). The
flush after each such test empties every table: the catalogue, and the role groups that
escalation/migrations/0002_provider_roles.py seeded. Each test brings back what it needs, and
the module brings both back at its end for the tests that follow. In CI (CI=true) a missing
Chromium fails the test; elsewhere it skips.

A conftest registers the fixtures by importing them: `chromium_browser` (the fixture
`browser`) and `_catalogue_back_after_the_last_flush`.
"""

from __future__ import annotations

import functools
import os
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations import Migration
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython
from django.db.migrations.state import ProjectState
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from pytest_django import DjangoDbBlocker

from contracts.selectors import catalogue_cache_clear
from contracts.services.catalogue import catalogue_load, catalogue_paths

IN_CI = os.environ.get("CI") == "true"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "Kl4nt-portaal-wachtwoord!"  # passes AUTH_PASSWORD_VALIDATORS
TIMEOUT_MS = 10_000  # every wait of a locator or a navigation is bounded
CATALOGUE_LOADED_AT = datetime(2025, 1, 1, tzinfo=UTC)  # as tests/conftest.py loads it
ROLE_MIGRATIONS_SUFFIX = "_roles"  # escalation.0002_provider_roles, backoffice.0001_...


def require(available: bool, reason: str) -> None:
    """A missing browser fails the run in CI and skips the test elsewhere."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def catalogue_reload() -> None:
    catalogue_load(paths=catalogue_paths(settings.CATALOGUE_DIR), now=CATALOGUE_LOADED_AT)
    catalogue_cache_clear()


@functools.cache
def _role_migrations() -> list[tuple[str, Migration, ProjectState]]:
    """The data migrations that grant the provider role groups (`*_roles`, in migration
    order), each with the project state it runs in."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    plan: list[tuple[str, str]] = []
    for leaf in loader.graph.leaf_nodes():
        plan += [key for key in loader.graph.forwards_plan(leaf) if key not in plan]
    return [
        (key[0], loader.get_migration(*key), loader.project_state(key, at_end=False))
        for key in plan
        if key[1].endswith(ROLE_MIGRATIONS_SUFFIX)
    ]


def roles_restore() -> None:
    """The provider role groups with their permissions: the RunPython steps of the `*_roles`
    migrations replayed as `migrate` runs them (historical models, a schema editor)."""
    for app_label, migration, state in _role_migrations():
        with connection.schema_editor(atomic=migration.atomic) as editor:
            for operation in migration.operations:
                if isinstance(operation, RunPython):
                    operation.database_forwards(app_label, editor, state, state)


def png_bytes() -> bytes:
    """A valid 1x1 PNG, built here so no binary file is needed in the repository."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\x1f\x4e\x79")  # filter byte + one brand-blue pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


# --- the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _catalogue_back_after_the_last_flush(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[None]:
    """Runs after the module's last flush: later tests find the catalogue and the role groups
    again.

    Requests the test database, so that the reload never runs against a database nobody set
    up (every test of the module skipped). The connection is closed here: left open,
    PostgreSQL refuses to drop the test database at the end of the session ("being accessed by
    other users")."""
    yield
    with django_db_blocker.unblock():
        catalogue_reload()
        roles_restore()
        connection.close()


@pytest.fixture(scope="module", name="browser")
def chromium_browser(_catalogue_back_after_the_last_flush: None) -> Iterator[Browser]:
    """One Chromium per module; every test opens its own context (cookies, viewport).

    Playwright's sync API keeps its asyncio loop running in a greenlet of this thread, so
    Django would take the ORM calls of the test (and pytest-django's flush) for calls from
    async code. They are plain synchronous calls: DJANGO_ALLOW_ASYNC_UNSAFE says so while the
    browser is up. Requested after the catalogue fixture, so that fixture's reload runs last,
    with Playwright stopped."""
    require(os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is missing (make browser-deps)")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
            )
            try:
                yield chromium
            finally:
                chromium.close()


def favicon(url: str) -> bool:
    """Chromium asks for /favicon.ico by itself; the site has none (a 404 nobody links)."""
    return url.endswith("/favicon.ico")


@dataclass
class Watched:
    """What went wrong in the browser while a test ran: CSP reports, errors, 4xx/5xx."""

    csp: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)

    def console(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.csp.append(message.text)
        elif message.type == "error" and not favicon(message.location.get("url", "")):
            self.errors.append(message.text)

    def response(self, response: Any) -> None:
        if response.status >= 400 and not favicon(response.url):
            self.bad_responses.append(f"{response.status} {response.url}")

    def assert_clean(self) -> None:
        assert self.csp == [], f"Content Security Policy violations: {self.csp}"
        assert self.errors == [], f"errors in the browser console: {self.errors}"
        assert self.bad_responses == [], f"failed requests: {self.bad_responses}"


@dataclass
class LiveSite:
    """The live server and the browser to use it with; every page is watched."""

    url: str
    browser: Browser
    watched: Watched = field(default_factory=Watched)
    contexts: list[BrowserContext] = field(default_factory=list)

    def page(self, **context_options: Any) -> Page:
        """A fresh browser context (no cookies) with its page watched for CSP reports.

        A Dutch browser (Accept-Language nl-NL) unless told otherwise: Django's
        LocaleMiddleware follows Accept-Language, and Chromium's own is en-US."""
        context_options.setdefault("locale", "nl-NL")
        context = self.browser.new_context(base_url=self.url, **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self.watched.console)
        page.on("pageerror", lambda error: self.watched.errors.append(str(error)))
        page.on("response", self.watched.response)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()
