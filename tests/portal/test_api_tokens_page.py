"""API tokens in the portal (issue #12 §1): the customer's support services manager makes a
token bound to one of the organisation's named contacts and sees the raw value once (only its
hash is stored), lists and revokes the organisation's tokens. Another contact cannot reach the
page and sees no link; another organisation's token answers 404. Dutch and English.

Organisation A: Mia (manager) and Noor (named contact); B: Boris (manager), see conftest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from contracts.models import ApiToken, Contact, TokenScope
from contracts.services.tokens import TokenCreateInput, api_token_create, api_token_find
from tests.factories import ContactFactory, UserFactory
from tests.portal.conftest import Org, client_for

pytestmark = pytest.mark.django_db

# 10:00 in Amsterdam (summer time, UTC+2).
NOW = datetime(2026, 6, 15, 8, 0, tzinfo=UTC)
PAGE = "/portal/api-tokens/"


@pytest.fixture
def now() -> datetime:
    """The portal fixtures' tickets are made at the frozen time too."""
    return NOW


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _english(contact: Contact) -> Client:
    return client_for(contact, HTTP_ACCEPT_LANGUAGE="en")


def _create(client: Client, contact: Contact, **changes: Any) -> Any:
    data = {
        "do": "create",
        "name": "TOPdesk koppeling",
        "contact": contact.pk,
        "scope": TokenScope.WRITE,
        "valid_until": "2026-09-13",
        **changes,
    }
    return client.post(PAGE, data)


def _token_of(org: Org, name: str = "Eigen ITSM") -> tuple[ApiToken, str]:
    data = TokenCreateInput(
        name=name,
        scope=TokenScope.READ,
        expires_at=datetime(2026, 9, 1, tzinfo=UTC),
        created_by=org.manager.user,
        contact=org.named,
    )
    return api_token_create(data=data, now=NOW)


def test_the_route_is_in_the_portal() -> None:
    assert reverse("portal:api_tokens") == PAGE


def test_the_manager_makes_a_token_shown_once_and_only_its_hash_is_stored(org_a: Org) -> None:
    client = _english(org_a.manager)

    response = _create(client, org_a.named)

    token = ApiToken.objects.get()
    raw = response.context["raw"]
    page = response.content.decode()
    assert response.status_code == 200
    assert raw in page
    assert "Copy the token now: it will not be shown again." in page
    assert response["Cache-Control"] == "private, no-store"
    assert token.secret_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(ApiToken.objects.values().get())
    assert raw not in str(dict(client.session))
    assert raw not in str(client.cookies)
    assert (token.contact, token.created_by, token.provider) == (
        org_a.named,
        org_a.manager.user,
        None,
    )
    assert token.expires_at == datetime(2026, 9, 13, 22, 0, tzinfo=UTC)
    assert api_token_find(raw, now=NOW) == token
    assert raw not in client.get(PAGE).content.decode()


def test_the_form_offers_the_named_contacts_and_the_manager_only(org_a: Org, org_b: Org) -> None:
    ContactFactory(customer=org_a.customer, name="Piet Geen Rol")
    form = _english(org_a.manager).get(PAGE).context["form"]

    offered = set(form.fields["contact"].queryset)

    assert offered == {org_a.manager, org_a.named}
    assert form["contact"].value() == org_a.manager.pk
    assert str(form["valid_until"].value()) == "2026-09-13"


def test_another_organisations_contact_is_refused_as_a_form_error(org_a: Org, org_b: Org) -> None:
    response = _create(_english(org_a.manager), org_b.named)

    assert response.status_code == 200
    assert response.context["form"].errors["contact"]
    assert org_b.named.name not in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_refusal_of_the_service_shows_on_the_form_in_english(org_a: Org) -> None:
    response = _create(_english(org_a.manager), org_a.named, valid_until="2027-06-16")

    assert response.context["form"].non_field_errors() == ["A token is valid for at most a year."]
    assert "raw" not in response.context


def test_the_page_and_its_refusal_read_in_dutch(org_a: Org) -> None:
    """Needs the Dutch catalogue with locale/pending/tokens.json merged."""
    page = _create(client_for(org_a.manager), org_a.named, valid_until="2027-06-16")

    text = page.content.decode()
    assert "Een token is hoogstens een jaar geldig." in text
    assert "Nieuw token" in text
    assert "Treedt op als" in text


def test_the_list_shows_the_organisations_tokens_only(org_a: Org, org_b: Org) -> None:
    mine, _ = _token_of(org_a, "Alfa ITSM")
    _token_of(org_b, "Bravo geheime koppeling")

    response = _english(org_a.manager).get(PAGE)

    page = response.content.decode()
    assert [row.token for row in response.context["rows"]] == [mine]
    assert "Alfa ITSM" in page
    assert "Noor Named" in page
    assert "Bravo geheime koppeling" not in page
    assert "never" in page


def test_the_manager_revokes_a_token_after_confirming(org_a: Org) -> None:
    token, raw = _token_of(org_a)
    client = _english(org_a.manager)

    listing = client.get(PAGE).content.decode()
    response = client.post(PAGE, {"do": "revoke", "token": token.pk}, follow=True)

    assert "Yes, revoke this token" in listing
    assert response.redirect_chain == [(PAGE, 302)]
    assert "is revoked" in response.content.decode()
    assert ApiToken.objects.get(pk=token.pk).revoked_at == NOW
    assert api_token_find(raw, now=NOW) is None


def test_another_organisations_token_cannot_be_revoked(org_a: Org, org_b: Org) -> None:
    theirs, raw = _token_of(org_b)

    response = _english(org_a.manager).post(PAGE, {"do": "revoke", "token": theirs.pk})

    assert response.status_code == 404
    assert b"Eigen ITSM" not in response.content
    assert api_token_find(raw, now=NOW) == theirs


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_named_contact_cannot_reach_the_page(org_a: Org, method: str) -> None:
    token, raw = _token_of(org_a)
    client = _english(org_a.named)

    response = getattr(client, method)(PAGE, {"do": "revoke", "token": token.pk})

    assert response.status_code == 404
    assert api_token_find(raw, now=NOW) == token


def test_a_named_contact_cannot_make_a_token(org_a: Org) -> None:
    response = _create(_english(org_a.named), org_a.named)

    assert response.status_code == 404
    assert not ApiToken.objects.exists()


def test_only_the_manager_sees_the_menu_link(org_a: Org) -> None:
    manager_home = _english(org_a.manager).get(reverse("portal:home")).content.decode()
    named_home = _english(org_a.named).get(reverse("portal:home")).content.decode()

    assert f'href="{PAGE}"' in manager_home
    assert f'href="{PAGE}"' not in named_home


def test_provider_staff_cannot_use_the_portal_page(org_a: Org) -> None:
    response = client_for(user=UserFactory(username="portal-staff")).get(PAGE)

    assert response.status_code == 403


def test_the_organisations_list_takes_a_fixed_number_of_queries(
    org_a: Org, django_assert_max_num_queries: Any
) -> None:
    for n in range(6):
        _token_of(org_a, f"Koppeling {n}")
    client = _english(org_a.manager)

    with django_assert_max_num_queries(10):
        page = client.get(PAGE)

    assert len(page.context["rows"]) == 6
