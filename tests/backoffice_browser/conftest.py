"""The coordinator back-office in a real browser (issue "Coordinator back-office" §5).

The browser, the flush and its repair come from tests/browser_support.py. The people log in
through the admin's own login form; the customers are the intake's desk (Klant A with Anna on
an onITnow ONS contract, tests/intake/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Locator, Page, expect

from tests.backoffice.conftest import staff
from tests.browser_support import (  # noqa: F401 - the fixtures are registered by importing them
    LiveSite,
    _catalogue_back_after_the_last_flush,
    catalogue_reload,
    chromium_browser,
    roles_restore,
)
from tests.intake.conftest import Desk, desk_build

STAFF_PASSWORD = "pw"  # tests.backoffice.conftest.staff sets it
DESKTOP = {"viewport": {"width": 1440, "height": 900}}


@dataclass
class Backoffice(LiveSite):
    """The live back-office, the intake's customers, and the browser to use it with."""

    desk: Desk = field(kw_only=True)

    def page_for(self, user: User, *, language: str = "en", password: str = STAFF_PASSWORD) -> Page:
        """A fresh desktop browser logged in as `user` through the admin's login form.

        English pages by default (the language cookie, as the language switch sets it), so
        the assertions can name the English text; "nl" is what a Dutch colleague sees."""
        page = self.page(**DESKTOP, locale="nl-NL" if language == "nl" else "en-GB")
        page.context.add_cookies(
            [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language, "url": self.url}]
        )
        page.goto("/admin/login/?next=/admin/")
        page.fill("#id_username", user.get_username())
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("#login-form input[type=submit]")
        assert page.url == f"{self.url}/admin/", f"login did not reach the admin: {page.url}"
        expect(page.locator("html")).to_have_attribute("lang", language)
        return page


def action_form(page: Page, action: str) -> Locator:
    """The work pages' forms are told apart by their hidden `do` field."""
    return page.locator(f"form:has(input[name=do][value={action}])")


def submit(page: Page, form: Locator) -> None:
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def success(page: Page, text: str) -> None:
    expect(page.locator("ul.messagelist li.success")).to_have_text(text)


def person(role: str, username: str, first_name: str, last_name: str) -> User:
    """A provider person in the role's group, with a real name for the pages."""
    user = staff(role, username)
    user.first_name, user.last_name = first_name, last_name
    user.save(update_fields=["first_name", "last_name"])
    return user


@pytest.fixture
def backoffice(
    live_server: Any, browser: Browser, settings: Any, tmp_path: Path, monkeypatch: Any
) -> Iterator[Backoffice]:
    """The committed desk and role groups (the previous flush removed both)."""
    catalogue_reload()
    roles_restore()
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads stay out of the repository's var/
    # Committed outbox rows are what the tests check; nothing is published to a broker.
    monkeypatch.setattr("notifications.services.outbox.outbox_dispatch", lambda outbox_id: None)
    site = Backoffice(url=live_server.url, browser=browser, desk=desk_build())
    try:
        yield site
    finally:
        site.close()
