"""A contact's own choices (issue #11 §2, §5): the optional mails can be turned off in the
portal, and the language a contact picks is remembered for the next login and for mails."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse

from contracts.exceptions import DomainError
from contracts.models import Contact
from contracts.services.preferences import contact_language_set, contact_mail_preferences_set
from tests.portal.conftest import PASSWORD, Org, client_for

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_mail_preferences_service_stores_the_three_switches(org_a: Org) -> None:
    contact_mail_preferences_set(
        contact=org_a.named,
        mail_when_waiting=False,
        mail_when_closed=True,
        mail_survey=False,
        now=NOW,
    )
    stored = Contact.objects.get(pk=org_a.named.pk)
    assert (stored.mail_when_waiting, stored.mail_when_closed, stored.mail_survey) == (
        False,
        True,
        False,
    )


@pytest.mark.usefixtures("english")
def test_preferences_page_turns_optional_mails_off(org_a: Org) -> None:
    client = client_for(org_a.named)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("portal:preferences")).content.decode()
    assert 'name="mail_when_waiting"' in page
    assert 'name="mail_when_closed"' in page
    assert 'name="mail_survey"' in page
    assert "You always receive a confirmation when a ticket is registered" in page
    response = client.post(reverse("portal:preferences"), {"mail_when_closed": "on"}, follow=True)
    assert "Your mail preferences are saved." in response.content.decode()
    stored = Contact.objects.get(pk=org_a.named.pk)
    assert (stored.mail_when_waiting, stored.mail_when_closed, stored.mail_survey) == (
        False,
        True,
        False,
    )
    # Another contact's switches are untouched.
    assert Contact.objects.get(pk=org_a.manager.pk).mail_survey is True


def test_preferences_are_in_the_portal_navigation(org_a: Org) -> None:
    page = client_for(org_a.named).get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("portal:preferences")}"' in page


def test_preferences_page_needs_a_contact_login() -> None:
    response = Client().get(reverse("portal:preferences"))
    assert response.status_code == 302
    assert reverse("portal:login") in response["Location"]


def test_switching_language_in_the_portal_is_stored_on_the_contact(org_a: Org) -> None:
    client = client_for(org_a.named)
    page = client.get(reverse("portal:home")).content.decode()
    assert f'action="{reverse("portal:language")}"' in page
    response = client.post(
        reverse("portal:language"), {"language": "en", "next": reverse("portal:tickets")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:tickets")
    assert response.cookies["django_language"].value == "en"
    assert Contact.objects.get(pk=org_a.named.pk).language == "en"
    assert '<html lang="en">' in client.get(reverse("portal:tickets")).content.decode()


def test_switching_language_before_login_sets_only_the_cookie(org_a: Org) -> None:
    response = Client().post(reverse("portal:language"), {"language": "en", "next": "/portal/"})
    assert response.cookies["django_language"].value == "en"
    assert Contact.objects.get(pk=org_a.named.pk).language == "nl"


def test_an_unknown_language_changes_nothing(org_a: Org) -> None:
    client_for(org_a.named).post(reverse("portal:language"), {"language": "de", "next": "/"})
    assert Contact.objects.get(pk=org_a.named.pk).language == "nl"
    with pytest.raises(DomainError):
        contact_language_set(contact=org_a.named, language="de", now=NOW)


def test_login_activates_the_contacts_own_language(org_a: Org) -> None:
    """A contact who picked English gets English after logging in on a Dutch browser."""
    Contact.objects.filter(pk=org_a.named.pk).update(language="en")
    browser = Client(HTTP_ACCEPT_LANGUAGE="nl")
    response = browser.post(
        reverse("portal:login"), {"username": org_a.named.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in browser.get(reverse("portal:home")).content.decode()


def test_a_language_picked_before_is_kept_across_logins(org_a: Org) -> None:
    first = client_for(org_a.named)
    first.post(reverse("portal:language"), {"language": "en", "next": "/portal/"})
    second = Client(HTTP_ACCEPT_LANGUAGE="nl")  # another browser, no cookie
    second.post(reverse("portal:login"), {"username": org_a.named.email, "password": PASSWORD})
    assert '<html lang="en">' in second.get(reverse("portal:home")).content.decode()
