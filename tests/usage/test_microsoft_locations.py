"""Multinational work orders and exchanges (CON-23, CON-42, CON-60..70): one host, exception
countries refused with the reason, credits per location, exchanges rounded up."""

from datetime import date
from decimal import Decimal

import pytest

from contracts.models import EntitlementMovement, ServiceExchange, SupportLocation
from tests.factories import UserFactory
from tests.tickets.helpers import ams
from tests.usage.microsoft_helpers import WORKSHOP, buy, ms_contract, ms_service, rate
from usage.exceptions import ExchangeRefused, LocationRefused, RedemptionRefused
from usage.selectors_microsoft import ledger_balance
from usage.services.microsoft import (
    credits_exchange_locations,
    credits_redeem,
    service_exchange_record,
    support_location_add,
)

pytestmark = pytest.mark.django_db
CREDITS = "proactive_credits"
NOW = ams("2026-06-01 10:00")


def _add(contract, country, role, credit_rate="100"):
    return support_location_add(
        contract=contract, country=country, role=role, credit_rate=Decimal(credit_rate), now=NOW
    )


@pytest.fixture
def work_order():
    contract = ms_contract()
    host = _add(contract, "nl", "host", "100")
    downstream = _add(contract, "DE", "downstream", "90")
    buy(contract, CREDITS, "50", location=host)
    buy(contract, CREDITS, "20", location=downstream)
    return contract, host, downstream


def _exchange(giving, receiving, amount="10"):
    return credits_exchange_locations(
        from_location=giving,
        to_location=receiving,
        credits_given=Decimal(amount),
        recorded_by=None,
        now=NOW,
    )


def test_credits_move_from_host_to_downstream_rounded_up(work_order):
    contract, host, downstream = work_order
    exchange = _exchange(host, downstream)  # 10 x 100 / 90 = 11.1 -> 12
    assert (exchange.credits_from, exchange.credits_to) == (10, 12)
    assert ledger_balance(contract=contract, kind=CREDITS, location=host) == 40
    assert ledger_balance(contract=contract, kind=CREDITS, location=downstream) == 32
    assert EntitlementMovement.objects.filter(location_exchange=exchange).count() == 2


@pytest.mark.usefixtures("english")
def test_a_second_host_is_refused(work_order):
    contract, _host, _downstream = work_order
    with pytest.raises(LocationRefused, match=r"already has its host location \(NL\)"):
        _add(contract, "BE", "host")


@pytest.mark.usefixtures("english")
def test_a_downstream_location_needs_the_host_first():
    with pytest.raises(LocationRefused, match="Add the host location first"):
        _add(ms_contract(), "DE", "downstream")
    assert SupportLocation.objects.count() == 0


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize("country", ["IN", "CN", "TW", "HK", "KR", "JP", "NZ", "MO", "AU"])
def test_an_exception_country_is_refused_as_a_location_with_the_reason(work_order, country):
    contract, _host, _downstream = work_order
    with pytest.raises(LocationRefused, match=f"{country} is an exception country: it needs"):
        _add(contract, country, "downstream")


def test_an_exception_country_is_refused_in_dutch(work_order):
    contract, _host, _downstream = work_order
    with pytest.raises(LocationRefused, match="JP is een uitzonderingsland"):
        _add(contract, "JP", "downstream")


def test_an_exception_country_may_be_the_only_location_of_its_own_work_order():
    assert _add(ms_contract(), "JP", "host").country == "JP"


@pytest.mark.usefixtures("english")
def test_an_exchange_with_an_exception_country_is_refused():
    japan = ms_contract()
    tokyo = _add(japan, "JP", "host")
    other = ms_contract(csam=None)
    host = _add(other, "NL", "host")
    with pytest.raises(ExchangeRefused, match="to or from JP"):
        _exchange(tokyo, host)


@pytest.mark.usefixtures("english")
def test_an_exchange_between_two_downstream_locations_is_refused(work_order):
    contract, _host, downstream = work_order
    france = _add(contract, "FR", "downstream")
    with pytest.raises(ExchangeRefused, match="between the host and a downstream location"):
        _exchange(downstream, france)


@pytest.mark.usefixtures("english")
def test_an_exchange_beyond_the_locations_balance_is_refused(work_order):
    _contract, host, downstream = work_order
    with pytest.raises(ExchangeRefused, match="DE has only 20 credits left"):
        _exchange(downstream, host, "21")
    assert EntitlementMovement.objects.filter(cause="exchange").count() == 0


@pytest.mark.usefixtures("english")
def test_a_multinational_redemption_names_its_location_and_uses_its_credits(work_order):
    contract, _host, downstream = work_order
    rate(WORKSHOP, "15")
    fields = {
        "contract": contract,
        "service": ms_service(WORKSHOP),
        "requested_by": None,
        "first_delivery_date": date(2026, 7, 1),
        "now": NOW,
    }
    with pytest.raises(RedemptionRefused, match="choose the location"):
        credits_redeem(**fields)
    credits_redeem(**fields, location=downstream)
    assert ledger_balance(contract=contract, kind=CREDITS, location=downstream) == 5
    with pytest.raises(RedemptionRefused, match="only 5 are left"):
        credits_redeem(**fields, location=downstream)


def _service_exchange(contract, approver):
    return service_exchange_record(
        contract=contract,
        from_service=ms_service("workshops"),
        to_service=ms_service("chalk-talks"),
        value=Decimal("12"),
        approver=approver,
        approved_on=date(2026, 6, 1),
        recorded_by=None,
        now=NOW,
    )


def test_an_exchange_between_services_records_its_approver():
    approver = UserFactory(username="sdm")
    exchange = _service_exchange(ms_contract(), approver)
    assert (exchange.approver, exchange.value) == (approver, Decimal("12"))


@pytest.mark.usefixtures("english")
def test_an_exchange_between_services_without_an_approver_is_refused():
    with pytest.raises(ExchangeRefused, match="consent of the Service Delivery resource"):
        _service_exchange(ms_contract(), None)
    assert ServiceExchange.objects.count() == 0


def test_an_exchange_between_services_without_an_approver_is_refused_in_dutch():
    with pytest.raises(ExchangeRefused, match="toestemming"):
        _service_exchange(ms_contract(), None)
