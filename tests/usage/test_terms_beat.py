"""The daily contract-terms job (D18): renewals and ends applied once each, with an event and a
mail to the coordinators and the CSAM; an ended CBG subscription becomes Standaard."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth.models import Group

from contracts.models import (
    ContactRole,
    ContactRoleKind,
    Contract,
    ContractStatus,
    ContractTermEvent,
    NoticeParty,
    TermEventKind,
)
from contracts.selectors import contact_is_submitter, contract_for_submission
from contracts.services.notices import contract_notice_record
from notifications.models import OutboxEmail, StaffProfile
from tests.factories import ContractFactory, UserFactory, named_contact
from usage.models import ContractBilling
from usage.services.rates import Rates, contract_billing_set
from usage.services.terms import TermsApplied, contract_terms_apply
from usage.tasks import contract_terms_task

pytestmark = pytest.mark.django_db


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 6, 0, tzinfo=UTC)


def run(day: date) -> TermsApplied:
    return contract_terms_apply(today=day, now=at(day))


@pytest.fixture
def coordinator():
    user = UserFactory(username="coordinator", first_name="Cora")
    user.groups.add(Group.objects.get(name="Support coordinator"))
    return user


@pytest.fixture
def csam():
    user = UserFactory(username="csam", first_name="Casper")
    StaffProfile.objects.create(user=user, language="en")
    return user


def onitnow(csam=None):
    return ContractFactory(
        provider_code="onitnow",
        package_code="ons",
        start_date=date(2025, 2, 1),
        go_live_date=date(2025, 2, 1),
        renewal_date=date(2026, 2, 1),
        renewal_notice_deadline=date(2025, 12, 1),
        auto_renew=True,
        csam=csam,
    )


def cbg_basis():
    return ContractFactory(
        provider_code="cbg", package_code="basis", start_date=date(2025, 1, 1), auto_renew=True
    )


def test_onitnow_renews_on_its_renewal_date_for_12_months(coordinator, csam):
    contract = onitnow(csam)

    applied = run(date(2026, 2, 1))

    contract.refresh_from_db()
    assert applied == TermsApplied(renewed=1)
    assert (contract.renewal_date, contract.renewal_notice_deadline, contract.status) == (
        date(2027, 2, 1),
        date(2026, 12, 1),
        ContractStatus.ACTIVE,
    )
    event = ContractTermEvent.objects.get(contract=contract)
    assert (event.kind, event.on, event.next_renewal) == (
        TermEventKind.RENEWED,
        date(2026, 2, 1),
        date(2027, 2, 1),
    )


def test_onitnow_does_not_renew_the_day_before(coordinator):
    contract = onitnow()

    applied = run(date(2026, 1, 31))

    contract.refresh_from_db()
    assert (applied, contract.renewal_date) == (TermsApplied(), date(2026, 2, 1))
    assert not ContractTermEvent.objects.exists()


def test_renewal_is_mailed_to_the_coordinator_and_the_csam_in_their_language(coordinator, csam):
    contract = onitnow(csam)

    run(date(2026, 2, 1))

    mails = {m.to_email: m for m in OutboxEmail.objects.all()}
    assert set(mails) == {coordinator.email, csam.email}
    assert mails[csam.email].subject.startswith(
        f"[{contract.reference}] Contract {contract.reference} renewed for 12 months"
    )
    assert "Dec. 1, 2026" in mails[csam.email].body_text
    assert mails[coordinator.email].language == "nl"
    assert "1 december 2026" in mails[coordinator.email].body_text


def test_running_twice_applies_a_renewal_once(coordinator, csam):
    contract = onitnow(csam)
    run(date(2026, 2, 1))

    again = run(date(2026, 2, 1))

    contract.refresh_from_db()
    assert again == TermsApplied()
    assert contract.renewal_date == date(2027, 2, 1)
    assert ContractTermEvent.objects.count() == 1
    assert OutboxEmail.objects.count() == 2


def test_a_missed_year_applies_each_renewal_once():
    contract = onitnow()

    applied = run(date(2027, 3, 1))

    contract.refresh_from_db()
    assert applied == TermsApplied(renewed=2)
    assert contract.renewal_date == date(2028, 2, 1)
    assert list(ContractTermEvent.objects.values_list("on", flat=True)) == [
        date(2027, 2, 1),
        date(2026, 2, 1),
    ]


def test_onitnow_with_only_a_go_live_renews_12_months_after_it():
    contract = onitnow()
    Contract.objects.filter(pk=contract.pk).update(renewal_date=None, renewal_notice_deadline=None)

    run(date(2026, 2, 1))

    contract.refresh_from_db()
    assert (contract.renewal_date, contract.renewal_notice_deadline) == (
        date(2027, 2, 1),
        date(2026, 12, 1),
    )


def test_onitnow_with_a_notice_ends_on_the_renewal_date_instead(coordinator):
    contract = onitnow()
    contract_notice_record(
        contract=contract,
        received_on=date(2025, 11, 20),
        given_by=NoticeParty.CUSTOMER,
        by=coordinator,
        now=at(date(2025, 11, 20)),
    )

    on_the_day, after = run(date(2026, 2, 1)), run(date(2026, 2, 2))

    contract.refresh_from_db()
    assert (on_the_day, after) == (TermsApplied(), TermsApplied(ended=1))
    assert (contract.status, contract.end_date, contract.renewal_date) == (
        ContractStatus.ENDED,
        date(2026, 2, 1),
        date(2026, 2, 1),
    )


def test_a_work_order_ends_the_day_after_its_end_date_once(coordinator, csam):
    contract = ContractFactory(
        provider_code="microsoft",
        package_code="core",
        start_date=date(2025, 7, 1),
        end_date=date(2026, 6, 30),
        csam=csam,
    )

    applied = [run(date(2026, 6, 30)), run(date(2026, 7, 1)), run(date(2026, 7, 1))]

    contract.refresh_from_db()
    assert applied == [TermsApplied(), TermsApplied(ended=1), TermsApplied()]
    assert contract.status == ContractStatus.ENDED
    assert ContractTermEvent.objects.get().kind == TermEventKind.ENDED
    assert (
        OutboxEmail.objects.filter(to_email=csam.email)
        .get()
        .subject.endswith(f"Contract {contract.reference} has ended - {contract.customer.name}")
    )


def _cbg_with_notice(coordinator):
    contract = cbg_basis()
    named = named_contact(contract)
    contract_notice_record(
        contract=contract,
        received_on=date(2026, 1, 10),
        given_by=NoticeParty.CUSTOMER,
        by=coordinator,
        now=at(date(2026, 1, 12)),
    )
    return contract, named


def test_ended_cbg_subscription_is_followed_by_a_standaard_contract(coordinator):
    contract, named = _cbg_with_notice(coordinator)

    applied = run(date(2026, 2, 1))

    contract.refresh_from_db()
    successor = ContractTermEvent.objects.get(contract=contract).successor
    assert applied == TermsApplied(ended=1, followed=1)
    assert (contract.status, contract.end_date) == (ContractStatus.ENDED, date(2026, 1, 31))
    assert (successor.package.code, successor.start_date, successor.reference) == (
        "standaard",
        date(2026, 2, 1),
        f"{contract.reference}-STANDAARD",
    )
    assert (successor.customer, successor.status) == (contract.customer, ContractStatus.ACTIVE)
    assert contact_is_submitter(contact=named, contract=successor)


def test_new_tickets_after_the_end_go_to_the_standaard_contract(coordinator):
    contract, named = _cbg_with_notice(coordinator)
    before = contract_for_submission(contact=named, on=date(2026, 1, 31))

    run(date(2026, 2, 1))

    after = contract_for_submission(contact=named, on=date(2026, 2, 1))

    assert (before.pk, after.package.code) == (contract.pk, "standaard")


def test_the_standaard_contract_keeps_the_quotes_rates_without_the_monthly_fee(coordinator):
    contract, _named = _cbg_with_notice(coordinator)
    rates = Rates(
        hourly_rate=Decimal("85.00"),
        km_rate=Decimal("0.45"),
        licence_fee=Decimal("12.50"),
        licence_count=20,
        new_licence_fee=Decimal("25.00"),
    )
    contract_billing_set(contract=contract, rates=rates)

    run(date(2026, 2, 1))

    successor = ContractTermEvent.objects.get(contract=contract).successor
    billing = ContractBilling.objects.get(contract=successor)
    assert (billing.hourly_rate, billing.km_rate, billing.licence_fee) == (
        Decimal("85.00"),
        Decimal("0.45"),
        Decimal("0.00"),
    )
    assert (billing.new_licence_fee, billing.vat_code) == (Decimal("25.00"), "NL-21")


def test_ended_cbg_subscription_mail_names_the_standaard_contract(coordinator):
    contract, _named = _cbg_with_notice(coordinator)

    run(date(2026, 2, 1))

    mail = OutboxEmail.objects.get(to_email=coordinator.email)
    assert f"{contract.reference}-STANDAARD" in mail.body_text
    assert "Standaard" in mail.body_text


def test_no_standaard_contract_when_the_customer_already_has_another(coordinator):
    contract, _named = _cbg_with_notice(coordinator)
    ContractFactory(
        provider_code="cbg",
        package_code="extra",
        customer=contract.customer,
        start_date=date(2026, 2, 1),
    )

    applied = run(date(2026, 2, 1))

    assert applied == TermsApplied(ended=1)
    assert Contract.objects.filter(customer=contract.customer).count() == 2


def test_contact_roles_carry_over_to_the_standaard_contract(coordinator):
    contract, named = _cbg_with_notice(coordinator)
    ContactRole.objects.create(
        contact=named, contract=contract, role=ContactRoleKind.SUPPORT_SERVICES_MANAGER
    )

    run(date(2026, 2, 1))

    successor = ContractTermEvent.objects.get(contract=contract).successor
    assert set(ContactRole.objects.filter(contract=successor).values_list("role", flat=True)) == {
        ContactRoleKind.NAMED_CONTACT,
        ContactRoleKind.SUPPORT_SERVICES_MANAGER,
    }


def test_the_task_across_a_month_end_ends_the_subscription_once(coordinator):
    contract, _named = _cbg_with_notice(coordinator)
    hours = [datetime(2026, 1, 31, 21, 0, tzinfo=UTC) + timedelta(hours=h) for h in range(6)]
    results = []
    for moment in hours:  # 22:00 Amsterdam on the last day, then midnight and after
        with time_machine.travel(moment, tick=False):
            results.append(contract_terms_task())

    contract.refresh_from_db()
    assert [r["ended"] for r in results] == [0, 0, 1, 0, 0, 0]
    assert contract.status == ContractStatus.ENDED
    assert Contract.objects.filter(customer=contract.customer).count() == 2
    assert ContractTermEvent.objects.count() == 1


def test_a_draft_or_ended_contract_is_left_alone():
    draft = ContractFactory(
        provider_code="microsoft",
        package_code="core",
        status=ContractStatus.DRAFT,
        end_date=date(2026, 6, 30),
    )

    applied = run(date(2026, 8, 1))

    draft.refresh_from_db()
    assert (applied, draft.status) == (TermsApplied(), ContractStatus.DRAFT)
