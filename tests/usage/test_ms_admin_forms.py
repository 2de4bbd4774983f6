"""Issue #14 §2, back-office: each form of a Microsoft work order's usage calls its one service;
the happy path lands on the usage page with what happened, a refusal shows the service's message
in the reader's language and writes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from contracts.models import (
    EntitlementMovement,
    LocationExchange,
    ServiceExchange,
    ServiceRate,
    ServiceRequest,
    SupportLocation,
)
from tests.backoffice.conftest import staff
from tests.tickets.helpers import ams
from tests.usage.microsoft_helpers import WORKSHOP, ms_service
from tests.usage.ms_admin_world import NOW, MsWorld, client_in, ms_world_build, page_urls
from usage.models import BillingLine
from usage.selectors_microsoft import ledger_balance

pytestmark = pytest.mark.django_db
CREDITS = "proactive_credits"


@pytest.fixture
def world() -> MsWorld:
    return ms_world_build()


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _counts() -> tuple[int, ...]:
    models = (
        EntitlementMovement,
        ServiceRequest,
        ServiceRate,
        ServiceExchange,
        SupportLocation,
        LocationExchange,
        BillingLine,
    )
    return tuple(model.objects.count() for model in models)


def _post(world: MsWorld, name: str, data: dict, *, user=None, language: str = "en"):
    client = client_in(user or staff("coordinator"), language)
    return client.post(page_urls(world)[name], data, follow=True)


def _texts(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _redeem_data(world: MsWorld, **changes: object) -> dict:
    data = {
        "service": ms_service(WORKSHOP).pk,
        "location": world.host.pk,
        "quantity": 1,
        "first_delivery_date": "2026-08-03",
    }
    return data | changes


def _refused(world: MsWorld, name: str, data: dict, language: str = "en") -> str:
    """The one error message of a refused form; asserts that nothing was written."""
    before = _counts()
    response = _post(world, name, data, language=language)
    assert response.status_code == 200
    assert response.redirect_chain == []
    assert _counts() == before
    (text,) = _texts(response)
    return text


# --- Redeeming credits ----------------------------------------------------------------------
def test_a_csam_redeems_credits_of_a_location(world):
    response = _post(world, "ms-redeem", _redeem_data(world, quantity=2), user=world.csam)

    assert response.redirect_chain[-1][0] == page_urls(world)["ms-usage"]
    assert _texts(response) == ["Workshops x2 requested for 20 credits."]
    made = ServiceRequest.objects.latest("pk")
    assert (made.requested_by, made.late) == (world.csam, False)
    assert ledger_balance(contract=world.contract, kind=CREDITS, location=world.host) == 20


def test_a_request_after_the_deadline_is_accepted_with_the_late_warning(world):
    late = ams("2026-10-05 10:00")  # the request deadline was 1 Oct 2026
    with time_machine.travel(late, tick=False):
        form = client_in(world.csam, "en").get(page_urls(world)["ms-redeem"]).content.decode()
        response = _post(world, "ms-redeem", _redeem_data(world, first_delivery_date="2026-11-02"))

    assert "has passed: a request is still accepted, but it is flagged late" in form
    assert _texts(response)[1].startswith("This request came after the request deadline")
    assert ServiceRequest.objects.latest("pk").late


def test_a_redemption_beyond_the_balance_is_refused_in_english(world):
    text = _refused(world, "ms-redeem", _redeem_data(world, quantity=5))

    assert text == "Workshops costs 50 credits; only 40 are left."


def test_a_redemption_beyond_the_balance_is_refused_in_dutch(world):
    text = _refused(world, "ms-redeem", _redeem_data(world, quantity=5), language="nl")

    assert text == "Workshops kost 50 credits; er zijn er nog maar 40."


# --- Rates ----------------------------------------------------------------------------------
def test_a_coordinator_records_the_work_orders_own_rate(world):
    data = {"service": ms_service(WORKSHOP).pk, "credits_per_unit": "7.5", "price": "900.00",
            "valid_from": "2026-06-01"}  # fmt: skip

    response = _post(world, "ms-rate", data)

    rate = ServiceRate.objects.latest("pk")
    assert (rate.contract, rate.credits, rate.price) == (world.contract, Decimal("7.5"), 900)
    assert _texts(response) == [
        "Rate recorded: Workshops costs 7.50 credits a unit from June 1, 2026."
    ]


def test_a_negative_rate_is_refused(world):
    data = {
        "service": ms_service(WORKSHOP).pk,
        "credits_per_unit": "-1",
        "valid_from": "2026-06-01",
    }

    assert _refused(world, "ms-rate", data) == "A rate cannot be negative."


# --- Cancelling and rescheduling ------------------------------------------------------------
def test_the_cancel_page_says_a_change_now_is_free(world):
    html = client_in(world.csam, "en").get(page_urls(world)["ms-cancel"]).content.decode()

    assert "A change now is free of charge" in html


def test_a_cancellation_in_time_gives_the_credits_back(world):
    response = _post(world, "ms-cancel", {}, user=world.csam)

    assert _texts(response) == ["Cancelled in time, free of charge: the 10 credits are back."]
    world.request.refresh_from_db()
    assert world.request.status == "cancelled"
    assert ledger_balance(contract=world.contract, kind=CREDITS, location=world.host) == 50


def test_a_late_reschedule_is_flagged_chargeable_with_the_fee_ceiling(world):
    with time_machine.travel(ams("2026-06-25 10:00"), tick=False):
        form = client_in(world.csam, "en").get(page_urls(world)["ms-reschedule"]).content.decode()
        response = _post(world, "ms-reschedule", {"first_delivery_date": "2026-07-20"})

    assert "Microsoft may charge up to 1500.00." in form
    (text,) = _texts(response)
    assert text.startswith("Chargeable: the change came less than 14 days")
    assert text.endswith("The fee is at most 1500.00.")
    change = world.request.changes.get()
    assert (change.chargeable, change.new_date) == (True, date(2026, 7, 20))


def test_a_reschedule_to_the_same_day_is_refused(world):
    text = _refused(world, "ms-reschedule", {"first_delivery_date": "2026-07-01"})

    assert text == "The new first delivery day is the same as the old one."


def test_a_reschedule_after_the_end_is_refused_in_dutch(world):
    text = _refused(world, "ms-reschedule", {"first_delivery_date": "2026-12-15"}, language="nl")

    assert text.startswith("De eerste leverdag ligt na het einde van de werkopdracht")


# --- The fee of a late change ---------------------------------------------------------------
def test_a_coordinator_enters_the_fee_and_it_becomes_a_billing_line(world):
    response = _post(world, "ms-fee", {"fee": "750.00"})

    world.late_change.refresh_from_db()
    assert world.late_change.fee == Decimal("750.00")
    assert BillingLine.objects.filter(contract=world.contract, amount=Decimal("750.00")).exists()
    assert _texts(response) == ["Fee of 750.00 entered; it is billed in this month's lines."]


def test_a_fee_above_the_price_is_refused(world):
    text = _refused(world, "ms-fee", {"fee": "1500.01"})

    assert text == "The fee can be at most 1500.00 (the full price)."


# --- Exchanges between services -------------------------------------------------------------
def _exchange_data(approver) -> dict:
    return {
        "from_service": ms_service("workshops").pk,
        "to_service": ms_service("chalk-talks").pk,
        "value": "12",
        "approver": approver.pk if approver else "",
        "approved_on": "2026-05-29",
    }


def test_an_exchange_between_services_records_its_approver(world):
    approver = staff("coordinator", "sd-resource")

    response = _post(world, "ms-exchange", _exchange_data(approver), user=world.csam)

    exchange = ServiceExchange.objects.get()
    assert (exchange.approver, exchange.recorded_by) == (approver, world.csam)
    assert _texts(response) == ["Exchange recorded: 12 credits from Workshops to Chalk Talks."]


def test_an_exchange_without_an_approver_is_refused(world):
    text = _refused(world, "ms-exchange", _exchange_data(None))

    assert text.startswith("An exchange needs the consent of the Service Delivery resource")


# --- Support locations and exchanges between them ----------------------------------------
def test_a_downstream_location_is_added(world):
    data = {"country": "fr", "role": "downstream", "credit_rate": "95", "currency": "eur"}

    response = _post(world, "ms-location", data, user=world.csam)

    assert _texts(response) == ["Support location FR (downstream) added."]
    assert world.contract.support_locations.count() == 3


def test_an_exception_country_is_refused_with_the_reason(world):
    data = {"country": "JP", "role": "downstream", "credit_rate": "95", "currency": "JPY"}

    text = _refused(world, "ms-location", data)

    assert text.startswith("JP is an exception country: it needs a work order of its own")


def test_credits_move_from_the_host_to_a_downstream_location_rounded_up(world):
    data = {
        "from_location": world.host.pk,
        "to_location": world.downstream.pk,
        "credits_given": "10",
    }

    response = _post(world, "ms-location-exchange", data, user=world.csam)

    assert _texts(response) == ["10 credits of NL (host) became 12 credits of DE (downstream)."]
    assert ledger_balance(contract=world.contract, kind=CREDITS, location=world.downstream) == 32


def test_an_exchange_of_more_than_is_left_is_refused(world):
    data = {
        "from_location": world.host.pk,
        "to_location": world.downstream.pk,
        "credits_given": "41",
    }

    text = _refused(world, "ms-location-exchange", data)

    assert text == "NL has only 40 credits left."


# --- Purchases --------------------------------------------------------------------------------
def test_a_coordinator_records_credits_bought_for_a_location(world):
    data = {"kind": CREDITS, "quantity": "25", "location": world.downstream.pk, "reason": "PO-7"}

    response = _post(world, "ms-purchase", data)

    assert _texts(response) == ["Purchase recorded: 25 proactive credits."]
    assert ledger_balance(contract=world.contract, kind=CREDITS, location=world.downstream) == 45


def test_credits_without_a_location_on_a_multinational_work_order_are_refused(world):
    data = {"kind": CREDITS, "quantity": "25", "location": "", "reason": "PO-7"}

    text = _refused(world, "ms-purchase", data)

    assert text.startswith("This work order has several support locations")


def test_a_csam_cannot_record_a_purchase(world):
    data = {"kind": CREDITS, "quantity": "25", "location": world.host.pk, "reason": "PO-7"}
    before = _counts()

    assert (
        client_in(world.csam, "en").post(page_urls(world)["ms-purchase"], data).status_code == 403
    )
    assert _counts() == before
