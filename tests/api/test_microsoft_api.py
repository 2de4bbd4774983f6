"""Microsoft work orders in the API (issue 14 §2, D20): the customer's manager redeems proactive
credits, staff cancel, reschedule and enter a late change's fee, record credit rates, exchanges
between services (with the approver) and between support locations, through usage's services;
refusals carry the service's reason in the caller's language and nothing is written."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from contracts.models import (
    ContactRoleKind,
    Contract,
    ServiceExchange,
    ServiceRate,
    ServiceRequest,
    SupportLocation,
)
from contracts.selectors import entitlement_balances
from tests.api.conftest import api_client, contact_token, provider_token
from tests.backoffice.conftest import staff
from tests.portal.conftest import contact_in_role
from tests.tickets.helpers import ams
from tests.usage.microsoft_helpers import WORKSHOP, buy, ms_contract, ms_service, rate
from usage.models import BillingLine

pytestmark = pytest.mark.django_db

NOW = ams("2026-06-01 10:00")
CREDITS = "proactive_credits"


@pytest.fixture(autouse=True)
def _in_june() -> Iterator[None]:
    with time_machine.travel(NOW):
        yield


@pytest.fixture
def work_order() -> Contract:
    contract = ms_contract()
    buy(contract, CREDITS, "10")
    rate(WORKSHOP, "2.5", price="1000")
    manager = ContactRoleKind.SUPPORT_SERVICES_MANAGER
    contact_in_role(contract, manager, email="mia@ms-klant.example")
    return contract


def manager_client(contract: Contract, language: str = "en", scope: str = "write") -> Any:
    manager = contract.customer.contacts.get(email="mia@ms-klant.example")
    return api_client(contact_token(manager, scope=scope), language)


def ms_staff(role: str = "coordinator", language: str = "en") -> Any:
    return api_client(provider_token(staff(role), "microsoft"), language)


def _redeem(client: Any, contract: Contract, **body: Any) -> Any:
    payload = {"service": WORKSHOP, "first_delivery_date": "2026-07-01", **body}
    return client.post(f"/api/v1/contracts/{contract.pk}/service-requests/", payload, format="json")


def _left(contract: Contract) -> Decimal:
    return entitlement_balances(contract)[CREDITS]


# --- redeeming credits -------------------------------------------------------------------------


def test_the_manager_redeems_credits_rounded_half_up(work_order: Contract) -> None:
    client = manager_client(work_order)

    response = _redeem(client, work_order, quantity=1)

    assert response.status_code == 201, response.content
    assert (response.json()["credits"], response.json()["status"]) == ("3.00", "requested")
    assert _left(work_order) == 7
    listed = client.get(f"/api/v1/contracts/{work_order.pk}/service-requests/").json()
    assert [row["id"] for row in listed] == [response.json()["id"]]


def test_a_redemption_beyond_the_balance_is_refused_with_nothing_written(
    work_order: Contract,
) -> None:
    response = _redeem(manager_client(work_order), work_order, quantity=5)

    assert response.status_code == 422
    name = ms_service(WORKSHOP).name
    assert response.json()["detail"] == f"{name} costs 13 credits; only 10 are left."
    assert not ServiceRequest.objects.exists()
    assert _left(work_order) == 10


def test_a_redemption_beyond_the_balance_is_refused_in_dutch(work_order: Contract) -> None:
    response = _redeem(manager_client(work_order, "nl"), work_order, quantity=5)

    assert "kost 13 credits" in response.json()["detail"]


def test_a_negative_quantity_is_refused_with_the_services_reason(work_order: Contract) -> None:
    response = _redeem(manager_client(work_order), work_order, quantity=-2)

    assert response.status_code == 422
    assert response.json()["detail"] == "The quantity must be at least 1."
    assert not ServiceRequest.objects.exists()


def test_an_unknown_service_is_refused_as_the_fields_error(work_order: Contract) -> None:
    response = _redeem(manager_client(work_order), work_order, service="no-such-service")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["service"]


def test_a_named_contact_may_not_redeem(work_order: Contract) -> None:
    named = contact_in_role(work_order, ContactRoleKind.NAMED_CONTACT)

    response = _redeem(api_client(contact_token(named)), work_order)

    assert response.status_code == 403
    assert not ServiceRequest.objects.exists()


def test_a_read_only_token_may_not_redeem(work_order: Contract) -> None:
    response = _redeem(manager_client(work_order, scope="read"), work_order)

    assert response.status_code == 403
    assert response.json()["code"] == "read_only_token"
    assert not ServiceRequest.objects.exists()


def test_another_organisations_work_order_answers_404(work_order: Contract) -> None:
    other = ms_contract(csam=None, reference="MS-ANDER")

    response = _redeem(manager_client(work_order), other)

    assert response.status_code == 404
    assert not ServiceRequest.objects.exists()


# --- cancelling, rescheduling and the fee ------------------------------------------------------


def _requested(contract: Contract, day: str = "2026-07-01") -> int:
    response = _redeem(ms_staff(), contract, first_delivery_date=day)
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def test_staff_cancel_in_time_and_the_credits_come_back(work_order: Contract) -> None:
    request_id = _requested(work_order)

    response = ms_staff().post(f"/api/v1/service-requests/{request_id}/cancel/")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert response.json()["changes"][0]["chargeable"] is False
    assert _left(work_order) == 10


def test_a_late_reschedule_is_chargeable_and_a_coordinator_enters_its_fee(
    work_order: Contract,
) -> None:
    request_id = _requested(work_order, day="2026-06-10")
    moved = ms_staff().post(
        f"/api/v1/service-requests/{request_id}/reschedule/",
        {"first_delivery_date": "2026-06-20"},
        format="json",
    )
    change = moved.json()["changes"][0]
    fee_url = f"/api/v1/service-requests/{request_id}/changes/{change['id']}/fee/"

    refused = ms_staff("first").post(fee_url, {"fee": "400.00"}, format="json")
    entered = ms_staff().post(fee_url, {"fee": "400.00"}, format="json")

    assert (change["chargeable"], change["fee_max"]) == (True, "1000.00")
    assert refused.status_code == 403
    assert entered.status_code == 200, entered.content
    assert entered.json()["changes"][0]["fee"] == "400.00"
    assert BillingLine.objects.get(category="cancellation_fee").amount == Decimal("400.00")


def test_a_fee_above_the_price_is_refused(work_order: Contract) -> None:
    request_id = _requested(work_order, day="2026-06-10")
    change_id = (
        ms_staff().post(f"/api/v1/service-requests/{request_id}/cancel/").json()["changes"][0]["id"]
    )

    response = ms_staff().post(
        f"/api/v1/service-requests/{request_id}/changes/{change_id}/fee/",
        {"fee": "1500.00"},
        format="json",
    )

    assert response.status_code == 422
    assert "at most" in response.json()["detail"]
    assert not BillingLine.objects.exists()


def test_customers_may_not_cancel(work_order: Contract) -> None:
    request_id = _requested(work_order)

    response = manager_client(work_order).post(f"/api/v1/service-requests/{request_id}/cancel/")

    assert response.status_code == 403
    assert ServiceRequest.objects.get(pk=request_id).status == "requested"


# --- rates, exchanges and locations ------------------------------------------------------------


def test_staff_record_a_work_orders_own_rate_and_it_goes_first(work_order: Contract) -> None:
    url = f"/api/v1/contracts/{work_order.pk}/service-rates/"
    body = {"service": WORKSHOP, "credits_per_unit": "4", "valid_from": "2026-05-01T00:00:00Z"}

    recorded = ms_staff().post(url, body, format="json")
    redeemed = _redeem(manager_client(work_order), work_order)

    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["contract_only"] is True
    assert len(ms_staff().get(url).json()) == 2
    assert redeemed.json()["credits"] == "4.00"


def test_customers_are_refused_the_rates(work_order: Contract) -> None:
    response = manager_client(work_order).get(f"/api/v1/contracts/{work_order.pk}/service-rates/")

    assert response.status_code == 403
    assert response.json()["code"] == "staff_only"


def _exchange(contract: Contract, **body: Any) -> Any:
    payload = {
        "from_service": WORKSHOP,
        "to_service": "on-demand-assessment",
        "value": "5",
        "approved_on": "2026-05-30",
        **body,
    }
    return ms_staff().post(
        f"/api/v1/contracts/{contract.pk}/service-exchanges/", payload, format="json"
    )


def test_an_exchange_without_its_approver_is_refused(work_order: Contract) -> None:
    response = _exchange(work_order)

    assert response.status_code == 422
    assert "name who approved it" in response.json()["detail"]
    assert not ServiceExchange.objects.exists()


def test_an_exchange_names_its_approver(work_order: Contract) -> None:
    approver = staff("second", username="sd-resource")

    response = _exchange(work_order, approver=approver.pk)

    assert response.status_code == 201, response.content
    assert response.json()["approver"]["id"] == approver.pk


def _location(contract: Contract, country: str, role: str, credit_rate: str) -> Any:
    return ms_staff().post(
        f"/api/v1/contracts/{contract.pk}/support-locations/",
        {"country": country, "role": role, "credit_rate": credit_rate},
        format="json",
    )


def test_credits_move_between_locations_rounded_up(work_order: Contract) -> None:
    host = _location(work_order, "NL", "host", "100").json()["id"]
    downstream = _location(work_order, "DE", "downstream", "90").json()["id"]
    buy(work_order, CREDITS, "50", location=SupportLocation.objects.get(pk=host))

    response = ms_staff().post(
        f"/api/v1/contracts/{work_order.pk}/location-exchanges/",
        {"from_location": host, "to_location": downstream, "credits": "10"},
        format="json",
    )
    listed = ms_staff().get(f"/api/v1/contracts/{work_order.pk}/support-locations/").json()

    assert response.status_code == 201, response.content
    assert (response.json()["credits_given"], response.json()["credits_received"]) == (
        "10.00",
        "12.00",
    )
    assert {row["country"]: row["credits_left"] for row in listed} == {
        "NL": "40.00",
        "DE": "12.00",
    }


def test_an_exception_country_beside_others_is_refused_with_the_reason(
    work_order: Contract,
) -> None:
    _location(work_order, "NL", "host", "100")

    response = _location(work_order, "JP", "downstream", "100")

    assert response.status_code == 422
    assert response.json()["detail"].startswith("JP is an exception country")
    assert SupportLocation.objects.count() == 1


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("service-rates/", {"service": WORKSHOP, "credits_per_unit": "8"}),
        ("support-locations/", {"country": "NL", "role": "host"}),
        ("service-requests/", {"service": WORKSHOP, "first_delivery_date": "2026-07-01"}),
    ],
)
def test_a_first_line_token_may_not_act_on_a_work_order_where_the_back_office_refuses_it(
    work_order: Contract, path: str, body: dict[str, str]
) -> None:
    before = (ServiceRate.objects.count(), SupportLocation.objects.count())

    response = ms_staff("first").post(
        f"/api/v1/contracts/{work_order.pk}/{path}", body, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "role_refused"
    assert (ServiceRate.objects.count(), SupportLocation.objects.count()) == before
