"""Monthly fees exactly once, month close (coordinator only, only a month that is over, once),
one-off lines, rates, the CSV an invoicing system imports."""

from decimal import Decimal

import pytest

from tests.factories import ContractFactory, UserFactory, named_contact, package_current
from tests.tickets.helpers import ams, create_ticket
from tests.usage.factories import ContractBillingFactory, coordinator, work
from usage.exceptions import BillingRefused
from usage.models import BillingLine, BillingMonth, ContractBilling
from usage.selectors import contract_balances, contract_month_totals
from usage.selectors_pages import month_csv_rows
from usage.services.lines import (
    billing_line_add,
    monthly_fee_line_write,
    monthly_fee_lines_write,
    ticket_lines_refresh,
)
from usage.services.months import billing_month_close
from usage.services.rates import Rates, contract_billing_set

pytestmark = pytest.mark.django_db

NOW = ams("2026-06-10 12:00")
JUNE = NOW.date().replace(day=1)
MAY = JUNE.replace(month=5)


def _basis():
    return ContractBillingFactory().contract


def test_monthly_fee_is_licences_times_fee_written_once():
    contract = _basis()
    line = monthly_fee_line_write(contract=contract, month=JUNE, now=NOW)
    again = monthly_fee_line_write(contract=contract, month=JUNE, now=NOW)
    assert (line.quantity, line.rate, line.amount, line.unit) == (
        Decimal(12),
        Decimal("7.50"),
        Decimal("90.00"),
        "licences",
    )
    assert again is None
    assert BillingLine.objects.filter(contract=contract, category="monthly_fee").count() == 1


def test_provider_monthly_fees_skip_standaard_and_contracts_without_rates():
    _basis()
    ContractBillingFactory(contract=ContractFactory(provider_code="cbg", package_code="standaard"))
    ContractFactory(provider_code="cbg", package_code="extra")
    provider = package_current("cbg", "basis").release.provider
    assert monthly_fee_lines_write(provider=provider, month=JUNE, now=NOW) == 1
    assert monthly_fee_lines_write(provider=provider, month=JUNE, now=NOW) == 0


def test_closing_a_month_freezes_it_and_twice_is_refused(english):
    contract = _basis()
    closed = billing_month_close(provider=contract.provider, month=MAY, by=coordinator(), now=NOW)
    assert closed.month == MAY
    with pytest.raises(BillingRefused, match="2026-05 is already closed"):
        billing_month_close(provider=contract.provider, month=MAY, by=coordinator(), now=NOW)


def test_a_month_that_is_not_over_cannot_be_closed(english):
    contract = _basis()
    with pytest.raises(BillingRefused, match="2026-06 is not over yet"):
        billing_month_close(provider=contract.provider, month=JUNE, by=coordinator(), now=NOW)
    assert not BillingMonth.objects.exists()


def test_a_month_that_is_not_over_cannot_be_closed_in_dutch():
    contract = _basis()
    with pytest.raises(BillingRefused, match="2026-06 is nog niet voorbij"):
        billing_month_close(provider=contract.provider, month=JUNE, by=coordinator(), now=NOW)


def test_only_a_coordinator_closes_a_month(english):
    contract = _basis()
    with pytest.raises(BillingRefused, match="Only a support coordinator"):
        billing_month_close(provider=contract.provider, month=MAY, by=UserFactory(), now=NOW)
    assert not BillingMonth.objects.exists()


def test_a_fee_for_a_closed_month_is_not_written():
    contract = _basis()
    billing_month_close(provider=contract.provider, month=MAY, by=coordinator(), now=NOW)
    assert monthly_fee_line_write(contract=contract, month=MAY, now=NOW) is None


def test_a_one_off_line_is_billed_in_the_current_month():
    contract = _basis()
    line = billing_line_add(
        contract=contract,
        category="new_licence_fee",
        quantity=Decimal(2),
        unit="licences",
        rate=Decimal("25.00"),
        description="2 nieuwe licenties",
        source="manual:1",
        now=NOW,
    )
    assert (line.month, line.amount, line.vat_code) == (JUNE, Decimal("50.00"), "NL-21")


