"""The conversation loop in a real browser (issue #11, Proof): the customer in the portal, the
engineer in the back-office, the mails between them in the outbox.

The browser, the flush and its repair are tests/browser_support.py's; the live back-office and
its customers (Klant A with Anna on an onITnow ONS contract) are
tests/backoffice_browser/conftest.py's `backoffice` fixture, registered here by importing it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.utils.translation import gettext, override
from playwright.sync_api import Page

from contracts.models import Contact
from tests.backoffice_browser.conftest import backoffice  # noqa: F401 - registered by importing
from tests.browser_support import (  # noqa: F401 - the fixtures are registered by importing them
    PASSWORD,
    LiveSite,
    _catalogue_back_after_the_last_flush,
    chromium_browser,
)


def text(language: str, msgid: str, **params: object) -> str:
    """What the page or mail says in `language`; the Dutch run fails when the catalogue has no
    translation, so English text cannot pass as Dutch."""
    with override(language):
        translated = gettext(msgid)
    if language == "nl" and translated == msgid:
        pytest.fail(f"no Dutch translation in locale/nl for {msgid!r}")
    return translated % params if params else translated


def portal_login_for(site: LiveSite, contact: Contact, *, language: str) -> Page:
    """A phone-sized browser of `contact`, logged in to the portal (a login is made for them);
    the portal speaks the contact's language from the login on."""
    if contact.user_id is None:
        contact.user = User.objects.create_user(
            username=contact.email, email=contact.email, password=PASSWORD, is_staff=False
        )
    contact.language = language
    contact.save(update_fields=["user", "language"])
    page = site.page(locale="nl-NL" if language == "nl" else "en-GB")
    page.goto("/portal/login/")
    page.fill("input[name=username]", contact.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url == f"{site.url}/portal/", f"login did not reach the home page: {page.url}"
    return page
