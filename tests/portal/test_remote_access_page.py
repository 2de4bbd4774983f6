"""The portal's remote-access page (SPEC SEC-04): the customer's support services manager lists,
grants and revokes; a plain contact sees no link and gets 404; nobody sees another customer's
grants."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from contracts.models import Contact, GrantState, RemoteAccessGrant
from tests.access_support import NOW, GrantCustomer, grant_customer, granted, three_grants
from tests.portal.conftest import client_for

pytestmark = pytest.mark.django_db
URL = "/portal/remote-access/"


@pytest.fixture(autouse=True)
def frozen() -> object:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def alfa() -> GrantCustomer:
    return grant_customer("alfa")


@pytest.fixture
def bravo() -> GrantCustomer:
    return grant_customer("bravo")


def client_en(who: Contact) -> Client:
    client = client_for(who)
    client.cookies["django_language"] = "en"
    return client


def test_the_manager_sees_each_grant_in_its_state(alfa: GrantCustomer) -> None:
    active, expired, revoked = three_grants(alfa)

    page = client_en(alfa.manager).get(URL)

    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="remote-access-link"' in text
    assert f'class="grant grant-active" id="grant-{active.pk}"' in text
    assert f'class="grant grant-expired" id="grant-{expired.pk}"' in text
    assert f'class="grant grant-revoked" id="grant-{revoked.pk}"' in text
    assert "days left: 7" in text
    assert "Expired on 14 June 2026 10:00." in text
    assert "Revoked on 15 June 2026 09:00 by Alfa Manager." in text
    assert f'id="revoke-{active.pk}"' in text
    assert f'id="revoke-{expired.pk}"' not in text


def test_the_manager_grants_access_through_the_form(alfa: GrantCustomer) -> None:
    response = client_en(alfa.manager).post(
        URL,
        {
            "do": "grant",
            "system": "erp-prod-01",
            "scope": "logs lezen",
            "expires_at": "2026-06-20T17:30",
            "contract": alfa.contract.pk,
        },
    )

    assert response.status_code == 302
    grant = RemoteAccessGrant.objects.get()
    assert (grant.system, grant.granted_by, grant.contract) == (
        "erp-prod-01",
        alfa.manager,
        alfa.contract,
    )
    assert grant.expires_at == NOW.replace(day=20, hour=17, minute=30)


def test_a_refused_grant_shows_the_reason_beside_the_field_and_keeps_the_input(
    alfa: GrantCustomer,
) -> None:
    page = client_en(alfa.manager).post(
        URL,
        {"do": "grant", "system": "erp-prod-01", "scope": "logs", "expires_at": "2026-12-31T12:00"},
    )

    assert page.status_code == 400
    assert "at most 90 days" in page.content.decode()
    assert 'value="erp-prod-01"' in page.content.decode()
    assert RemoteAccessGrant.objects.count() == 0


def test_the_manager_revokes_an_active_grant(alfa: GrantCustomer) -> None:
    grant = granted(alfa, "erp")

    response = client_en(alfa.manager).post(
        URL, {"do": "revoke", "grant": grant.pk, "reason": "werk klaar"}, follow=True
    )

    grant.refresh_from_db()
    assert (grant.state(NOW), grant.revoke_reason) == (GrantState.REVOKED, "werk klaar")
    assert "Access to erp was revoked." in response.content.decode()


def test_revoking_a_revoked_grant_says_so_and_changes_nothing(alfa: GrantCustomer) -> None:
    grant = granted(alfa, "erp")
    client = client_en(alfa.manager)
    client.post(URL, {"do": "revoke", "grant": grant.pk, "reason": "eerste"})

    response = client.post(
        URL, {"do": "revoke", "grant": grant.pk, "reason": "tweede"}, follow=True
    )

    grant.refresh_from_db()
    assert grant.revoke_reason == "eerste"
    assert "revoked already" in response.content.decode()


def test_a_plain_contact_sees_no_link_and_gets_404(alfa: GrantCustomer) -> None:
    granted(alfa, "erp")
    client = client_en(alfa.named)

    home = client.get("/portal/")

    assert 'id="remote-access-link"' not in home.content.decode()
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"do": "grant", "system": "x", "scope": "y"}).status_code == 404


def test_a_manager_never_sees_nor_revokes_another_customers_grant(
    alfa: GrantCustomer, bravo: GrantCustomer
) -> None:
    theirs = granted(bravo, "bravo-geheime-server")
    client = client_en(alfa.manager)

    page = client.get(URL)
    revoke = client.post(URL, {"do": "revoke", "grant": theirs.pk})

    assert "bravo-geheime-server" not in page.content.decode()
    assert revoke.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_page_is_in_dutch_by_default(alfa: GrantCustomer) -> None:
    granted(alfa, "erp", days=1 + 1 / 24)

    page = client_for(alfa.manager).get(URL)

    assert page.status_code == 200
    assert 'lang="nl"' in page.content.decode()


def test_expiry_needs_no_task_the_page_shows_it_expired_later(
    alfa: GrantCustomer, frozen: time_machine.Traveller
) -> None:
    grant = granted(alfa, "erp", days=1)
    frozen.shift(timedelta(days=1, minutes=1))

    page = client_en(alfa.manager).get(URL)

    assert f'class="grant grant-expired" id="grant-{grant.pk}"' in page.content.decode()
