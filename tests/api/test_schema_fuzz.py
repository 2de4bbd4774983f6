"""schemathesis against the served schema (issue #12, "Proof"): every operation of
/api/v1/schema/, through the Django WSGI application, as a customer's token with the write
scope and as a provider's token: no answer is a server error, and every answer (its status, its
content type, its body) is one the schema declares.

Bounded and deterministic: a fixed seed, derandomized generation, MAX_EXAMPLES cases per
operation and token (positive and negative data), no example database. The path parameters
name organisation A's objects (tests/api/worlds.py), which both tokens may see, so the cases
reach the views' real work instead of stopping at 404; a parameter nobody can fill fails."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import api_client, contact_token, provider_token, staff_member
from tests.api.routes import api_routes, served_schema
from tests.api.worlds import World, world_a
from tests.portal.conftest import Org

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 12
SEED = 20261205
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CONFIG = {
    "seed": SEED,
    "generation": {
        "mode": "all",
        "max-examples": MAX_EXAMPLES,
        "deterministic": True,
        "database": "none",
    },
    "phases": {
        "examples": {"enabled": False},
        "coverage": {"enabled": False},
        "stateful": {"enabled": False},
        "fuzzing": {"enabled": True},
    },
}


@pytest.fixture
def customer_token(org_a: Org) -> str:
    """A's support services manager's token, with the write scope."""
    return contact_token(org_a.manager)


@pytest.fixture
def staff_token(org_a: Org) -> str:
    """A support coordinator's onITnow token, with the write scope."""
    return provider_token(staff_member("api-fuzz"))


@pytest.fixture
def a(org_a: Org, now: datetime) -> World:
    return world_a(org_a, now)


@pytest.fixture
def served(db: None) -> Iterator[Any]:
    """The schema as /api/v1/schema/ serves it, its cases sent to the WSGI application.

    As Django's test client does, the handler's requests leave the database connection alone:
    at a request's end Django closes a connection that is inside a transaction (here the
    test's), which on PostgreSQL would end the test's own."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            reverse("api:schema") + "?format=json",
            WSGIHandler(),
            config=SchemathesisConfig.from_dict(CONFIG),
        )
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


BOUNDED = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def fuzz(operation: Any, token: str, a: World) -> None:
    """MAX_EXAMPLES cases of the operation (valid and invalid data) on A's objects; the checks
    raise what they find. Derandomized: the same cases every run."""
    path_parameters = a.values(tuple(p.name for p in operation.path_parameters))
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE, path_parameters=path_parameters),
        operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=path_parameters),
    )

    @BOUNDED
    @given(case=cases)
    def run(case: Any) -> None:
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

    run()


def fuzz_every_operation(served: Any, token: str, a: World, subtests: Any) -> None:
    for result in served.get_all_operations():
        operation = result.ok()
        with subtests.test(msg=operation.label):
            fuzz(operation, token, a)


def test_every_operation_answers_a_customer_token_as_its_schema_says(
    served: Any, customer_token: str, a: World, subtests: Any
) -> None:
    fuzz_every_operation(served, customer_token, a, subtests)


def test_every_operation_answers_a_provider_token_as_its_schema_says(
    served: Any, staff_token: str, a: World, subtests: Any
) -> None:
    fuzz_every_operation(served, staff_token, a, subtests)


def test_the_schema_describes_every_route_and_method() -> None:
    """schemathesis walks the schema: a route or method missing from it would go untested."""
    served_operations = {
        (path, method)
        for path, operations in served_schema()["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    }
    routed = {(route.template, method) for route in api_routes() for method in route.methods}
    assert routed - served_operations == set()
    assert served_operations - routed == set()


def test_a_customer_token_reaches_the_operations_it_may_use(org_a: Org, a: World) -> None:
    """The fuzz's customer token is a live writer: it files a ticket through the API."""
    client = api_client(contact_token(org_a.manager))
    response = client.post(
        "/api/v1/tickets/",
        {"request_type": "incident", "subject": "Fuzz", "description": "x"},
        format="json",
    )
    assert response.status_code == 201, response.content
