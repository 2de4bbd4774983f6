"""Purchases on a Microsoft work order (D20): a positive ledger row, credits of a multinational
work order per support location; refusals in English and Dutch, nothing written."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils.translation import override

from contracts.models import EntitlementMovement
from tests.factories import ContractFactory
from tests.tickets.helpers import ams
from tests.usage.microsoft_helpers import ms_contract
from usage.exceptions import PurchaseRefused
from usage.selectors_microsoft import ledger_balance
from usage.services.microsoft import entitlement_purchase_record, support_location_add

pytestmark = pytest.mark.django_db
NOW = ams("2026-06-01 10:00")
CREDITS = "proactive_credits"


def _buy(contract, kind=CREDITS, quantity="10", location=None, reason="PO-1", now=NOW):
    return entitlement_purchase_record(
        contract=contract,
        kind=kind,
        quantity=Decimal(quantity),
        location=location,
        reason=reason,
        recorded_by=None,
        now=now,
    )


def _host(contract):
    return support_location_add(
        contract=contract, country="NL", role="host", credit_rate=Decimal(100), now=NOW
    )


def test_a_purchase_adds_a_recorded_row_to_the_balance():
    contract = ms_contract()

    row = _buy(contract, kind="ede_hours", quantity="16.5")

    assert (row.quantity, row.cause, row.location) == (Decimal("16.5"), "", None)
    assert ledger_balance(contract=contract, kind="ede_hours") == Decimal("16.5")


def test_credits_of_a_multinational_work_order_go_to_their_location():
    contract = ms_contract()
    host = _host(contract)

    _buy(contract, location=host)

    assert ledger_balance(contract=contract, kind=CREDITS, location=host) == 10
    assert ledger_balance(contract=contract, kind=CREDITS) == 0


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"quantity": "0"}, "A purchase adds a positive quantity."),
        ({"quantity": "-5"}, "A purchase adds a positive quantity."),
        ({"kind": "beer"}, "Choose what was purchased."),
        ({"reason": "  "}, "Give the reason of the purchase, e.g. the order number."),
        ({"now": ams("2026-12-01 10:00")}, "The work order ended on"),
    ],
)
def test_a_bad_purchase_is_refused_and_nothing_is_written(changes, message):
    contract = ms_contract()

    with pytest.raises(PurchaseRefused, match=message):
        _buy(contract, **changes)

    assert not EntitlementMovement.objects.exists()


@pytest.mark.usefixtures("english")
def test_hours_are_never_held_at_a_location():
    contract = ms_contract()

    with pytest.raises(PurchaseRefused, match="Only proactive credits are held per support"):
        _buy(contract, kind="ede_hours", location=_host(contract))


@pytest.mark.usefixtures("english")
def test_another_providers_contract_is_refused():
    contract = ContractFactory(provider_code="onitnow", package_code="ons")

    with pytest.raises(PurchaseRefused, match="only applies to Microsoft work orders"):
        _buy(contract)


def test_the_refusal_reads_in_dutch_where_the_catalogue_has_it():
    contract = ContractFactory(
        provider_code="onitnow", package_code="ons", end_date=date(2027, 1, 1)
    )

    dutch = r"^Dit geldt alleen voor werkopdrachten van Microsoft\.$"
    with override("nl"), pytest.raises(PurchaseRefused, match=dutch):
        _buy(contract)
