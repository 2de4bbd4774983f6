"""No portal page scrolls sideways on a 390 px wide phone (issue #11 §5), in Dutch and English.

Every page of the portal is opened in Debian's Chromium at 390 x 844 with content that tends
to push a layout wide: an unbreakable subject, a long URL and a long word in the conversation,
a long file name, a resolution and a long contract channel list. The page passes when
`document.scrollingElement.scrollWidth` stays within the 390 px viewport.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Browser, Page

from contracts.models import Contact, ContactRole, ContactRoleKind
from tests.browser_support import (  # noqa: F401 - the fixtures are registered by importing them
    PASSWORD,
    LiveSite,
    _catalogue_back_after_the_last_flush,
    catalogue_reload,
    chromium_browser,
)
from tests.factories import ContactFactory, ContractFactory, UserFactory
from tests.portal.conftest import attachment_add
from tests.tickets.helpers import create_ticket
from tickets.models import Ticket
from tickets.services import ticket_reply, ticket_resolve

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 390
PHONE = {
    "viewport": {"width": WIDTH, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
LONG_WORD = "Ononderbrekelijkeconfiguratiefoutmelding" * 4
LONG_URL = (
    "https://status.leverancier.example/incidenten/2026/" + "koppeling-" * 20 + "?id=" + "9" * 60
)
LONG_FILE = "schermafdruk-van-de-foutmelding-in-de-integratiedienst-" * 3 + ".pdf"
LOCALES = {"nl": "nl-NL", "en": "en-GB"}
# Set to a directory to keep a full-page screenshot of every page checked (for a human look).
SCREENSHOTS = os.environ.get("PORTAL_390_SCREENSHOTS", "")


def _culprits(page: Page) -> list[str]:
    """The innermost elements reaching past the phone's width (a mobile browser widens its
    layout viewport to the content, so window.innerWidth cannot be the measure)."""
    return page.evaluate(
        f"""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > {WIDTH} + 1)
        .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > {WIDTH} + 1))
        .slice(0, 6).map(e => e.tagName + (e.id ? '#' + e.id : '')
          + (typeof e.className === 'string' && e.className ? '.' + e.className : '')
          + ' ' + Math.round(e.getBoundingClientRect().right))"""
    )


def assert_fits(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    if SCREENSHOTS:
        name = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "root"
        language = page.locator("html").get_attribute("lang")
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{language}-{name}.png"), full_page=True)
    assert width <= WIDTH, (
        f"{url} scrolls sideways at {WIDTH} px: scrollWidth {width}; too wide: {_culprits(page)}"
    )


def _manager(contract: Any, language: str) -> Contact:
    contact = ContactFactory(
        customer=contract.customer,
        name="Annemarie van Bergen-Schoonhoven",
        email="annemarie.van.bergen-schoonhoven@zorggroep-klant.example",
        language=language,
    )
    for role in (ContactRoleKind.SUPPORT_SERVICES_MANAGER, ContactRoleKind.NAMED_CONTACT):
        ContactRole.objects.create(contact=contact, contract=contract, role=role)
    contact.user = User.objects.create_user(
        username=contact.email, email=contact.email, password=PASSWORD, is_staff=False
    )
    contact.save(update_fields=["user"])
    return contact


def _tickets(contact: Contact) -> dict[str, Ticket]:
    now = timezone.now() - timedelta(hours=2)
    agent = UserFactory(username="agent-390")
    wide = create_ticket(
        contact,
        now,
        subject=f"Koppeling {LONG_WORD}",
        description=f"Zie {LONG_URL} en de melding {LONG_WORD}.",
    )
    ticket_reply(ticket=wide, body=f"Log: {LONG_URL}\n{LONG_WORD}", now=now, author_user=agent)
    attachment_add(wide, LONG_FILE, b"%PDF-1.4 390")
    resolved = create_ticket(contact, now, subject="Certificaat verlopen")
    resolved = ticket_resolve(
        ticket=resolved,
        kind="workaround",
        text=f"Tijdelijk certificaat geplaatst; zie {LONG_URL}",
        now=now + timedelta(hours=1),
        actor=agent,
    )
    return {"wide": wide, "resolved": resolved}


@pytest.fixture
def site(
    live_server: Any, browser: Browser, settings: Any, tmp_path: Path, monkeypatch: Any
) -> Iterator[LiveSite]:
    catalogue_reload()  # the previous transaction test's flush removed it
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("notifications.services.outbox.outbox_dispatch", lambda outbox_id: None)
    site = LiveSite(url=live_server.url, browser=browser)
    try:
        yield site
    finally:
        site.close()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_portal_page_scrolls_sideways_on_a_phone(site: LiveSite, language: str) -> None:
    # A long customer name and reference: the contract choice must not push the page sideways.
    contract = ContractFactory(
        provider_code="onitnow",
        package_code="ons",
        reference="ONI-ONS-2025-019-INSTALLATIE",
        customer__name="Installatiebedrijf Kuipers en Zonen Noord-Holland B.V.",
    )
    contact = _manager(contract, language)
    tickets = _tickets(contact)
    page = site.page(locale=LOCALES[language], **PHONE)

    for url in (
        "/portal/login/",
        "/portal/password/reset/",
        "/portal/password/reset/sent/",
        "/portal/password/set/MQ/not-a-valid-token/",
        "/portal/password/set/done/",
    ):
        assert_fits(page, url)
    assert page.locator("html").get_attribute("lang") == language

    page.goto("/portal/login/")
    page.fill("input[name=username]", contact.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url == f"{site.url}/portal/"
    assert page.locator("html").get_attribute("lang") == language

    for url in (
        "/portal/",
        "/portal/tickets/",
        "/portal/tickets/?everything=on",
        f"/portal/tickets/{tickets['wide'].number}/",
        f"/portal/tickets/{tickets['resolved'].number}/",
        "/portal/tickets/new/",
        "/portal/contract/",
        "/portal/organisation/",
        "/portal/preferences/",
    ):
        assert_fits(page, url)
    site.watched.assert_clean()
    assert_fits(page, "/portal/no-such-page/")  # the styled 404 too
