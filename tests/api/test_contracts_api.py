"""Contracts, customers and contacts through the API (issue #12 §2): what the portal shows a
contact, what a provider's token sees, and nothing of another tenant."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User

from contracts.models import EntitlementKind, EntitlementMovement
from contracts.selectors import escalation_contacts_for
from tests.api.conftest import api_client, contact_token, provider_token, staff_member
from tests.factories import ContractFactory, named_contact
from tests.portal.conftest import Org, b_strings, leaked

pytestmark = pytest.mark.django_db


def _results(client: Any, url: str) -> list[dict[str, Any]]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return list(response.json()["results"])


# --- contracts ----------------------------------------------------------------------------------


def test_a_contact_lists_only_its_organisations_contracts(org_a: Org, org_b: Org) -> None:
    client = api_client(contact_token(org_a.named))
    response = client.get("/api/v1/contracts/")
    assert [row["reference"] for row in response.json()["results"]] == [org_a.contract.reference]
    assert leaked(response.content, b_strings(org_b)) == []


def test_another_organisations_contract_answers_404_without_a_trace(org_a: Org, org_b: Org) -> None:
    client = api_client(contact_token(org_a.manager))
    response = client.get(f"/api/v1/contracts/{org_b.contract.pk}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert leaked(response.content, b_strings(org_b)) == []


def test_the_contract_shows_package_targets_and_named_contacts_against_the_cap(
    org_a: Org,
) -> None:
    client = api_client(contact_token(org_a.named))
    body = client.get(f"/api/v1/contracts/{org_a.contract.pk}/").json()
    assert body["package"] == {"code": "ons", "name": org_a.contract.package.name}
    assert body["provider"]["code"] == "onitnow"
    assert body["calendar"] == "onitnow"
    assert body["named_contacts"] == {"count": 1, "cap": None}
    top = body["sla_policy"]["targets"][0]
    assert (top["level"], top["rank"], top["response_seconds"], top["calendar"]) == (
        "top",
        1,
        3600,
        "onitnow",
    )


def test_the_escalation_contacts_are_the_contracts_per_level(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    body = client.get(f"/api/v1/contracts/{org_a.contract.pk}/").json()
    expected = [
        (c.level, c.role, c.email)
        for level in (1, 2, 3)
        for c in escalation_contacts_for(contract=org_a.contract, level=level)
    ]
    assert [(c["level"], c["role"], c["email"]) for c in body["escalation_contacts"]] == expected
    assert expected


def test_entitlement_balances_are_the_sum_of_the_ledger(org_a: Org) -> None:
    for quantity in ("10", "-2.5"):
        EntitlementMovement.objects.create(
            contract=org_a.contract,
            kind=EntitlementKind.EDE_HOURS,
            quantity=Decimal(quantity),
            reason="test",
            occurred_at=datetime(2026, 1, 5, tzinfo=UTC),
        )
    client = api_client(contact_token(org_a.manager))
    body = client.get(f"/api/v1/contracts/{org_a.contract.pk}/").json()
    assert body["entitlements"] == [{"kind": "ede_hours", "balance": "7.50"}]


def test_staff_see_the_csam_and_a_customer_does_not(org_a: Org, coordinator: User) -> None:
    org_a.contract.csam = coordinator
    org_a.contract.save(update_fields=["csam"])
    url = f"/api/v1/contracts/{org_a.contract.pk}/"
    staff = api_client(provider_token(coordinator, "onitnow")).get(url).json()
    customer = api_client(contact_token(org_a.manager)).get(url).json()
    assert staff["csam"]["id"] == coordinator.pk
    assert "csam" not in customer
    assert "auto_renew" not in customer


def test_a_provider_token_sees_only_its_providers_contracts(
    org_a: Org, org_b: Org, coordinator: User
) -> None:
    onitnow = api_client(provider_token(coordinator, "onitnow"))
    cbg = api_client(provider_token(coordinator, "cbg"))
    references = {row["reference"] for row in _results(onitnow, "/api/v1/contracts/")}
    assert {org_a.contract.reference, org_b.contract.reference} <= references
    assert _results(cbg, "/api/v1/contracts/") == []
    assert cbg.get(f"/api/v1/contracts/{org_a.contract.pk}/").status_code == 404


def test_a_bad_status_filter_answers_400_in_dutch(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named), language="nl")
    response = client.get("/api/v1/contracts/?status=bogus")
    assert response.status_code == 400
    assert response.json()["errors"]["status"] == [
        "Selecteer een geldige keuze. bogus is geen beschikbare keuze."
    ]


# --- customers ----------------------------------------------------------------------------------


def test_a_contact_sees_only_its_own_organisation(org_a: Org, org_b: Org) -> None:
    client = api_client(contact_token(org_a.named))
    assert [row["name"] for row in _results(client, "/api/v1/customers/")] == [org_a.customer.name]
    assert client.get(f"/api/v1/customers/{org_b.customer.pk}/").status_code == 404
    assert client.get(f"/api/v1/customers/{org_a.customer.pk}/").json()["code"] == "alfa"


def test_a_provider_token_sees_the_customers_holding_its_contracts(
    org_a: Org, coordinator: User
) -> None:
    onitnow = api_client(provider_token(coordinator, "onitnow"))
    cbg = api_client(provider_token(coordinator, "cbg"))
    assert onitnow.get(f"/api/v1/customers/{org_a.customer.pk}/").json()["is_active"] is True
    assert cbg.get(f"/api/v1/customers/{org_a.customer.pk}/").status_code == 404


# --- contacts -----------------------------------------------------------------------------------


def test_the_manager_sees_the_organisations_contacts_with_their_roles(
    org_a: Org, org_b: Org
) -> None:
    client = api_client(contact_token(org_a.manager))
    rows = _results(client, "/api/v1/contacts/")
    roles = {row["email"]: [r["role"] for r in row["roles"]] for row in rows}
    assert roles == {
        org_a.manager.email: ["support_services_manager"],
        org_a.named.email: ["named_contact"],
    }
    assert client.get(f"/api/v1/contacts/{org_b.manager.pk}/").status_code == 404


def test_a_named_contact_sees_only_itself_as_on_the_portal(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    assert [row["email"] for row in _results(client, "/api/v1/contacts/")] == [org_a.named.email]
    assert client.get(f"/api/v1/contacts/{org_a.manager.pk}/").status_code == 404
    assert "has_login" not in client.get(f"/api/v1/contacts/{org_a.named.pk}/").json()


def test_a_provider_token_sees_its_customers_contacts(
    org_a: Org, org_b: Org, coordinator: User
) -> None:
    onitnow = api_client(provider_token(coordinator, "onitnow"))
    cbg = api_client(provider_token(coordinator, "cbg"))
    body = onitnow.get(f"/api/v1/contacts/?email={org_a.named.email.upper()}").json()
    assert [(row["id"], row["has_login"]) for row in body["results"]] == [(org_a.named.pk, True)]
    assert cbg.get(f"/api/v1/contacts/{org_a.named.pk}/").status_code == 404
    assert _results(cbg, "/api/v1/contacts/") == []


def test_a_csam_only_token_sees_only_the_contracts_they_manage(org_a: Org, org_b: Org) -> None:
    csam = staff_member("api-csam", "Customer success account manager")
    org_a.contract.csam = csam
    org_a.contract.save(update_fields=["csam"])
    client = api_client(provider_token(csam, "onitnow"))
    assert [row["reference"] for row in _results(client, "/api/v1/contracts/")] == [
        org_a.contract.reference
    ]
    assert client.get(f"/api/v1/customers/{org_b.customer.pk}/").status_code == 404


def test_the_lists_cost_the_same_few_queries_for_many_contracts(
    org_a: Org, coordinator: User, django_assert_max_num_queries: Any
) -> None:
    client = api_client(provider_token(coordinator, "onitnow"))
    client.get("/api/v1/contracts/")  # the calendar's current revision is cached per minute
    for _ in range(6):
        named_contact(ContractFactory())
    for url in ("/api/v1/contracts/", "/api/v1/contacts/", "/api/v1/customers/"):
        with django_assert_max_num_queries(5):
            assert len(_results(client, url)) > 6


def test_an_id_filter_beyond_any_row_answers_400_not_a_server_error(org_a: Org) -> None:
    client = api_client(contact_token(org_a.manager))
    response = client.get("/api/v1/contacts/?customer=1241783235071625782099968")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"customer"}
