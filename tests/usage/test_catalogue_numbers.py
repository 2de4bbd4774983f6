"""The CBG numbers the billing rules read are catalogue data (catalogue/cbg.toml, D19), loaded
onto the packages by the catalogue loader: the loaded rows match the service description."""

from decimal import Decimal

import pytest

from tests.factories import package_current

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "limit", "minimum", "increment", "travel", "billing"),
    [
        ("standaard", None, 15, 15, Decimal("1.00"), "post_calculation"),  # [004:L138-159]
        ("basis", 30, None, None, Decimal("0.50"), "subscription"),  # 0,5 uur; 50%
        ("extra", 60, None, None, Decimal("0.00"), "subscription"),  # 1 uur; geen
    ],
)
def test_loaded_cbg_package_carries_the_seed_numbers(
    code, limit, minimum, increment, travel, billing
):
    package = package_current("cbg", code)
    assert package.max_contiguous_minutes == limit
    assert package.minimum_billable_minutes == minimum
    assert package.billing_increment_minutes == increment
    assert package.travel_factor == travel
    assert package.billing_mode == billing


def test_cancelled_subscriptions_fall_back_to_standaard():
    assert package_current("cbg", "basis").fallback_package_code == "standaard"
    assert package_current("cbg", "extra").fallback_package_code == "standaard"
