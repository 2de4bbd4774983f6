"""API tokens (issue #12 §1): the rules the back-office and portal pages rely on. A raw value
whose secret holds "_" is found; a staff member makes tokens only for the providers they work
with; a leaver's tokens stop; a customer's token is bound to a named contact of its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group

from contracts.models import ApiToken, ContactRoleKind, Provider, TokenScope
from contracts.selectors_tokens import (
    api_tokens_of_staff,
    token_contacts_for,
    token_providers_for,
)
from contracts.services.tokens import (
    TokenCreateInput,
    TokenRefused,
    api_token_create,
    api_token_find,
)
from tests.factories import ContactFactory, ContractFactory, UserFactory, named_contact
from tests.portal.conftest import contact_in_role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = datetime(2026, 6, 15, 8, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=90)


def _staff_token(user, provider, **changes):
    data = TokenCreateInput(
        name=changes.pop("name", "Monitoring"),
        scope=changes.pop("scope", TokenScope.READ),
        expires_at=changes.pop("expires_at", LATER),
        created_by=user,
        provider=provider,
    )
    return api_token_create(data=data, now=NOW)


def _csam_only():
    user = UserFactory(username="token-csam")
    user.groups.add(Group.objects.get(name="Customer success account manager"))
    return user


def test_a_raw_value_whose_secret_holds_underscores_is_found(monkeypatch):
    monkeypatch.setattr(
        "contracts.services.tokens.secrets.token_urlsafe", lambda n: "a_b-c_d" + "x" * 36
    )
    provider = Provider.objects.get(code="onitnow")
    token, raw = _staff_token(UserFactory(), provider)

    assert raw.count("_") == 4
    assert api_token_find(raw, now=NOW) == token


def test_a_wrong_secret_with_the_right_prefix_is_not_found():
    token, raw = _staff_token(UserFactory(), Provider.objects.get(code="onitnow"))

    assert api_token_find(raw + "x", now=NOW) is None
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None


def test_a_staff_members_token_stops_when_they_leave():
    user = UserFactory()
    _, raw = _staff_token(user, Provider.objects.get(code="onitnow"))
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert api_token_find(raw, now=NOW) is None


def test_a_csam_only_user_makes_tokens_only_for_the_providers_of_their_contracts():
    csam = _csam_only()
    ContractFactory(provider_code="onitnow", package_code="ons", csam=csam)
    microsoft = Provider.objects.get(code="microsoft")

    with pytest.raises(TokenRefused, match="provider you work for"):
        _staff_token(csam, microsoft)
    token, _ = _staff_token(csam, Provider.objects.get(code="onitnow"))

    assert list(token_providers_for(csam)) == [token.provider]


def test_a_staff_member_sees_only_their_own_tokens_without_the_permission():
    mine, _ = _staff_token(UserFactory(username="mine"), Provider.objects.get(code="onitnow"))
    _staff_token(UserFactory(username="theirs"), Provider.objects.get(code="onitnow"))

    assert list(api_tokens_of_staff(mine.user, everyone=True)) == [mine]


def test_a_customer_token_is_bound_to_an_active_named_contact_of_the_organisation():
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    manager = contact_in_role(contract, ContactRoleKind.SUPPORT_SERVICES_MANAGER)
    named = named_contact(contract, name="Noor Named")
    plain = ContactFactory(customer=contract.customer, name="Piet Plain")
    gone = named_contact(contract, name="Gijs Gone", is_active=False)
    other = named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))

    def make(contact):
        data = TokenCreateInput(
            name="ITSM",
            scope=TokenScope.WRITE,
            expires_at=LATER,
            created_by=manager.user,
            contact=contact,
        )
        return api_token_create(data=data, now=NOW)

    assert set(token_contacts_for(contract.customer_id)) == {manager, named}
    assert make(named)[0].contact == named
    for contact, reason in (
        (plain, "not one"),
        (gone, "inactive"),
        (other, "own organisation"),
    ):
        with pytest.raises(TokenRefused, match=reason):
            make(contact)
