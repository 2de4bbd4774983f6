"""Remote-access grants through the API (SPEC SEC-04): the customer's support services manager
lists, grants and revokes its own organisation's; a plain contact is refused; provider staff
read their customers' grants and a support coordinator may revoke one; another tenant's grant
answers 404; refusals answer 422 with the reason in the caller's language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from contracts.models import GrantState, RemoteAccessGrant
from tests.access_support import GrantCustomer, grant_customer, granted
from tests.api.conftest import api_client, contact_token, provider_token, staff_member

pytestmark = pytest.mark.django_db
URL = "/api/v1/remote-access-grants/"


@pytest.fixture
def alfa() -> GrantCustomer:
    return grant_customer("alfa")


@pytest.fixture
def bravo() -> GrantCustomer:
    return grant_customer("bravo")


def _until(days: float = 3) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


def _grant_now(who: GrantCustomer, system: str) -> RemoteAccessGrant:
    return granted(who, system, at=timezone.now())


def test_the_manager_grants_access_and_reads_it_back(alfa: GrantCustomer) -> None:
    client = api_client(contact_token(alfa.manager))

    response = client.post(
        URL,
        {
            "system": "erp-prod-01",
            "scope": "logs lezen",
            "expires_at": _until(),
            "contract": alfa.contract.pk,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["system"], body["state"], body["granted_by"]["name"]) == (
        "erp-prod-01",
        GrantState.ACTIVE,
        "Alfa Manager",
    )
    assert body["contract"] == {"id": alfa.contract.pk, "reference": alfa.contract.reference}
    assert client.get(f"{URL}{body['id']}/").json()["id"] == body["id"]


def test_a_grant_beyond_ninety_days_answers_422_with_the_field(alfa: GrantCustomer) -> None:
    client = api_client(contact_token(alfa.manager), language="en")

    response = client.post(
        URL, {"system": "erp", "scope": "logs", "expires_at": _until(91)}, format="json"
    )

    assert response.status_code == 422, response.content
    assert response.json()["code"] == "remote_access_refused"
    assert "at most 90 days" in response.json()["errors"]["expires_at"][0]
    assert RemoteAccessGrant.objects.count() == 0


def test_the_manager_revokes_once_and_a_second_revoke_answers_422(alfa: GrantCustomer) -> None:
    grant = _grant_now(alfa, "erp")
    client = api_client(contact_token(alfa.manager))

    first = client.post(f"{URL}{grant.pk}/revoke/", {"reason": "klaar"}, format="json")
    second = client.post(f"{URL}{grant.pk}/revoke/", {"reason": "nogmaals"}, format="json")

    assert first.status_code == 200, first.content
    assert (first.json()["state"], first.json()["revoked_by"]["name"]) == (
        GrantState.REVOKED,
        "Alfa Manager",
    )
    assert second.status_code == 422
    grant.refresh_from_db()
    assert grant.revoke_reason == "klaar"


def test_a_plain_contact_is_refused_the_list_and_finds_no_grant(alfa: GrantCustomer) -> None:
    grant = _grant_now(alfa, "erp")
    client = api_client(contact_token(alfa.named))

    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{grant.pk}/").status_code == 404
    assert client.post(f"{URL}{grant.pk}/revoke/", {}, format="json").status_code == 404
    refused = client.post(
        URL, {"system": "erp2", "scope": "logs", "expires_at": _until()}, format="json"
    )
    assert refused.status_code == 422
    assert RemoteAccessGrant.objects.count() == 1


def test_a_manager_never_reaches_another_customers_grant_or_contract(
    alfa: GrantCustomer, bravo: GrantCustomer
) -> None:
    theirs = _grant_now(bravo, "bravo-geheime-server")
    client = api_client(contact_token(alfa.manager))

    listing = client.get(URL)
    revoke = client.post(f"{URL}{theirs.pk}/revoke/", {}, format="json")
    create = client.post(
        URL,
        {"system": "x", "scope": "y", "expires_at": _until(), "contract": bravo.contract.pk},
        format="json",
    )

    assert "bravo-geheime-server" not in listing.content.decode()
    assert (revoke.status_code, create.status_code) == (404, 404)
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_staff_read_their_customers_grants_and_may_not_create(
    alfa: GrantCustomer, bravo: GrantCustomer, django_assert_max_num_queries: Any
) -> None:
    for n in range(3):
        _grant_now(alfa, f"alfa-{n}")
    _grant_now(bravo, "bravo-1")
    client = api_client(provider_token(staff_member("api-second", "Second line")))

    with django_assert_max_num_queries(8):
        listing = client.get(URL, {"customer": alfa.contract.customer_id})
    create = client.post(URL, {"system": "x", "scope": "y", "expires_at": _until()}, format="json")

    assert listing.status_code == 200, listing.content
    assert sorted(r["system"] for r in listing.json()["results"]) == ["alfa-0", "alfa-1", "alfa-2"]
    assert create.status_code == 403


def test_the_state_filter_lists_only_the_active_grants(alfa: GrantCustomer) -> None:
    active = _grant_now(alfa, "erp")
    revoked = _grant_now(alfa, "vpn")
    api_client(contact_token(alfa.manager)).post(f"{URL}{revoked.pk}/revoke/", {}, format="json")
    client = api_client(provider_token(staff_member()))

    listing = client.get(URL, {"state": "active"})

    assert [r["id"] for r in listing.json()["results"]] == [active.pk]


def test_a_coordinator_may_revoke_and_a_second_line_engineer_may_not(alfa: GrantCustomer) -> None:
    grant = _grant_now(alfa, "erp")
    engineer = api_client(provider_token(staff_member("api-second", "Second line")))
    coordinator = api_client(provider_token(staff_member()))

    refused = engineer.post(f"{URL}{grant.pk}/revoke/", {}, format="json")
    done = coordinator.post(f"{URL}{grant.pk}/revoke/", {"reason": "per telefoon"}, format="json")

    assert refused.status_code == 403
    assert done.status_code == 200, done.content
    assert done.json()["revoke_reason"] == "per telefoon"


def test_another_providers_token_sees_no_grant(alfa: GrantCustomer) -> None:
    grant = _grant_now(alfa, "erp")
    client = api_client(provider_token(staff_member("api-ms"), "microsoft"))

    assert client.get(URL).json()["results"] == []
    assert client.get(f"{URL}{grant.pk}/").status_code == 404


def test_a_read_token_may_not_grant(alfa: GrantCustomer) -> None:
    client = api_client(contact_token(alfa.manager, scope="read"))

    response = client.post(
        URL, {"system": "erp", "scope": "logs", "expires_at": _until()}, format="json"
    )

    assert response.status_code == 403
