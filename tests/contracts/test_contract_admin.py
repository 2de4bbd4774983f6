"""The contract's admin page: dates checked as form errors, set-up gaps shown as warnings."""

from datetime import date

import pytest

from contracts.models import ContactRole, ContactRoleKind, Contract, ContractStatus
from contracts.selectors import contract_date_problems
from tests.factories import ContactFactory, ContractFactory

pytestmark = pytest.mark.django_db


def _url(contract):
    return f"/admin/contracts/contract/{contract.pk}/change/"


def _form_data(client, contract):
    """The change form as the browser would post it back, inlines included."""
    response = client.get(_url(contract), HTTP_ACCEPT_LANGUAGE="en")
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({field.html_name: field.value() for field in management})
        forms += inline.formset.forms
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = value
    return data


def _post(client, contract, **changes):
    data = _form_data(client, contract)
    data.update(changes)
    return client.post(_url(contract), data, HTTP_ACCEPT_LANGUAGE="en")


def test_valid_dates_are_saved(admin_client):
    contract = ContractFactory(provider_code="onitnow", package_code="ons")

    response = _post(
        admin_client,
        contract,
        go_live_date="2025-02-01",
        renewal_date="2026-02-01",
        renewal_notice_deadline="2025-12-01",
    )

    contract.refresh_from_db()
    assert response.status_code == 302
    assert (contract.renewal_date, contract.renewal_notice_deadline, contract.version) == (
        date(2026, 2, 1),
        date(2025, 12, 1),
        2,
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_date": "2024-12-31"}, "The end date is before the start date."),
        ({"go_live_date": "2024-12-01"}, "Go-live cannot be before the start date."),
        (
            {"renewal_date": "2026-01-01", "renewal_notice_deadline": "2026-01-01"},
            "The notice deadline must be before the renewal date (2026-01-01).",
        ),
        (
            {"renewal_notice_deadline": "2025-11-01"},
            "A notice deadline needs a renewal date or an end date to give notice before.",
        ),
        (
            {"end_date": "2025-12-31", "renewal_notice_deadline": "2026-01-15"},
            "The notice deadline cannot be after the end date (2025-12-31).",
        ),
        ({"renewal_date": "2024-06-01"}, "The renewal date must be after the start date."),
    ],
)
def test_inconsistent_dates_are_form_errors_not_a_crash(admin_client, changes, message):
    contract = ContractFactory(provider_code="onitnow", package_code="ons")

    response = _post(admin_client, contract, **changes)

    contract.refresh_from_db()
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert (contract.end_date, contract.renewal_notice_deadline, contract.version) == (
        None,
        None,
        1,
    )


@pytest.mark.usefixtures("english")
def test_the_date_rules_per_field():
    assert contract_date_problems(
        start=date(2025, 1, 1),
        go_live=date(2026, 2, 1),
        end=date(2025, 12, 31),
        renewal=date(2025, 1, 1),
        notice_deadline=date(2024, 1, 1),
    ) == {
        "go_live_date": "Go-live cannot be after the end date.",
        "renewal_date": "The renewal date must be after the start date.",
        "renewal_notice_deadline": "The notice deadline cannot be before the start date.",
    }


def test_an_active_microsoft_contract_needs_its_support_services_manager(admin_client):
    contract = ContractFactory(provider_code="microsoft", package_code="advanced")

    refused = _post(admin_client, contract, named_contact_cap="60")
    as_draft = _post(admin_client, contract, status=ContractStatus.DRAFT)

    assert refused.status_code == 200
    assert b"needs exactly one support services manager" in refused.content
    assert as_draft.status_code == 302
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.DRAFT


def test_the_change_page_warns_about_missing_escalation_contacts(admin_client):
    cbg = ContractFactory(provider_code="cbg", package_code="extra")
    ons = ContractFactory(provider_code="onitnow", package_code="ons")

    cbg_page = admin_client.get(_url(cbg), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    ons_page = admin_client.get(_url(ons), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert (
        '<li class="warning">Escalation is not fully set up for Connect Secure 365 Extra'
        in cbg_page
    )
    assert "no level-1 escalation contact with an email address" in cbg_page
    assert '<li class="warning">' not in ons_page


def test_the_change_page_warns_when_the_support_services_manager_is_missing(admin_client):
    contract = ContractFactory(provider_code="microsoft", package_code="core")
    page = admin_client.get(_url(contract), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    ContactRole.objects.create(
        contact=ContactFactory(customer=contract.customer),
        contract=contract,
        role=ContactRoleKind.SUPPORT_SERVICES_MANAGER,
    )
    after = admin_client.get(_url(contract), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "has no support services manager" in page
    assert "has no support services manager" not in after
