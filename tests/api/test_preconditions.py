"""ETag and If-Match (issue #12 §3): a read carries the version it shows; a write naming an
older version answers 412 and changes nothing; If-None-Match with the current version answers
304. The generic proofs run over every PATCH and GET route of the URL resolver."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from tests.api.conftest import api_client, contact_token, provider_token
from tests.api.routes import api_routes, request_body, send
from tests.api.worlds import World, world_a
from tests.portal.conftest import Org
from tickets.models import Line, Ticket
from tickets.services import ticket_reply

pytestmark = pytest.mark.django_db

URL = "/api/v1/tickets/{}/"


@pytest.fixture
def a(org_a: Org, now: datetime) -> World:
    return world_a(org_a, now)


def test_a_ticket_changed_since_it_was_read_refuses_the_stale_write_with_412(
    org_a: Org, coordinator: User
) -> None:
    client = api_client(provider_token(coordinator))
    ticket = org_a.tickets["own"]
    read = client.get(URL.format(ticket.pk))
    ticket_reply(
        ticket=ticket, body="Wij kijken ernaar.", now=timezone.now(), author_user=coordinator
    )
    stale = client.patch(
        URL.format(ticket.pk), {"line": Line.SECOND}, format="json", HTTP_IF_MATCH=read["ETag"]
    )
    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    assert stale.json()["code"] == "precondition_failed"
    assert stale.json()["detail"] == (
        "Someone changed this since you read it; read it again and retry."
    )
    assert Ticket.objects.get(pk=ticket.pk).line == Line.FIRST
    fresh = client.get(URL.format(ticket.pk))["ETag"]
    assert fresh != read["ETag"]
    done = client.patch(
        URL.format(ticket.pk), {"line": Line.SECOND}, format="json", HTTP_IF_MATCH=fresh
    )
    assert done.status_code == 200, done.content
    assert Ticket.objects.get(pk=ticket.pk).line == Line.SECOND


def test_the_412_is_in_the_callers_language(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named), language="nl")
    ticket = org_a.tickets["own"]
    stale = client.patch(
        URL.format(ticket.pk),
        {"shared_with_organisation": True},
        format="json",
        HTTP_IF_MATCH='"een-oude-versie"',
    )
    assert stale.status_code == 412
    assert stale["Content-Language"] == "nl"
    assert stale.json()["detail"] == (
        "Iemand heeft dit gewijzigd sinds u het las; lees het opnieuw en probeer het nog eens."
    )


def test_the_etag_of_a_write_is_the_version_to_name_in_the_next(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named))
    ticket = org_a.tickets["own"]
    etag = client.get(URL.format(ticket.pk))["ETag"]
    first = client.patch(
        URL.format(ticket.pk), {"shared_with_organisation": True}, format="json", HTTP_IF_MATCH=etag
    )
    second = client.patch(
        URL.format(ticket.pk),
        {"shared_with_organisation": False},
        format="json",
        HTTP_IF_MATCH=first["ETag"],
    )
    assert (first.status_code, second.status_code) == (200, 200)
    assert client.get(URL.format(ticket.pk))["ETag"] == second["ETag"]


@pytest.mark.parametrize("if_match", ["*", '"older", {current}', None])
def test_a_wildcard_a_list_naming_the_current_version_or_no_condition_write(
    org_a: Org, if_match: str | None
) -> None:
    client = api_client(contact_token(org_a.named))
    ticket = org_a.tickets["own"]
    current = client.get(URL.format(ticket.pk))["ETag"]
    headers = {} if if_match is None else {"HTTP_IF_MATCH": if_match.format(current=current)}
    response = client.patch(
        URL.format(ticket.pk), {"shared_with_organisation": True}, format="json", **headers
    )
    assert response.status_code == 200, response.content


def test_if_none_match_with_the_current_version_answers_304_until_it_changes(
    org_a: Org,
) -> None:
    client = api_client(contact_token(org_a.named))
    ticket = org_a.tickets["own"]
    etag = client.get(URL.format(ticket.pk))["ETag"]
    unchanged = client.get(URL.format(ticket.pk), HTTP_IF_NONE_MATCH=etag)
    assert (unchanged.status_code, unchanged.content, unchanged["ETag"]) == (304, b"", etag)
    ticket_reply(
        ticket=ticket, body="Nog een vraag", now=timezone.now(), author_contact=org_a.named
    )
    changed = client.get(URL.format(ticket.pk), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_every_patch_route_refuses_a_stale_if_match_with_412(
    a: World, coordinator: User, now: datetime, subtests: Any
) -> None:
    """On an object the caller sees, with a valid body: 412 before anything changes."""
    client = api_client(provider_token(coordinator))
    for route in [route for route in api_routes() if "patch" in route.methods]:
        with subtests.test(msg=f"PATCH {route}"):
            path = route.path(a.values(route.params))
            before = client.get(path)
            response = client.patch(
                path,
                request_body(route, "patch", now).data,
                format="json",
                HTTP_IF_MATCH='"stale"',
            )
            assert response.status_code == 412, response.content[:300]
            assert before["ETag"]
            assert client.get(path).content == before.content


def test_every_get_with_an_etag_answers_304_to_that_etag(
    a: World, coordinator: User, subtests: Any
) -> None:
    client = api_client(provider_token(coordinator))
    tagged = []
    for route in [route for route in api_routes() if "get" in route.methods]:
        path = route.path(a.values(route.params))
        etag = client.get(path).get("ETag")
        tagged += [(route, path, etag)] if etag else []
    assert "/api/v1/tickets/{ticket_id}/" in {str(route) for route, _, _ in tagged}
    for route, path, etag in tagged:
        with subtests.test(msg=f"GET {route}"):
            again = client.get(path, HTTP_IF_NONE_MATCH=etag)
            assert (again.status_code, again["ETag"]) == (304, etag)


def test_the_body_made_from_the_schema_passes_the_input_serializer(
    a: World, coordinator: User, now: datetime
) -> None:
    """The generic proofs send such bodies: a body refused with 400 would prove nothing."""
    route = next(route for route in api_routes() if route.name == "ticket-detail")
    client = api_client(provider_token(coordinator))
    path = route.path(a.values(route.params))
    response = send(client, "patch", path, request_body(route, "patch", now))
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "answers",
    [
        {"impact_scope": "single_user", "impact_effect": "degraded"},
        {"impact_scope": "multiple_users", "impact_effect": "down"},  # Top: opens a problem
        {"request_type": "information"},
    ],
)
def test_a_created_tickets_answer_is_what_a_read_then_shows(
    org_a: Org, answers: dict[str, str]
) -> None:
    """The create answer's ETag names the version a read gives: a client may write with it."""
    client = api_client(contact_token(org_a.named))
    body = {"request_type": "incident", "subject": "Nieuw", "description": "x", **answers}
    created = client.post("/api/v1/tickets/", body, format="json")
    read = client.get(created["Location"])
    assert created.status_code == 201, created.content
    assert (created["ETag"], created.json()) == (read["ETag"], read.json())


def test_a_ticket_a_provider_registers_is_answered_as_a_read_then_shows_it(
    org_a: Org, coordinator: User
) -> None:
    client = api_client(provider_token(coordinator))
    body = {
        "request_type": "incident",
        "subject": "Monitoring: schijf vol",
        "description": "x",
        "contact": org_a.named.pk,
        "contract": org_a.contract.pk,
        "priority_level": "top",
    }
    created = client.post("/api/v1/tickets/", body, format="json")
    read = client.get(created["Location"])
    assert created.status_code == 201, created.content
    assert (created["ETag"], created.json()) == (read["ETag"], read.json())
