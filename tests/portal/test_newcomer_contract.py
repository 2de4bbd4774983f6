"""The contract page as a newcomer reads it (issue #11 §4, §5): weekday names in the page's
language, this year's remaining and next year's closed days of the contract's calendar with
the holidays' names in that language, and only the channels of the customer's own package."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from contracts.models import ContactRoleKind
from tests.factories import ContractFactory
from tests.portal.conftest import Org, client_for, contact_in_role

pytestmark = pytest.mark.django_db

# Monday 1 June 2026: Ascension Day (14 May) has passed, Christmas has not.
TODAY = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def _on_first_of_june() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


def _contract_page(client: Client, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(reverse("portal:contract"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.usefixtures("_on_first_of_june")
def test_weekdays_and_holidays_are_dutch_on_the_dutch_page(org_a: Org) -> None:
    page = _contract_page(client_for(org_a.manager), "nl")
    assert "<dt>Maandag</dt><dd>08:30–17:30</dd>" in page
    assert "<dt>Vrijdag</dt>" in page
    assert "Monday" not in page
    assert "mon " not in page
    assert "Vrijdag 25 december</time>: Eerste kerstdag" in page
    assert "Christmas" not in page


@pytest.mark.usefixtures("_on_first_of_june")
def test_weekdays_and_holidays_are_english_on_the_english_page(org_a: Org) -> None:
    page = _contract_page(client_for(org_a.manager), "en")
    assert "<dt>Monday</dt><dd>08:30–17:30</dd>" in page
    assert "Friday 25 December</time>: Christmas Day" in page
    assert "maandag" not in page.lower()


@pytest.mark.usefixtures("_on_first_of_june", "english")
def test_closed_days_are_the_rest_of_this_year_and_all_of_next_year(org_a: Org) -> None:
    page = _contract_page(client_for(org_a.manager), "en")
    assert "Closed days in the rest of 2026" in page
    assert "Closed days in 2027" in page
    assert 'datetime="2026-05-14"' not in page  # Ascension Day 2026 is past
    assert 'datetime="2026-04-27"' not in page  # King's Day 2026 is past
    assert 'datetime="2026-12-25"' in page
    assert 'datetime="2027-05-06"' in page  # Ascension Day 2027
    assert 'datetime="2027-04-27"' in page  # King's Day 2027
    assert 'datetime="2027-01-01"' in page
    # Good Friday is not on onITnow's list; a holiday on a Saturday closes nothing.
    assert 'datetime="2027-03-26"' not in page
    assert 'datetime="2026-12-26"' not in page


@pytest.mark.usefixtures("_on_first_of_june")
def test_next_year_heading_is_dutch(org_a: Org) -> None:
    page = _contract_page(client_for(org_a.manager), "nl")
    assert "Sluitingsdagen in 2027" in page


def _cbg_contact(package_code: str, email: str) -> Client:
    contract = ContractFactory(provider_code="cbg", package_code=package_code)
    contact = contact_in_role(contract, ContactRoleKind.NAMED_CONTACT, email=email)
    return client_for(contact)


@pytest.mark.usefixtures("english")
def test_a_basis_customer_does_not_see_the_extra_packages_phone_line() -> None:
    page = _contract_page(_cbg_contact("basis", "basis@klant.example"), "en")
    assert "support@cbgconnect.nl" in page
    assert "buiten kantooruren" not in page


@pytest.mark.usefixtures("english")
def test_an_extra_customer_sees_its_out_of_hours_phone_line() -> None:
    page = _contract_page(_cbg_contact("extra", "extra@klant.example"), "en")
    assert "support@cbgconnect.nl" in page
    assert "buiten kantooruren" in page


def test_another_providers_channels_never_show(org_a: Org) -> None:
    page = _contract_page(client_for(org_a.manager), "en")
    assert "cbgconnect" not in page
    assert "serviceshub.microsoft.com" not in page
