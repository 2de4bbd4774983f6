"""Usage and billing in the API (issue 14, "everything new in the REST API"): billable lines as
the portal and the back-office show them (the manager the organisation's, a named contact its
own tickets', staff whose role reads billing their provider's), the month's CSV, a contract's
balances and next deadline, closed months, the rates and a notice, through usage's selectors
and services; refusals in the caller's language, nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User

from contracts.models import Contract, ContractNotice
from tests.api.conftest import api_client, contact_token, provider_token
from tests.backoffice.conftest import staff
from tests.tickets.helpers import ams
from tests.usage.pages_world import World, world_build
from usage.models import BillingMonth, ContractBilling

pytestmark = pytest.mark.django_db

NOW = ams("2026-06-15 10:00")
LINES = "/api/v1/billing-lines/"
MAY = {"month": "2026-05"}


@pytest.fixture(autouse=True)
def _in_june() -> Iterator[None]:
    with time_machine.travel(NOW):
        yield


@pytest.fixture
def world() -> World:
    return world_build()


def cbg_staff(role: str = "coordinator") -> Any:
    return api_client(provider_token(staff(role), "cbg"))


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def _ids(*lines: Any) -> list[int]:
    return sorted(line.pk for line in lines)


# --- billable lines ----------------------------------------------------------------------------


def test_the_manager_reads_the_organisations_lines_of_the_month(world: World) -> None:
    client = api_client(contact_token(world.manager))

    response = client.get(LINES, MAY)

    assert ids(response) == _ids(*world.lines[:3])
    first = next(row for row in response.json()["results"] if row["id"] == world.lines[0].pk)
    assert first["month"] == "2026-05"
    assert (first["minutes"], first["amount"], first["category"]) == (90, "135.00", "over_limit")
    assert first["ticket"]["number"] == world.named_ticket.number
    assert "Bravo" not in response.content.decode()


def test_a_named_contact_reads_only_the_lines_of_its_own_tickets(world: World) -> None:
    client = api_client(contact_token(world.named))

    assert ids(client.get(LINES)) == _ids(world.lines[0])
    own = client.get(f"{LINES}{world.lines[0].pk}/")
    managers = client.get(f"{LINES}{world.lines[1].pk}/")

    assert (own.status_code, managers.status_code) == (200, 404)


def test_another_organisations_line_answers_404(world: World) -> None:
    client = api_client(contact_token(world.manager))

    response = client.get(f"{LINES}{world.lines[3].pk}/")

    assert response.status_code == 404
    assert "Bravo" not in response.content.decode()


def test_staff_read_their_providers_lines_filtered_by_customer_and_category(
    world: World,
) -> None:
    client = cbg_staff()

    everyone = client.get(LINES, MAY)
    alfa_fees = client.get(
        LINES, {**MAY, "customer": world.alfa.customer_id, "category": "monthly_fee"}
    )

    assert ids(everyone) == _ids(*world.lines[:4])
    assert ids(alfa_fees) == _ids(world.lines[2])


def test_another_providers_token_sees_no_line(world: World) -> None:
    client = api_client(provider_token(staff("coordinator"), "onitnow"))

    assert ids(client.get(LINES)) == []


def test_a_role_that_does_not_work_with_billing_is_refused(world: World) -> None:
    response = cbg_staff("first").get(LINES)

    assert response.status_code == 403
    assert response.json()["code"] == "billing_role"


@pytest.mark.parametrize("month", ["2026-13", "mei", "2026-5-1"])
def test_a_month_that_is_no_month_is_refused(world: World, month: str) -> None:
    response = api_client(contact_token(world.manager)).get(LINES, {"month": month})

    assert response.status_code == 400
    assert response.json()["errors"] == {"month": ["Give the month as YYYY-MM."]}


def test_a_month_that_is_no_month_is_refused_in_dutch(world: World) -> None:
    client = api_client(contact_token(world.manager), language="nl")

    response = client.get(LINES, {"month": "2026-13"})

    assert response.json()["errors"] == {"month": ["Geef de maand als JJJJ-MM."]}


def test_the_months_csv_has_the_back_offices_columns_and_escapes_formulas(world: World) -> None:
    response = cbg_staff().get(f"{LINES}csv/", {**MAY, "customer": world.alfa.customer_id})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="billing-2026-05.csv"' in response["Content-Disposition"]
    rows = response.content.decode().splitlines()
    assert rows[0] == "customer,contract,date,ticket,category,minutes,rate,amount,vat_code"
    assert len(rows) == 4
    assert (
        f"Alfa Bouw B.V.,CBG-ALFA,2026-05-12,{world.named_ticket.number},over_limit,90,90"
        in (rows[1])
    )
    assert "Bravo" not in response.content.decode()


def test_customers_get_no_csv(world: World) -> None:
    response = api_client(contact_token(world.manager)).get(f"{LINES}csv/", MAY)

    assert response.status_code == 403


# --- a contract's usage ------------------------------------------------------------------------


def test_the_manager_reads_the_work_orders_balances(world: World) -> None:
    client = api_client(contact_token(world.manager))

    response = client.get(f"/api/v1/contracts/{world.microsoft.pk}/usage/")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["microsoft"]["credits_left"] == "75.00"
    assert body["microsoft"]["ede_hours_left"] == "37.50"
    assert body["microsoft"]["request_deadline"] == "2026-11-01"
    assert body["next_deadline"] == {"kind": "end", "on": "2026-12-31", "text": "ends"}
    assert body["fair_use"] is None


def test_the_cbg_subscription_shows_its_minutes_against_fair_use_and_totals(
    world: World,
) -> None:
    client = api_client(contact_token(world.manager))

    body = client.get(f"/api/v1/contracts/{world.alfa.pk}/usage/", MAY).json()

    assert (body["month"], body["minutes"], body["microsoft"]) == ("2026-05", 600, None)
    assert body["fair_use"]["minutes_per_licence"] == "60.0"
    assert body["fair_use"]["threshold"] == "10.0"
    assert body["fair_use"]["above_threshold"] is True
    assert body["total"] == "277.50"
    assert {row["category"] for row in body["totals"]} == {"over_limit", "monthly_fee"}


def test_a_named_contact_sees_no_balances(world: World) -> None:
    response = api_client(contact_token(world.named)).get(
        f"/api/v1/contracts/{world.microsoft.pk}/usage/"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "manager_only"


def test_another_organisations_usage_answers_404(world: World) -> None:
    response = api_client(contact_token(world.manager)).get(
        f"/api/v1/contracts/{world.bravo.pk}/usage/"
    )

    assert response.status_code == 404


# --- closed months -----------------------------------------------------------------------------


def _close(client: Any, world: World, month: str) -> Any:
    body = {"provider": world.alfa.provider_id, "month": month}
    return client.post("/api/v1/billing-months/close/", body, format="json")


def test_a_coordinator_closes_a_month_that_has_ended(world: World) -> None:
    client = cbg_staff()

    response = _close(client, world, "2026-05")

    assert response.status_code == 201, response.content
    assert response.json()["month"] == "2026-05"
    listed = client.get("/api/v1/billing-months/").json()["results"]
    assert [row["month"] for row in listed] == ["2026-05"]


def test_a_month_not_yet_over_is_refused_with_the_reason(world: World) -> None:
    response = _close(cbg_staff(), world, "2026-06")

    assert response.status_code == 422
    assert response.json()["detail"] == (
        "2026-06 is not over yet; a month can be closed once it has ended."
    )
    assert not BillingMonth.objects.exists()


def test_a_month_not_yet_over_is_refused_in_dutch(world: World) -> None:
    client = api_client(provider_token(staff("coordinator"), "cbg"), language="nl")

    response = _close(client, world, "2026-06")

    assert response.json()["detail"].startswith("2026-06 is nog niet voorbij")


def test_a_month_13_is_refused(world: World) -> None:
    response = _close(cbg_staff(), world, "2026-13")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["month"]


def test_only_coordinators_close_a_month(world: World) -> None:
    response = _close(cbg_staff("ssm"), world, "2026-05")

    assert response.status_code == 403
    assert not BillingMonth.objects.exists()


def test_a_read_only_token_cannot_close_a_month(world: World) -> None:
    client = api_client(provider_token(staff("coordinator"), "cbg", scope="read"))

    assert _close(client, world, "2026-05").status_code == 403
    assert not BillingMonth.objects.exists()


# --- rates and notices -------------------------------------------------------------------------


def _rates(**changes: Any) -> dict[str, Any]:
    return {
        "hourly_rate": "95.00",
        "km_rate": "0.45",
        "licence_fee": "8.00",
        "licence_count": 12,
        "new_licence_fee": "25.00",
        "vat_code": "NL-21",
        **changes,
    }


def test_a_coordinator_sets_the_rates_and_staff_read_them(world: World) -> None:
    url = f"/api/v1/contracts/{world.alfa.pk}/billing/"

    put = cbg_staff().put(url, _rates(), format="json")
    read = cbg_staff("ssm").get(url)

    assert put.status_code == 200, put.content
    assert read.json() == put.json()
    assert read.json()["hourly_rate"] == "95.00"


def test_a_negative_rate_is_refused_and_nothing_changes(world: World) -> None:
    url = f"/api/v1/contracts/{world.alfa.pk}/billing/"

    response = cbg_staff().put(url, _rates(km_rate="-0.10"), format="json")

    assert response.status_code == 422
    assert response.json()["detail"] == "Rate per km cannot be negative."
    assert ContractBilling.objects.get(contract=world.alfa).km_rate == Decimal("0.40")


def test_customers_are_refused_the_rates(world: World) -> None:
    response = api_client(contact_token(world.manager)).get(
        f"/api/v1/contracts/{world.alfa.pk}/billing/"
    )

    assert response.status_code == 403


def test_a_notice_is_recorded_and_ends_the_cbg_contract_at_the_month_end(
    world: World, coordinator: User
) -> None:
    client = cbg_staff()
    url = f"/api/v1/contracts/{world.alfa.pk}/notices/"

    response = client.post(url, {"received_on": "2026-06-10", "given_by": "customer"})

    assert response.status_code == 201, response.content
    assert response.json()["effective_end"] == "2026-06-30"
    assert [row["id"] for row in client.get(url).json()] == [response.json()["id"]]


def test_a_notice_dated_in_the_future_is_refused_with_nothing_written(world: World) -> None:
    url = f"/api/v1/contracts/{world.alfa.pk}/notices/"

    response = cbg_staff().post(url, {"received_on": "2026-07-01", "given_by": "customer"})

    assert response.status_code == 422
    assert "cannot be dated in the future" in response.json()["detail"]
    assert not ContractNotice.objects.exists()
    world.alfa.refresh_from_db()
    assert world.alfa.end_date is None or world.alfa.end_date > date(2026, 7, 1)


def test_a_role_without_the_notice_permission_is_refused(world: World) -> None:
    url = f"/api/v1/contracts/{world.alfa.pk}/notices/"

    response = cbg_staff("first").post(url, {"received_on": "2026-06-10", "given_by": "customer"})

    assert response.status_code == 403
    assert not ContractNotice.objects.exists()


def test_a_csam_reads_only_the_lines_of_their_own_contracts(world: World) -> None:
    csam = staff("csam")
    Contract.objects.filter(pk=world.bravo.pk).update(csam=csam)
    client = api_client(provider_token(csam, "cbg"))

    response = client.get(LINES, MAY)
    alfas = client.get(f"{LINES}{world.lines[0].pk}/")

    assert ids(response) == _ids(world.lines[3])
    assert alfas.status_code == 404
