"""A real browser against the live portal: Debian's Chromium driven by Playwright's sync API.

The browser, the flush and its repair are tests/browser_support.py's: each test loads the
catalogue first, and the module loads it again at its end for the tests that follow.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils.translation import gettext, override
from playwright.sync_api import Browser, Page

from contracts.models import Contact
from tests.browser_support import (  # noqa: F401 - the fixtures are registered by importing them
    PASSWORD,
    LiveSite,
    _catalogue_back_after_the_last_flush,
    catalogue_reload,
    chromium_browser,
    png_bytes,
)
from tests.factories import ContractFactory, UserFactory, named_contact


def nl(msgid: str, **params: object) -> str:
    """The Dutch text of a portal string; fails when the Dutch catalogue has no translation,
    so a page still showing English cannot pass as Dutch."""
    with override("nl"):
        text = gettext(msgid)
    if text == msgid:
        pytest.fail(f"no Dutch translation in locale/nl for {msgid!r}: the portal shows English")
    return text % params if params else text


@dataclass
class Portal(LiveSite):
    """The live portal, one customer contact with a login, and the browser to use it with."""

    contact: Contact = field(kw_only=True)

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
    monkeypatch.setattr("notifications.services.outbox.outbox_dispatch", dispatched.append)
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
        portal.close()
