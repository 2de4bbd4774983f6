"""Tickets through the API (issue #12 §2): the same services and visibility as the portal."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import api_client, contact_token, provider_token
from tests.portal.conftest import Org
from tickets.models import Channel, Ticket

pytestmark = pytest.mark.django_db


def _create_body(**extra: Any) -> dict[str, Any]:
    body = {
        "request_type": "incident",
        "subject": "Koppeling met het ERP staat stil",
        "description": "Sinds 09:00 komen er geen orders meer door.",
    }
    body.update(extra)
    return body


def test_a_named_contact_creates_a_ticket_through_the_service(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    response = client.post("/api/v1/tickets/", _create_body(), format="json")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert (ticket.channel, ticket.contact, ticket.contract) == (
        Channel.API,
        org_a.named,
        org_a.contract,
    )
    assert response["Location"] == f"/api/v1/tickets/{ticket.pk}/"
    assert response["ETag"]
    assert ticket.response_due_at is not None


def test_a_named_contact_lists_only_what_the_portal_shows_it(org_a: Org, org_b: Org) -> None:
    client = api_client(contact_token(org_a.named))
    numbers = {row["number"] for row in client.get("/api/v1/tickets/").json()["results"]}
    assert numbers == {org_a.tickets["shared"].number, org_a.tickets["own"].number}


def test_the_manager_sees_the_whole_organisation(org_a: Org, org_b: Org) -> None:
    client = api_client(contact_token(org_a.manager))
    numbers = {row["number"] for row in client.get("/api/v1/tickets/").json()["results"]}
    assert numbers == {t.number for t in org_a.tickets.values()}


def test_another_organisations_ticket_answers_404(org_a: Org, org_b: Org) -> None:
    client = api_client(contact_token(org_a.manager))
    response = client.get(f"/api/v1/tickets/{org_b.tickets['secret'].pk}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert "Bravo" not in response.content.decode()


def test_a_read_token_may_not_write(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named, scope="read"))
    response = client.post("/api/v1/tickets/", _create_body(), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "read_only_token"


def test_an_unknown_token_answers_401_with_a_bearer_challenge(db: None) -> None:
    response = api_client("sd_deadbeef_nope").get("/api/v1/tickets/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_inactive_contact_is_refused_with_the_portals_words(org_a: Org) -> None:
    raw = contact_token(org_a.named)
    org_a.named.is_active = False
    org_a.named.save(update_fields=["is_active"])
    response = api_client(raw).get("/api/v1/tickets/")
    assert response.status_code == 403
    assert response.json()["detail"] == (
        f"Contact {org_a.named.email} is inactive and cannot submit tickets."
    )


def test_field_errors_are_problem_json_in_dutch(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named), language="nl")
    response = client.post("/api/v1/tickets/", {"request_type": "incident"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400
    assert set(body["errors"]) == {"subject", "description"}
    assert body["errors"]["subject"] == ["Dit veld is vereist."]


def test_a_provider_token_sees_its_providers_customers(org_a: Org, coordinator: Any) -> None:
    client = api_client(provider_token(coordinator, "onitnow"))
    numbers = {row["number"] for row in client.get("/api/v1/tickets/").json()["results"]}
    assert org_a.tickets["private"].number in numbers
    other = api_client(provider_token(coordinator, "cbg"))
    assert other.get("/api/v1/tickets/").json()["results"] == []
    assert other.get(f"/api/v1/tickets/{org_a.tickets['private'].pk}/").status_code == 404


def test_a_stale_if_match_answers_412(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    ticket = org_a.tickets["own"]
    etag = client.get(f"/api/v1/tickets/{ticket.pk}/")["ETag"]
    first = client.patch(
        f"/api/v1/tickets/{ticket.pk}/",
        {"shared_with_organisation": True},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert first.status_code == 200, first.content
    stale = client.patch(
        f"/api/v1/tickets/{ticket.pk}/",
        {"shared_with_organisation": False},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert stale.status_code == 412
    assert Ticket.objects.get(pk=ticket.pk).shared_with_organisation is True
