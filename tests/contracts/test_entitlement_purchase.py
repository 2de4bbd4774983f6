"""Buying credits or hours on a work order (D20): a positive ledger row, or a clear refusal
with nothing written."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from contracts.exceptions import EntitlementRefused
from contracts.models import EntitlementMovement
from contracts.selectors_entitlements import entitlement_balance
from contracts.services.entitlements import entitlement_purchase
from tests.factories import ContractFactory

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def buy(contract, quantity, kind="proactive_credits", reason="Credits bij de werkorder"):
    return entitlement_purchase(
        contract=contract, kind=kind, quantity=quantity, reason=reason, now=NOW, actor=None
    )


def test_a_purchase_adds_to_the_balance():
    contract = ContractFactory(provider_code="microsoft", package_code="advanced")

    buy(contract, Decimal(150))
    buy(contract, Decimal(25))

    assert entitlement_balance(contract=contract, kind="proactive_credits") == Decimal(175)


@pytest.mark.parametrize(
    ("quantity", "kind", "reason", "dutch"),
    [
        (Decimal(0), "proactive_credits", "x", "Een aankoop voegt een hoeveelheid boven nul toe."),
        (Decimal(-5), "ede_hours", "x", "Een aankoop voegt een hoeveelheid boven nul toe."),
        (Decimal(5), "gold", "x", "Onbekend tegoed 'gold'."),
        (Decimal(5), "ede_hours", "  ", "Zeg wat er is gekocht."),
    ],
)
def test_a_purchase_that_adds_nothing_is_refused_in_dutch(quantity, kind, reason, dutch):
    contract = ContractFactory(provider_code="microsoft", package_code="advanced")

    with pytest.raises(EntitlementRefused, match=dutch):
        buy(contract, quantity, kind, reason)

    assert not EntitlementMovement.objects.exists()


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("quantity", "kind", "reason", "message"),
    [
        (Decimal(-1), "proactive_credits", "x", "A purchase adds a quantity above zero."),
        (Decimal(5), "gold", "x", "Unknown entitlement 'gold'."),
        (Decimal(5), "ede_hours", "  ", "Say what was bought."),
    ],
)
def test_a_purchase_that_adds_nothing_is_refused_in_english(quantity, kind, reason, message):
    contract = ContractFactory(provider_code="microsoft", package_code="advanced")

    with pytest.raises(EntitlementRefused, match=message):
        buy(contract, quantity, kind, reason)

    assert not EntitlementMovement.objects.exists()
