"""What the served schema promises about answers, where schemathesis first found it wrong
(tests/api/test_schema_fuzz.py): a list answer is a cursor page; the fields only provider staff
get are optional (a customer's answer lacks them); a ticket's assignee may be null; and an id
filter too large for the database is the caller's error (400), not the server's."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import api_client, contact_token
from tests.api.routes import served_schema
from tests.portal.conftest import Org

pytestmark = pytest.mark.django_db


def component(name: str) -> dict[str, Any]:
    return dict(served_schema()["components"]["schemas"][name])


def test_a_list_answer_is_described_as_a_cursor_page() -> None:
    answer = served_schema()["paths"]["/api/v1/tickets/"]["get"]["responses"]["200"]
    page = answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert set(component(page)["properties"]) == {"next", "previous", "results"}
    assert component(page)["required"] == ["results"]


def test_fields_only_provider_staff_get_are_optional_in_the_schema() -> None:
    required = set(component("StaffTicketOutput")["required"])
    assert {"assignee", "line", "root_cause", "problem"} & required == set()
    assert {"id", "number", "status", "contact"} <= required


def test_an_unassigned_tickets_assignee_may_be_null() -> None:
    assignee = component("StaffTicketOutput")["properties"]["assignee"]
    assert {"type": "null"} in assignee.get("oneOf", []) + assignee.get("anyOf", [])


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/tickets/", "customer"),
        ("/api/v1/contracts/", "customer"),
        ("/api/v1/escalations/", "ticket"),
    ],
)
def test_an_id_filter_too_large_for_the_database_answers_400(
    org_a: Org, path: str, name: str
) -> None:
    """Every id filter is one kind (api.filters.IdFilter): any id a bigint holds is asked for,
    a larger one is the caller's error on that field."""
    client = api_client(contact_token(org_a.manager))
    too_large = client.get(path, {name: str(2**63)})
    large = client.get(path, {name: str(2**40)})

    assert too_large.status_code == 400, too_large.content
    assert set(too_large.json()["errors"]) == {name}
    assert large.status_code == 200, large.content
    assert large.json()["results"] == []
