"""Named-contact limits and the one support services manager (D14, A-24)."""

import pytest

from contracts.exceptions import ContactRoleRefused
from contracts.models import ContactRole, ContactRoleKind
from contracts.services.contacts import contact_role_grant
from tests.factories import ContactFactory, ContractFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


NAMED = ContactRoleKind.NAMED_CONTACT


def _grant_named(contract, count):
    for _ in range(count):
        contact_role_grant(
            contact=ContactFactory(customer=contract.customer), contract=contract, role=NAMED
        )


def test_core_allows_ten_named_contacts_and_refuses_the_eleventh():
    contract = ContractFactory(provider_code="microsoft", package_code="core")
    _grant_named(contract, 10)
    with pytest.raises(ContactRoleRefused, match="allows 10 named contacts"):
        _grant_named(contract, 1)
    assert ContactRole.objects.filter(contract=contract, role=NAMED).count() == 10


@pytest.mark.parametrize(("contract_cap", "allowed"), [(None, 50), (60, 60), (20, 50)])
def test_advanced_cap_is_fifty_and_only_the_contract_can_raise_it(contract_cap, allowed):
    contract = ContractFactory(
        provider_code="microsoft", package_code="advanced", named_contact_cap=contract_cap
    )
    _grant_named(contract, allowed)
    with pytest.raises(ContactRoleRefused):
        _grant_named(contract, 1)


def test_performance_has_no_named_contact_limit():
    contract = ContractFactory(provider_code="microsoft", package_code="performance")
    _grant_named(contract, 75)
    assert ContactRole.objects.filter(contract=contract, role=NAMED).count() == 75


def test_granting_the_same_role_twice_changes_nothing():
    contract = ContractFactory(provider_code="microsoft", package_code="core")
    contact = ContactFactory(customer=contract.customer)
    first = contact_role_grant(contact=contact, contract=contract, role=NAMED)
    assert contact_role_grant(contact=contact, contract=contract, role=NAMED) == first


def test_a_second_support_services_manager_is_refused():
    contract = ContractFactory(provider_code="microsoft", package_code="advanced")
    role = ContactRoleKind.SUPPORT_SERVICES_MANAGER
    contact_role_grant(
        contact=ContactFactory(customer=contract.customer, name="Anna"),
        contract=contract,
        role=role,
    )
    with pytest.raises(ContactRoleRefused, match="already has a support services manager: Anna"):
        contact_role_grant(
            contact=ContactFactory(customer=contract.customer), contract=contract, role=role
        )


def test_a_contact_of_another_organisation_is_refused():
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    with pytest.raises(ContactRoleRefused, match="not for"):
        contact_role_grant(contact=ContactFactory(), contract=contract, role=NAMED)


def test_the_admin_form_shows_the_limit_instead_of_saving(admin_client):
    contract = ContractFactory(provider_code="microsoft", package_code="core")
    _grant_named(contract, 10)
    extra = ContactFactory(customer=contract.customer)
    response = admin_client.post(
        "/admin/contracts/contactrole/add/",
        {"contact": extra.pk, "contract": contract.pk, "role": NAMED},
    )
    assert response.status_code == 200
    assert "staat 10 benoemde contactpersonen toe" in response.content.decode()
    assert not ContactRole.objects.filter(contact=extra).exists()
