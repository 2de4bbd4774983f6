"""Azure Event Management events through the API: the manager's token plans and reads them,
staff agree to a short-notice event, the summary lists the event's cases; the ticket answer
says which targets a ticket got."""

from typing import Any

import pytest
import time_machine

from contracts.models import AemEventStatus, ContactRoleKind
from tests.aem_support import microsoft_contract, planned_event
from tests.api.conftest import api_client, contact_token, provider_token, staff_member
from tests.factories import named_contact
from tests.portal.conftest import contact_in_role
from tests.tickets.helpers import ams, create_ticket

pytestmark = pytest.mark.django_db

NOW = ams("2026-03-02 10:00")


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def contract() -> Any:
    contract = microsoft_contract("azure-event-management")
    contact_in_role(contract, ContactRoleKind.SUPPORT_SERVICES_MANAGER)
    return contract


def manager(contract: Any) -> Any:
    ssm = contract.contact_roles.get(role=ContactRoleKind.SUPPORT_SERVICES_MANAGER).contact
    return api_client(contact_token(ssm))


def plan(client: Any, contract: Any, starts: str, ends: str) -> Any:
    body = {"contract": contract.pk, "solution": "Webshop", "starts_on": starts, "ends_on": ends}
    return client.post("/api/v1/aem-events/", body, format="json")


def test_the_manager_plans_an_event(contract: Any) -> None:
    response = plan(manager(contract), contract, "2026-05-04", "2026-05-08")
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["short_notice"]) == ("planned", False)


def test_six_days_answer_422_naming_the_field(contract: Any) -> None:
    response = plan(manager(contract), contract, "2026-05-04", "2026-05-09")
    assert response.status_code == 422
    assert "at most 5 consecutive calendar days" in response.json()["errors"]["ends_on"][0]


def test_a_named_contact_cannot_plan(contract: Any) -> None:
    client = api_client(contact_token(named_contact(contract)))
    assert plan(client, contract, "2026-05-04", "2026-05-05").status_code == 404


def test_staff_agree_to_a_short_notice_event(contract: Any) -> None:
    event_id = plan(manager(contract), contract, "2026-03-20", "2026-03-21").json()["id"]
    staff = api_client(provider_token(staff_member(), "microsoft"))
    response = staff.post(f"/api/v1/aem-events/{event_id}/agree/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == AemEventStatus.PLANNED
    assert staff.post(f"/api/v1/aem-events/{event_id}/agree/").status_code == 422


def test_a_customer_may_not_agree(contract: Any) -> None:
    event_id = plan(manager(contract), contract, "2026-03-20", "2026-03-21").json()["id"]
    assert manager(contract).post(f"/api/v1/aem-events/{event_id}/agree/").status_code == 403


def test_the_summary_lists_the_events_cases(contract: Any) -> None:
    event = planned_event(contract, "2026-03-03", "2026-03-04", now=ams("2026-01-02 10:00"))
    ticket = create_ticket(
        named_contact(contract), ams("2026-03-03 09:00"), description="AEM", priority_level="1"
    )
    with time_machine.travel(ams("2026-03-05 10:00"), tick=False):
        body = manager(contract).get(f"/api/v1/aem-events/{event.pk}/summary/").json()
    assert (body["opened"], body["cases"][0]["number"]) == (1, ticket.number)
    assert body["cases"][0]["severity"] == "Sev 1"


def test_the_ticket_answer_names_its_targets(contract: Any) -> None:
    planned_event(contract, "2026-03-02", "2026-03-03", now=ams("2026-01-02 10:00"))
    client = manager(contract)
    response = client.post(
        "/api/v1/tickets/",
        {
            "request_type": "incident",
            "subject": "Checkout",
            "description": "Fouten",
            "service_area": "azure",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["sla_policy"] == {
        "code": "ms-aem",
        "name": "Azure Event Management targets during your event",
    }


def test_the_event_list_costs_the_same_queries_for_one_event_as_for_five(contract: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = manager(contract)
    client.get("/api/v1/aem-events/")  # the token's first use notes its time: not counted
    starts = ["2026-06-01", "2026-06-08", "2026-06-15", "2026-06-22", "2026-06-29"]
    planned_event(contract, starts[0], starts[0], now=ams("2026-03-02 10:00"))
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/aem-events/").json()["results"]) == 1
    for day in starts[1:]:
        planned_event(contract, day, day, now=ams("2026-03-02 10:00"))
    with CaptureQueriesContext(connection) as five:
        assert len(client.get("/api/v1/aem-events/").json()["results"]) == 5

    assert len(five.captured_queries) == len(one.captured_queries)
