"""A reset or invitation link issued before a contact was deactivated sets no password
(issue #10 §6): the link's token depends on the user's and the contact's active state, and the
set-password form refuses a login that is not an active contact, with a message in the user's
language."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contracts.models import Contact, ContactChangeAction
from contracts.services.contacts import contact_change_approve, contact_change_request_record
from notifications.models import OutboxEmail
from portal.services import contact_invite
from portal.tokens import ContactSetPasswordForm
from tests.factories import ContactFactory
from tests.portal.conftest import Org

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s\"'<>]+/portal/password/set/[^\s\"'<>]+/")
STRONG = "Paars-Konijn-Fietst-77"


def _link(key_start: str) -> str:
    row = OutboxEmail.objects.filter(key__startswith=key_start).latest("pk")
    match = LINK.search(row.body_text)
    assert match is not None
    return urlsplit(match.group(0)).path


def _reset_link(client: Client, contact: Contact) -> str:
    response = client.post(reverse("portal:password_reset"), {"email": contact.email})
    assert response.status_code == 302
    return _link(f"password-reset:{contact.pk}:")


def _try_to_set(client: Client, path: str) -> Client:
    """Follow the link like a browser and post a strong password if a form is offered."""
    opened = client.get(path, follow=True)
    assert opened.status_code == 200
    client.post(opened.redirect_chain[-1][0] if opened.redirect_chain else path, _passwords())
    return client


def _passwords() -> dict[str, str]:
    return {"new_password1": STRONG, "new_password2": STRONG}


def _password_set(contact: Contact) -> bool:
    user = get_user_model().objects.get(pk=contact.user_id)
    return user.check_password(STRONG)


def _deactivate(contact: Contact) -> None:
    Contact.objects.filter(pk=contact.pk).update(is_active=False)


def test_an_active_contacts_reset_link_sets_the_password(org_a: Org) -> None:
    client = Client()
    path = _reset_link(client, org_a.named)
    _try_to_set(client, path)
    assert _password_set(org_a.named)


def test_a_reset_link_issued_before_deactivation_is_refused(org_a: Org) -> None:
    client = Client()
    path = _reset_link(client, org_a.named)
    _deactivate(org_a.named)
    page = client.get(path, follow=True)
    assert page.status_code == 200
    assert not page.context["validlink"]
    assert "Deze link is niet meer geldig" in page.content.decode()
    client.post(page.redirect_chain[-1][0] if page.redirect_chain else path, _passwords())
    assert not _password_set(org_a.named)


def test_deactivation_through_an_approved_removal_kills_the_link(org_a: Org) -> None:
    """The real door: the manager asks to remove Noor, a coordinator approves it."""
    client = Client()
    path = _reset_link(client, org_a.named)
    now = timezone.now()
    request = contact_change_request_record(
        requested_by=org_a.manager,
        contracts=[org_a.contract],
        action=ContactChangeAction.REMOVE,
        name=org_a.named.name,
        email=org_a.named.email,
        note="Noor is uit dienst",
        now=now,
    )
    contact_change_approve(request=request, now=now, actor=None)
    org_a.named.refresh_from_db()
    assert not org_a.named.is_active
    _try_to_set(client, path)
    assert not _password_set(org_a.named)


def test_an_invitation_link_issued_before_deactivation_is_refused(org_a: Org) -> None:
    contact = ContactFactory(customer=org_a.customer, name="Ines Nieuw", email="ines@alfa.example")
    contact_invite(contact=contact, now=timezone.now())
    contact.refresh_from_db()
    path = _link(f"invitation:{contact.pk}:")
    _deactivate(contact)
    client = _try_to_set(Client(), path)
    user = get_user_model().objects.get(pk=contact.user_id)
    assert not user.has_usable_password()
    assert client.get(reverse("portal:home")).status_code == 302  # not logged in


def test_a_deactivated_user_login_is_refused_too(org_a: Org) -> None:
    client = Client()
    path = _reset_link(client, org_a.named)
    get_user_model().objects.filter(pk=org_a.named.user_id).update(is_active=False)
    _try_to_set(client, path)
    assert not _password_set(org_a.named)


def test_deactivation_after_the_form_was_opened_refuses_the_save(org_a: Org) -> None:
    client = Client()
    path = _reset_link(client, org_a.named)
    opened = client.get(path, follow=True)
    assert opened.context["validlink"]
    form_url = opened.redirect_chain[-1][0]
    _deactivate(org_a.named)
    response = client.post(form_url, _passwords())
    assert response.status_code == 200
    assert not response.context["validlink"]
    assert not _password_set(org_a.named)


def test_the_form_refuses_an_inactive_contact_with_a_clear_message(
    org_a: Org, english: None
) -> None:
    """The Dutch text is in the project's translations (locale/pending/web-faults.po)."""
    _deactivate(org_a.named)
    user = get_user_model().objects.get(pk=org_a.named.user_id)
    form = ContactSetPasswordForm(user, _passwords())
    assert not form.is_valid()
    assert form.has_error("__all__", code="inactive")
    assert "This account is no longer an active contact of a customer" in " ".join(
        form.non_field_errors()
    )
    assert not _password_set(org_a.named)
