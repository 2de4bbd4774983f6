"""A real browser against the live portal: Debian's Chromium driven by Playwright's sync API.

pytest-django's `live_server` serves the portal from a thread of this process, so the tests
commit (transaction=True). The flush after each such test empties every table, the catalogue
too: each test loads it first, and the module loads it again at its end for the tests that
follow. In CI (CI=true) a missing Chromium fails the test; elsewhere it skips.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.utils.translation import gettext, override
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from pytest_django import DjangoDbBlocker

from contracts.models import Contact
from contracts.selectors import catalogue_cache_clear
from contracts.services.catalogue import catalogue_load, catalogue_paths
from tests.factories import ContractFactory, UserFactory, named_contact

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


def nl(msgid: str, **params: object) -> str:
    """The Dutch text of a portal string; fails when the Dutch catalogue has no translation,
    so a page still showing English cannot pass as Dutch."""
    with override("nl"):
        text = gettext(msgid)
    if text == msgid:
        pytest.fail(f"no Dutch translation in locale/nl for {msgid!r}: the portal shows English")
    return text % params if params else text


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
def _catalogue_back_after_the_last_flush(django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """Runs after the module's last flush: later tests find the catalogue again.

    The connection is closed here: left open, PostgreSQL refuses to drop the test database at
    the end of the session ("being accessed by other users")."""
    yield
    with django_db_blocker.unblock():
        catalogue_reload()
        connection.close()


@pytest.fixture(scope="module")
def browser(_catalogue_back_after_the_last_flush: None) -> Iterator[Browser]:
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
    """Chromium asks for /favicon.ico by itself; the portal has none (a 404 nobody links)."""
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
class Portal:
    """The live portal, one customer contact with a login, and the browser to use it with."""

    url: str
    contact: Contact
    browser: Browser
    watched: Watched = field(default_factory=Watched)
    contexts: list[BrowserContext] = field(default_factory=list)

    def page(self, **context_options: Any) -> Page:
        """A fresh browser context (no cookies) with its page watched for CSP reports.

        The browser of a Dutch customer (Accept-Language nl-NL) unless told otherwise:
        Django's LocaleMiddleware follows Accept-Language, and Chromium's own is en-US."""
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

    def login(self, page: Page) -> None:
        page.goto("/portal/login/")
        page.fill("input[name=username]", self.contact.email)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert page.url == f"{self.url}/portal/", f"login did not reach the home page: {page.url}"


@pytest.fixture
def portal(
    live_server: Any, browser: Browser, settings: Any, tmp_path: Path, monkeypatch: Any
) -> Iterator[Portal]:
    """An onITnow ONS contract, its named contact with a portal login, a provider agent."""
    catalogue_reload()  # the previous transaction test's flush removed it
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads stay out of the repository's var/
    # Escalations write outbox rows; publishing them would reach the real broker (in CI a
    # shared Redis). The rows are what we check, so the publish is recorded, not sent.
    dispatched: list[int] = []
    monkeypatch.setattr("escalation.services.outbox.outbox_dispatch", dispatched.append)
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    contact = named_contact(contract, email="anne.jansen@klant.example", name="Anne Jansen")
    user = User.objects.create_user(
        username=contact.email, email=contact.email, password=PASSWORD, is_staff=False
    )
    contact.user = user
    contact.save(update_fields=["user"])
    UserFactory(username="agent", email="agent@provider.example")
    portal = Portal(url=live_server.url, contact=contact, browser=browser)
    try:
        yield portal
    finally:
        for context in portal.contexts:
            context.close()
