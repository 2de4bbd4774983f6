"""Back-office forms that pick a person offer the provider's active staff, or the logins no
contact holds yet: never every login of every customer (issue #16, "no page loads a whole table
into Python": each contact invited to the portal adds a login)."""

import pytest

from contracts.models import EntitlementMovement
from tests.factories import ContactFactory, ContractFactory, UserFactory

pytestmark = pytest.mark.django_db


def _customer_logins(count: int) -> list:
    """Contacts with a portal login each: the logins a select of every user would list."""
    return [
        ContactFactory(user=UserFactory(username=f"klant{n}@klant.example", is_staff=False)).user
        for n in range(count)
    ]


def _change_page(client, path: str):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response


def test_a_contracts_csam_is_chosen_among_active_staff(admin_client, admin_user):
    contract = ContractFactory(provider_code="microsoft", package_code="advanced")
    csam = UserFactory(username="csam")
    UserFactory(username="left", is_active=False)
    _customer_logins(3)

    page = _change_page(admin_client, f"/admin/contracts/contract/{contract.pk}/change/")

    choices = set(page.context["adminform"].form.fields["csam"].queryset)
    assert choices == {admin_user, csam}


def test_a_contract_keeps_its_csam_after_they_left(admin_client, admin_user):
    left = UserFactory(username="left", is_active=False)
    contract = ContractFactory(provider_code="microsoft", package_code="advanced", csam=left)

    page = _change_page(admin_client, f"/admin/contracts/contract/{contract.pk}/change/")

    assert set(page.context["adminform"].form.fields["csam"].queryset) == {admin_user, left}


def test_an_entitlement_movement_is_recorded_by_active_staff(admin_client, admin_user):
    contract = ContractFactory(provider_code="microsoft", package_code="advanced")
    engineer = UserFactory(username="engineer")
    _customer_logins(3)

    page = _change_page(admin_client, f"/admin/contracts/contract/{contract.pk}/change/")

    (ledger,) = [
        inline.formset
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is EntitlementMovement
    ]
    assert set(ledger.empty_form.fields["recorded_by"].queryset) == {admin_user, engineer}


def test_a_contact_is_linked_to_its_own_login_or_one_no_contact_holds(admin_client):
    own, other = _customer_logins(2)
    free = UserFactory(username="nieuw@klant.example", is_staff=False)
    UserFactory(username="engineer")  # provider staff never log in to the portal
    contact = own.contact

    page = _change_page(admin_client, f"/admin/contracts/contact/{contact.pk}/change/")

    assert set(page.context["adminform"].form.fields["user"].queryset) == {own, free}
    assert f'value="{other.pk}"' not in page.content.decode()


def test_a_new_contact_is_offered_only_logins_no_contact_holds(admin_client):
    _customer_logins(2)
    free = UserFactory(username="nieuw@klant.example", is_staff=False)

    page = _change_page(admin_client, "/admin/contracts/contact/add/")

    assert set(page.context["adminform"].form.fields["user"].queryset) == {free}
