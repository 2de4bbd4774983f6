"""The tenancy walk (issue #12, "Proof"): every route of /api/v1 with a path parameter, every
method it allows, as organisation A's customer token against organisation B's objects, and as a
provider token of another provider: 404, exactly as for an object that does not exist, and
none of B's identifying strings in the answer. And A's own lists and pages never show B.

The routes come from the URL resolver (tests/api/routes.py) and B's objects are made by the
name of the path parameter (tests/api/worlds.py), so a route added later is walked without
editing this file; a parameter nobody can fill fails the walk with the route's name. A route
that refuses every customer (`staff_only`) answers a customer 403 for any object alike."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

import pytest

from tests.api.conftest import api_client, contact_token, provider_token, staff_member
from tests.api.routes import Route, api_routes, request_body, send
from tests.api.worlds import Unfillable, World, world_a, world_b
from tests.portal.conftest import Org, leaked

pytestmark = pytest.mark.django_db

WITH_PARAMETERS = [route for route in api_routes() if route.params]
OTHER_PROVIDER = "microsoft"  # A and B are customers of onITnow


@pytest.fixture
def a(org_a: Org, now: datetime) -> World:
    return world_a(org_a, now)


@pytest.fixture
def b(org_b: Org, now: datetime) -> World:
    return world_b(org_b, now)


def mixes(route: Route, a: World, b: World) -> list[dict[str, Any]]:
    """Every way to fill the route's parameters with at least one of B's objects and A's for
    the rest (B's attachment under A's ticket too)."""
    return [
        {param: world.value(param) for param, world in zip(route.params, pick, strict=True)}
        for pick in itertools.product((a, b), repeat=len(route.params))
        if b in pick
    ]


def body(response: Any) -> bytes:
    """The answer's bytes, a served file's too (a download streams)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def code(response: Any) -> str | None:
    """The problem's `code` (None for an answer that is not a problem)."""
    if "problem+json" not in response.get("Content-Type", ""):
        return None
    return str(response.json().get("code"))


def walk(
    client: Any,
    route: Route,
    method: str,
    fills: list[dict[str, Any]],
    now: datetime,
    expected: int,
    strings: list[str],
) -> list[str]:
    """What went wrong on the route: an answer other than `expected` and the missing object's
    own answer, or a leaked string."""
    missing = send(client, method, route.missing_path(), request_body(route, method, now))
    wrong = []
    if missing.status_code != expected:
        wrong.append(f"a missing object answers {missing.status_code}, not {expected}")
    for values in fills:
        path = route.path(values)
        response = send(client, method, path, request_body(route, method, now))
        if (response.status_code, code(response)) != (expected, code(missing)):
            wrong.append(f"{method.upper()} {path} answers {response.status_code} {code(response)}")
        if leaks := leaked(response.content, strings):
            wrong.append(f"{method.upper()} {path} shows {leaks}")
    return wrong


def test_every_route_offers_a_method() -> None:
    assert [route.template for route in api_routes() if not route.methods] == []


def test_a_customer_of_a_meets_404_and_no_trace_of_b_on_every_route(
    org_a: Org, a: World, b: World, now: datetime, subtests: Any
) -> None:
    client = api_client(contact_token(org_a.manager))
    for route in WITH_PARAMETERS:
        for method in route.methods:
            with subtests.test(msg=f"{method.upper()} {route}"):
                try:
                    fills = mixes(route, a, b)
                except Unfillable as exc:
                    pytest.fail(f"could not fill {route}: {exc}")
                expected = 403 if route.staff_only else 404
                assert walk(client, route, method, fills, now, expected, b.strings) == []


def test_another_providers_token_meets_404_and_no_trace_on_every_route(
    org_a: Org, a: World, b: World, now: datetime, subtests: Any
) -> None:
    client = api_client(provider_token(staff_member("api-other"), OTHER_PROVIDER))
    for route in WITH_PARAMETERS:
        for method in route.methods:
            with subtests.test(msg=f"{method.upper()} {route}"):
                try:
                    fills = [b.values(route.params), a.values(route.params)]
                except Unfillable as exc:
                    pytest.fail(f"could not fill {route}: {exc}")
                strings = [*b.strings, *a.strings, org_a.customer.name]
                assert walk(client, route, method, fills, now, 404, strings) == []


def test_as_reads_of_their_own_objects_and_lists_never_show_b(
    org_a: Org, a: World, b: World, subtests: Any
) -> None:
    b.make_all({p for route in WITH_PARAMETERS for p in route.params})  # B has all A reads
    clients = {
        "manager": api_client(contact_token(org_a.manager)),
        "named contact": api_client(contact_token(org_a.named)),
    }
    for route in [route for route in api_routes() if "get" in route.methods]:
        for who, client in clients.items():
            with subtests.test(msg=f"GET {route} as A's {who}"):
                try:
                    path = route.path(a.values(route.params))
                except Unfillable as exc:
                    pytest.fail(f"could not fill {route}: {exc}")
                assert leaked(body(client.get(path)), b.strings) == []


def test_another_providers_lists_show_neither_organisation(
    org_a: Org, a: World, b: World, subtests: Any
) -> None:
    client = api_client(provider_token(staff_member("api-other"), OTHER_PROVIDER))
    strings = [*b.strings, org_a.customer.name, *[t.number for t in org_a.tickets.values()]]
    for route in [route for route in api_routes() if not route.params and "get" in route.methods]:
        with subtests.test(msg=f"GET {route}"):
            response = client.get(route.path({}))
            assert response.status_code == 200, response.content[:300]
            assert leaked(response.content, strings) == []
