"""Issue #14 §2 and §4, back-office: a Microsoft work order's usage page (balances per kind and
location, every ledger movement, requests with their late and chargeable flags and fees,
exchanges, locations) and its forms, each calling one usage service. Coordinators and the work
order's CSAM act, a service support manager reads, the first line gets 403, another CSAM 404; a
refusal is an error message in the reader's language and nothing is written."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from contracts.models import (
    EntitlementMovement,
    LocationExchange,
    ServiceExchange,
    ServiceRate,
    ServiceRequest,
    SupportLocation,
)
from tests.backoffice.conftest import staff
from tests.factories import ContractFactory
from tests.usage.microsoft_helpers import WORKSHOP, ms_service
from tests.usage.ms_admin_world import NOW, MsWorld, client_in, ms_world_build, page_urls
from usage.models import BillingLine

pytestmark = pytest.mark.django_db
CREDITS = "proactive_credits"
FORMS = [
    "ms-rate",
    "ms-redeem",
    "ms-cancel",
    "ms-reschedule",
    "ms-exchange",
    "ms-location",
    "ms-location-exchange",
]


@pytest.fixture
def world() -> MsWorld:
    return ms_world_build()


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (
            EntitlementMovement,
            ServiceRequest,
            ServiceRate,
            ServiceExchange,
            SupportLocation,
            LocationExchange,
            BillingLine,
        )
    )


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- The page -------------------------------------------------------------------------------
def test_the_page_shows_balances_per_location_every_movement_and_the_requests(world):
    html = client_in(staff("coordinator"), "en").get(page_urls(world)["ms-usage"]).content.decode()

    balances = html.split('id="ms-balances"')[1].split("</table>")[0]
    assert balances.count('class="ms-balance"') == 3  # credits at NL and DE, EDE hours
    assert "NL (host)" in balances
    assert ">40<" in balances
    assert "DE (downstream)" in balances
    assert ">20<" in balances
    assert html.split('id="ms-movements"')[1].count('class="ms-movement"') == 6
    requests = html.split('id="ms-requests"')[1].split("</table>")[0]
    assert requests.count('class="ms-request"') == 2
    assert "chargeable" in requests
    assert "fee at most" in requests
    assert "1500.00" in requests
    assert "Enter the fee" in requests
    assert html.count("Reschedule") == 1  # only the request still requested


def test_the_page_reads_in_dutch(world):
    response = client_in(staff("coordinator"), "nl").get(page_urls(world)["ms-usage"])

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="nl"' in html
    assert "proactieve credits" in html  # the entitlement's label, from the catalogue


def test_the_page_costs_the_same_queries_for_many_rows(world, django_assert_max_num_queries):
    client = client_in(staff("coordinator"), "en")
    url = page_urls(world)["ms-usage"]
    client.get(url)
    for _ in range(5):
        client.post(
            page_urls(world)["ms-redeem"],
            {
                "service": ms_service(WORKSHOP).pk,
                "location": world.downstream.pk,
                "quantity": 1,
                "first_delivery_date": "2026-08-01",
            },
        )

    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200


def test_a_microsoft_contract_links_to_its_usage_and_another_provider_does_not(world):
    client = client_in(staff("coordinator"), "en")
    other = ContractFactory(provider_code="onitnow", package_code="ons")

    ms_page = client.get(reverse("admin:contracts_contract_change", args=[world.contract.pk]))
    other_page = client.get(reverse("admin:contracts_contract_change", args=[other.pk]))

    assert page_urls(world)["ms-usage"] in ms_page.content.decode()
    assert 'id="ms-usage-link"' not in other_page.content.decode()
    assert client.get(reverse("backoffice:ms-usage", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("name", [*FORMS, "ms-fee", "ms-purchase", "ms-usage"])
def test_each_page_renders_for_a_coordinator(world, name, language):
    response = client_in(staff("coordinator"), language).get(page_urls(world)[name])

    assert response.status_code == 200
    assert f'<html lang="{language}"' in response.content.decode()


# --- Who may --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [*FORMS, "ms-usage"])
def test_the_work_orders_csam_may_act(world, name):
    assert client_in(world.csam, "en").get(page_urls(world)[name]).status_code == 200


@pytest.mark.parametrize("name", [*FORMS, "ms-usage"])
def test_another_csam_finds_nothing(world, name):
    client = client_in(staff("csam", "csam-other"), "en")

    assert client.get(page_urls(world)[name]).status_code == 404
    assert client.post(page_urls(world)[name], {}).status_code == 404


@pytest.mark.parametrize("name", [*FORMS, "ms-fee", "ms-purchase", "ms-usage"])
def test_the_first_line_cannot_see_or_act(world, name):
    client = client_in(staff("first"), "en")
    before = _counts()

    assert client.get(page_urls(world)[name]).status_code == 403
    assert client.post(page_urls(world)[name], {"fee": "10"}).status_code == 403
    assert _counts() == before


@pytest.mark.parametrize("name", [*FORMS, "ms-fee", "ms-purchase"])
def test_a_service_support_manager_reads_but_cannot_act(world, name):
    client = client_in(staff("ssm"), "en")

    assert client.get(page_urls(world)["ms-usage"]).status_code == 200
    assert client.get(page_urls(world)[name]).status_code == 403


def test_only_a_coordinator_enters_a_fee(world):
    url = page_urls(world)["ms-fee"]

    assert client_in(world.csam, "en").post(url, {"fee": "500"}).status_code == 403
    world.late_change.refresh_from_db()
    assert world.late_change.fee is None