def test_a_one_off_line_with_a_negative_rate_is_refused(english):
    with pytest.raises(BillingRefused, match="A rate cannot be negative"):
        billing_line_add(
            contract=_basis(),
            category="cancellation_fee",
            quantity=Decimal(1),
            unit="items",
            rate=Decimal("-10"),
            description="",
            source="x",
            now=NOW,
        )
    assert not BillingLine.objects.exists()


def test_negative_rates_are_refused_and_nothing_is_written(english):
    contract = ContractFactory(provider_code="cbg", package_code="basis")
    with pytest.raises(BillingRefused, match="Rate per km cannot be negative"):
        contract_billing_set(
            contract=contract, rates=Rates(hourly_rate=Decimal(90), km_rate=Decimal("-0.4"))
        )
    assert not ContractBilling.objects.exists()


def test_negative_rates_are_refused_in_dutch():
    contract = ContractFactory(provider_code="cbg", package_code="basis")
    with pytest.raises(BillingRefused, match="Tarief per km mag niet negatief zijn"):
        contract_billing_set(
            contract=contract, rates=Rates(hourly_rate=Decimal(90), km_rate=Decimal("-0.4"))
        )


def test_rates_are_written_per_contract():
    contract = ContractFactory(provider_code="cbg", package_code="extra")
    billing = contract_billing_set(
        contract=contract, rates=Rates(hourly_rate=Decimal("95.00"), licence_count=8)
    )
    assert (billing.hourly_rate, billing.licence_count, billing.vat_code) == (
        Decimal("95.00"),
        8,
        "NL-21",
    )


def test_billing_csv_has_one_row_per_line_with_dot_decimals_and_iso_dates():
    contract = _basis()
    ticket = create_ticket(named_contact(contract), ams("2026-06-01 09:00"))
    work(ticket, ams("2026-06-01 10:00"), 45)
    ticket_lines_refresh(ticket=ticket, now=NOW)
    monthly_fee_line_write(contract=contract, month=JUNE, now=NOW)
    lines = BillingLine.objects.filter(contract=contract, month=JUNE).order_by("pk")
    first, second = month_csv_rows(lines)
    assert first[2:] == ("2026-06-10", ticket.number, "over_limit", "15", "90", "22.50", "NL-21")
    assert second[2:] == ("2026-06-10", "", "monthly_fee", "", "7.5", "90.00", "NL-21")


def test_month_totals_and_balances_add_the_lines_and_the_minutes():
    contract = _basis()
    ticket = create_ticket(named_contact(contract), ams("2026-06-01 09:00"))
    work(ticket, ams("2026-06-01 10:00"), 45)
    ticket_lines_refresh(ticket=ticket, now=NOW)
    monthly_fee_line_write(contract=contract, month=JUNE, now=NOW)
    assert contract_month_totals(contract=contract, month=JUNE) == {
        "monthly_fee": Decimal("90.00"),
        "over_limit": Decimal("22.50"),
    }
    balances = contract_balances(contract=contract, month=JUNE)
    assert (balances.minutes, balances.billed) == (45, Decimal("112.50"))


@pytest.mark.parametrize(
    ("unit", "quantity", "rate", "amount"),
    [
        ("minutes", "45", "90", "67.50"),  # minutes at an hourly rate, as the ticket lines
        ("km", "30", "0.5", "15.00"),
        ("items", "2", "125", "250.00"),
    ],
)
def test_a_one_off_line_prices_minutes_by_the_hour_and_other_units_each(
    unit, quantity, rate, amount
):
    line = billing_line_add(
        contract=_basis(),
        category="change_request",
        quantity=Decimal(quantity),
        unit=unit,
        rate=Decimal(rate),
        description="one-off",
        source=f"test:{unit}",
        now=NOW,
    )
    assert line.amount == Decimal(amount)
