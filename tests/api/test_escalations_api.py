"""Escalations and problems through the API (issue #12 §2): a customer sees what the portal shows
of its tickets' escalations, staff acknowledge and resolve as in the back-office, problems are
the staff's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User

from escalation.models import Escalation, Level, Reason
from tests.api.conftest import api_client, contact_token, provider_token, staff_member
from tests.portal.conftest import Org
from tickets.models import Ticket
from tickets.services.problems import problem_open

pytestmark = pytest.mark.django_db

RECIPIENT = {"role": "COO", "name": "Frank", "email": "frank@onitnow.example", "language": "nl"}


def _escalate(ticket: Ticket, now: datetime, level: int = Level.FIRST_LINE) -> Escalation:
    return Escalation.objects.create(
        ticket=ticket,
        level=level,
        reason=Reason.RESPONSE_WARNING if level == Level.WARNING else Reason.RESPONSE_BREACH,
        clock_version=1,
        raised_at=now,
        recipients=[RECIPIENT],
        note="interne notitie",
    )


def _ids(client: Any, query: str = "") -> set[int]:
    response = client.get(f"/api/v1/escalations/{query}")
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def escalations(org_a: Org, org_b: Org, now: datetime) -> dict[str, Escalation]:
    return {
        "shared": _escalate(org_a.tickets["shared"], now),
        "warning": _escalate(org_a.tickets["shared"], now, Level.WARNING),
        "private": _escalate(org_a.tickets["private"], now),
        "secret": _escalate(org_b.tickets["secret"], now),
    }


def test_a_named_contact_sees_the_escalations_of_the_tickets_it_sees(
    org_a: Org, escalations: dict[str, Escalation]
) -> None:
    client = api_client(contact_token(org_a.named))
    assert _ids(client) == {escalations["shared"].pk}
    assert client.get(f"/api/v1/escalations/{escalations['private'].pk}/").status_code == 404


def test_the_manager_sees_the_organisations_but_not_the_desks_warnings(
    org_a: Org, escalations: dict[str, Escalation]
) -> None:
    client = api_client(contact_token(org_a.manager))
    assert _ids(client) == {escalations["shared"].pk, escalations["private"].pk}
    assert client.get(f"/api/v1/escalations/{escalations['warning'].pk}/").status_code == 404


def test_another_organisations_escalation_answers_404_without_a_trace(
    org_a: Org, escalations: dict[str, Escalation]
) -> None:
    client = api_client(contact_token(org_a.manager))
    response = client.get(f"/api/v1/escalations/{escalations['secret'].pk}/")
    assert response.status_code == 404
    assert "SD-" not in response.content.decode()


def test_a_customer_sees_no_recipients_or_notes(
    org_a: Org, escalations: dict[str, Escalation]
) -> None:
    client = api_client(contact_token(org_a.named))
    body = client.get(f"/api/v1/escalations/{escalations['shared'].pk}/").json()
    assert body["ticket"]["number"] == org_a.tickets["shared"].number
    assert not {"recipients", "note", "acknowledged_by", "configuration_error"} & set(body)
    assert "frank@onitnow.example" not in str(body)


def test_staff_see_who_was_told(
    org_a: Org, escalations: dict[str, Escalation], coordinator: User
) -> None:
    client = api_client(provider_token(coordinator, "onitnow"))
    body = client.get(f"/api/v1/escalations/{escalations['shared'].pk}/").json()
    assert body["recipients"] == [RECIPIENT]
    assert body["note"] == "interne notitie"


def test_escalations_filter_by_ticket_level_and_state(
    org_a: Org, escalations: dict[str, Escalation], coordinator: User, now: datetime
) -> None:
    client = api_client(provider_token(coordinator, "onitnow"))
    Escalation.objects.filter(pk=escalations["private"].pk).update(acknowledged_at=now)
    shared = org_a.tickets["shared"].pk
    assert _ids(client, f"?ticket={shared}&level=0") == {escalations["warning"].pk}
    assert _ids(client, "?acknowledged=true") == {escalations["private"].pk}
    assert escalations["private"].pk not in _ids(client, "?acknowledged=false")
    assert _ids(client, "?open=false") == set()


def test_a_provider_token_of_another_provider_sees_none(
    org_a: Org, escalations: dict[str, Escalation], coordinator: User
) -> None:
    client = api_client(provider_token(coordinator, "cbg"))
    assert _ids(client) == set()
    assert client.get(f"/api/v1/escalations/{escalations['shared'].pk}/").status_code == 404


def test_a_coordinator_acknowledges_and_a_second_time_is_a_conflict_in_dutch(
    org_a: Org, escalations: dict[str, Escalation], coordinator: User
) -> None:
    url = f"/api/v1/escalations/{escalations['shared'].pk}/acknowledge/"
    client = api_client(provider_token(coordinator, "onitnow"), language="nl")
    first = client.post(url)
    assert first.status_code == 200, first.content
    assert first.json()["acknowledged_by"] == coordinator.email
    again = client.post(url)
    assert again.status_code == 409
    assert again.json()["detail"] == "Deze escalatie was al bevestigd."
    assert again.json()["code"] == "already_acknowledged"


def test_the_first_line_may_not_acknowledge(org_a: Org, escalations: dict[str, Escalation]) -> None:
    first_line = staff_member("api-first-line", "First line")
    client = api_client(provider_token(first_line, "onitnow"))
    response = client.post(f"/api/v1/escalations/{escalations['shared'].pk}/acknowledge/")
    assert response.status_code == 403
    assert response.json()["code"] == "escalation_role"
    assert Escalation.objects.get(pk=escalations["shared"].pk).acknowledged_at is None


def test_a_customer_may_not_acknowledge_or_resolve(
    org_a: Org, escalations: dict[str, Escalation]
) -> None:
    client = api_client(contact_token(org_a.manager))
    base = f"/api/v1/escalations/{escalations['shared'].pk}"
    acknowledge = client.post(f"{base}/acknowledge/")
    resolve = client.post(f"{base}/resolve/", {"note": "klaar"}, format="json")
    assert (acknowledge.status_code, acknowledge.json()["code"]) == (403, "staff_only")
    assert (resolve.status_code, resolve.json()["code"]) == (403, "staff_only")


def test_a_read_only_token_may_not_acknowledge(
    org_a: Org, escalations: dict[str, Escalation], coordinator: User
) -> None:
    client = api_client(provider_token(coordinator, "onitnow", scope="read"))
    response = client.post(f"/api/v1/escalations/{escalations['shared'].pk}/acknowledge/")
    assert response.json()["code"] == "read_only_token"


def test_an_escalation_officer_resolves_with_a_note_once(
    org_a: Org, escalations: dict[str, Escalation]
) -> None:
    officer = staff_member("api-officer", "Escalation officer")
    url = f"/api/v1/escalations/{escalations['shared'].pk}/resolve/"
    client = api_client(provider_token(officer, "onitnow"), language="nl")
    missing = client.post(url, {}, format="json")
    assert missing.json()["errors"] == {"note": ["Dit veld is vereist."]}
    done = client.post(url, {"note": "Monteur ingepland"}, format="json")
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["resolved_by"]["id"], body["resolution_note"]) == (officer.pk, "Monteur ingepland")
    assert body["acknowledged_by"] == officer.email
    again = api_client(provider_token(officer, "onitnow")).post(
        url, {"note": "nog eens"}, format="json"
    )
    assert again.status_code == 422
    assert again.json()["detail"].startswith(
        f"Escalation {escalations['shared'].pk} was already resolved on "
    )


def test_another_providers_escalation_cannot_be_acknowledged(
    org_a: Org, escalations: dict[str, Escalation], coordinator: User
) -> None:
    client = api_client(provider_token(coordinator, "cbg"))
    response = client.post(f"/api/v1/escalations/{escalations['shared'].pk}/acknowledge/")
    assert response.status_code == 404
    assert Escalation.objects.get(pk=escalations["shared"].pk).acknowledged_at is None


# --- problems -----------------------------------------------------------------------------------


@pytest.fixture
def problem(org_a: Org, now: datetime) -> Any:
    return problem_open(
        title="ERP-koppeling valt steeds weg",
        customer=org_a.customer,
        tickets=[org_a.tickets["private"]],
        origin="coordinator",
        now=now,
        actor=None,
    )


def test_problems_are_not_shown_to_customers(org_a: Org, problem: Any) -> None:
    client = api_client(contact_token(org_a.manager))
    assert client.get("/api/v1/problems/").status_code == 403
    response = client.get(f"/api/v1/problems/{problem.pk}/")
    assert response.status_code == 403
    assert "ERP" not in response.content.decode()


def test_a_provider_token_reads_its_problems_with_their_incidents(
    org_a: Org, problem: Any, coordinator: User
) -> None:
    client = api_client(provider_token(coordinator, "onitnow"))
    body = client.get(f"/api/v1/problems/{problem.pk}/").json()
    assert body["number"] == problem.number
    assert body["incidents"] == [
        {"id": org_a.tickets["private"].pk, "number": org_a.tickets["private"].number}
    ]
    listed = client.get("/api/v1/problems/?status=open").json()["results"]
    assert [row["id"] for row in listed] == [problem.pk]


def test_another_providers_token_does_not_see_the_problem(
    org_a: Org, problem: Any, coordinator: User
) -> None:
    client = api_client(provider_token(coordinator, "cbg"))
    assert client.get(f"/api/v1/problems/{problem.pk}/").status_code == 404
    assert client.get("/api/v1/problems/").json()["results"] == []
