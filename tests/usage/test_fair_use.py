"""Fair use (BIL-02): minutes per licence against the mean of the other subscribed
organisations; above twice flags once per month, tells the CSAM and the coordinators in their
language, and never bills."""

import pytest

from notifications.models import OutboxEmail, StaffProfile
from tests.factories import ContractFactory, CustomerFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tests.usage.factories import ContractBillingFactory, coordinator, work
from usage.models import BillingLine, FairUseFlag
from usage.services.fair_use import fair_use_check, usage_monthly

pytestmark = pytest.mark.django_db

MAY = ams("2026-05-01 00:00").date()
NOW = ams("2026-06-02 09:00")


def _organisation(minutes, package="basis", licences=10, csam=None):
    contract = ContractFactory(
        provider_code="cbg", package_code=package, customer=CustomerFactory(), csam=csam
    )
    ContractBillingFactory(contract=contract, licence_count=licences)
    ticket = create_ticket(named_contact(contract), ams("2026-05-04 08:00"))
    work(ticket, ams("2026-05-04 09:00"), minutes)
    return contract


@pytest.fixture
def month_of_may():
    csam = UserFactory()
    StaffProfile.objects.create(user=csam, language="en")
    heavy = _organisation(600, csam=csam)  # 60 a licence; the others 20, 20, 10: mean 16.67
    _organisation(200)
    _organisation(400, package="extra", licences=20)
    _organisation(50, licences=5)
    coordinator()
    return heavy


def test_an_organisation_above_twice_the_mean_of_the_others_is_flagged(month_of_may):
    provider = month_of_may.provider
    assert fair_use_check(provider=provider, month=MAY, now=NOW) == 1
    flag = FairUseFlag.objects.get()
    assert (flag.contract, flag.minutes, flag.licences, str(flag.mean_of_others)) == (
        month_of_may,
        600,
        10,
        "16.67",
    )


def test_fair_use_is_flagged_and_told_once_per_month(month_of_may):
    provider = month_of_may.provider
    fair_use_check(provider=provider, month=MAY, now=NOW)
    assert fair_use_check(provider=provider, month=MAY, now=NOW) == 0
    assert FairUseFlag.objects.count() == 1
    assert OutboxEmail.objects.filter(key__startswith="fair-use:").count() == 2


def test_the_csam_and_the_coordinator_are_told_in_their_own_language(month_of_may):
    fair_use_check(provider=month_of_may.provider, month=MAY, now=NOW)
    mails = OutboxEmail.objects.filter(key__startswith="fair-use:").order_by("language")
    assert [m.language for m in mails] == ["en", "nl"]
    assert mails[0].subject == f"[{month_of_may.reference}] Fair use exceeded in 2026-05 - " + (
        month_of_may.customer.name
    )


def test_fair_use_never_bills(month_of_may):
    fair_use_check(provider=month_of_may.provider, month=MAY, now=NOW)
    assert not BillingLine.objects.exists()


def test_standaard_customers_take_no_part_in_fair_use():
    _organisation(900, package="standaard")
    contract = _organisation(10)
    assert fair_use_check(provider=contract.provider, month=MAY, now=NOW) == 0


def test_the_monthly_beat_writes_this_months_fees_and_last_months_fair_use(month_of_may):
    first = usage_monthly(now=NOW)
    again = usage_monthly(now=NOW)
    assert first == {"fees": 4, "fair_use_flags": 1}
    assert again == {"fees": 0, "fair_use_flags": 0}
