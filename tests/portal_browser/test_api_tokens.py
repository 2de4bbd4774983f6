"""API tokens in a real browser (issue #12 §1): the customer's support services manager makes a
token for a named contact in the portal, sees the raw value once (and copies it), finds only
its prefix in the list afterwards, and revokes it. English pages (the Dutch of these pages is
pending in locale/pending/tokens.json); strict CSP, no console errors, no failed request."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import expect

from contracts.models import ApiToken, ContactRole, ContactRoleKind, TokenScope
from contracts.services.tokens import api_token_find
from tests.browser_support import PASSWORD, catalogue_reload
from tests.factories import ContactFactory, ContractFactory, named_contact
from tests.portal_browser.conftest import Portal

pytestmark = pytest.mark.django_db(transaction=True)

ENGLISH = {"locale": "en-GB"}


@pytest.fixture
def manager_portal(
    live_server: Any, browser: Any, settings: Any, tmp_path: Path, monkeypatch: Any
) -> Iterator[Portal]:
    """An onITnow ONS contract; Mia, its support services manager with a portal login, and
    Noor, a named contact."""
    catalogue_reload()  # the previous transaction test's flush removed it
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("notifications.services.outbox.outbox_dispatch", lambda outbox_id: None)
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    # English pages: the login takes the contact's language (the Dutch is pending).
    manager = ContactFactory(
        customer=contract.customer, name="Mia Manager", email="mia@klant.example", language="en"
    )
    ContactRole.objects.create(
        contact=manager, contract=contract, role=ContactRoleKind.SUPPORT_SERVICES_MANAGER
    )
    named_contact(contract, name="Noor Named", email="noor@klant.example")
    manager.user = User.objects.create_user(
        username=manager.email, email=manager.email, password=PASSWORD
    )
    manager.save(update_fields=["user"])
    portal = Portal(url=live_server.url, contact=manager, browser=browser)
    try:
        yield portal
    finally:
        portal.close()


def test_the_manager_makes_a_token_sees_it_once_and_revokes_it(manager_portal: Portal) -> None:
    portal = manager_portal
    page = portal.page(**ENGLISH)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    portal.login(page)

    page.click("#api-tokens-link")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("API tokens")
    expect(page.locator("#api-tokens")).to_contain_text("No tokens yet.")
    form = page.locator("form#new-token")
    form.locator("#id_name").fill("TOPdesk koppeling")
    form.locator("#id_contact").select_option(label="Noor Named <noor@klant.example>")
    form.locator("input[name=scope][value=write]").check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    shown = page.locator("#new-token-value")
    expect(page.locator("h1")).to_have_text("Your new token “TOPdesk koppeling”")
    expect(page.locator(".token-warning")).to_contain_text(
        "Copy the token now: it will not be shown again."
    )
    raw = shown.input_value()
    assert re.fullmatch(r"sd_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", raw), raw
    page.click("button[data-copy=new-token-value]")
    expect(page.locator("button[data-copy=new-token-value]")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == raw

    token = ApiToken.objects.select_related("contact").get()
    assert token.secret_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert (token.contact.name, token.scope) == ("Noor Named", TokenScope.WRITE)
    assert raw not in page.url
    assert raw not in str(page.context.cookies())
    assert api_token_find(raw, now=timezone.now()) == token

    page.click("text=Back to the API tokens")
    row = page.locator(f"#api-token-{token.pk}")
    expect(row).to_contain_text("TOPdesk koppeling")
    expect(row).to_contain_text(f"sd_{token.prefix}_…")
    expect(row).to_contain_text("Noor Named")
    assert raw not in page.content()

    row.locator("summary").click()
    with page.expect_navigation():
        row.get_by_role("button", name="Yes, revoke this token").click()
    expect(page.locator(".messages")).to_contain_text("is revoked")
    expect(page.locator(f"#api-token-{token.pk}")).to_contain_text("revoked")
    assert api_token_find(raw, now=timezone.now()) is None
    portal.watched.assert_clean()
