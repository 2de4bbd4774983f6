"""Logging in and out, throttling, invitations and password reset (issue #5 §1).

Logins go through `client.post` to the login URL: django-axes needs the request in
authenticate. Every test starts and ends with axes reset (conftest).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutboxEmail
from portal.services import contact_invite
from tests.factories import ContactFactory, UserFactory
from tests.portal.conftest import PASSWORD, Org, login_for

pytestmark = pytest.mark.django_db

LOGIN = reverse("portal:login")
LOCKED = "Te veel mislukte pogingen"  # templates/portal/locked_out.html, in Dutch


def log_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(LOGIN, {"username": email, "password": password})


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def test_login_rotates_the_session_key(org_a):
    client = Client()
    session = client.session  # an anonymous session, as an attacker could plant one
    session["planted"] = True
    session.save()
    before = session.session_key
    response = log_in(client, org_a.manager.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert signed_in(client)
    assert client.get(reverse("portal:home")).status_code == 200


def test_logout_is_a_post_and_ends_the_session(org_a):
    client = Client()
    log_in(client, org_a.manager.email)
    key = client.cookies["sessionid"].value
    assert client.get(reverse("portal:logout")).status_code == 405
    assert Session.objects.filter(session_key=key).exists()
    response = client.post(reverse("portal:logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert not Session.objects.filter(session_key=key).exists()
    home = client.get(reverse("portal:home"))
    assert home.status_code == 302
    assert home["Location"].startswith(LOGIN)
    # The old cookie, replayed, is worth nothing.
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get(reverse("portal:home")).status_code == 302


def test_five_wrong_passwords_lock_the_account_at_that_address(org_a):
    # Issue #10 §5: a lock-out locks one person (account + address), not an office.
    email = org_a.manager.email
    for attempt in range(1, 6):
        response = log_in(Client(REMOTE_ADDR="10.0.0.1"), email, "verkeerd")
        assert response.status_code in (200, 429), attempt
        if attempt < 5:
            assert response.status_code == 200
            assert response.context["form"].errors
    client = Client(REMOTE_ADDR="10.0.0.1")
    response = log_in(client, email)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not signed_in(client)
    # Another account at the same address is not affected by this account's lock.
    assert log_in(Client(REMOTE_ADDR="10.0.0.1"), org_a.named.email).status_code == 302


def test_failures_over_many_accounts_lock_that_address(org_a, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 5  # production: 50 (tests/test_lockout.py)
    for attempt in range(5):
        log_in(Client(REMOTE_ADDR="192.0.2.7"), f"gok{attempt}@alfa.example", "verkeerd")
    client = Client(REMOTE_ADDR="192.0.2.7")
    response = log_in(client, org_a.named.email)  # a different, untouched account
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not signed_in(client)
    elsewhere = Client(REMOTE_ADDR="192.0.2.8")
    assert log_in(elsewhere, org_a.named.email).status_code == 302
    assert signed_in(elsewhere)


def test_a_success_before_the_limit_resets_the_count(org_a):
    email = org_a.manager.email
    for _ in range(4):
        log_in(Client(REMOTE_ADDR="198.51.100.1"), email, "verkeerd")
    assert log_in(Client(REMOTE_ADDR="198.51.100.1"), email).status_code == 302
    for _ in range(4):
        log_in(Client(REMOTE_ADDR="198.51.100.1"), email, "verkeerd")
    assert log_in(Client(REMOTE_ADDR="198.51.100.1"), email).status_code == 302


def test_staff_are_refused_at_the_portal_login(org_a):
    staff = UserFactory(username="agent-login", email="agent@provider.example")
    staff.set_password(PASSWORD)
    staff.save()
    for username in ("agent-login", "agent@provider.example"):
        client = Client()
        response = client.post(LOGIN, {"username": username, "password": PASSWORD})
        assert response.status_code == 200
        assert not signed_in(client)
    # A staff user who is also a customer's contact is refused as well.
    org_a.manager.user.is_staff = True
    org_a.manager.user.save(update_fields=["is_staff"])
    client = Client()
    response = log_in(client, org_a.manager.email)
    assert response.status_code == 200
    assert "form" in response.context
    assert response.context["form"].errors["__all__"]
    assert not signed_in(client)


def test_an_inactive_contact_cannot_log_in(org_a):
    org_a.named.is_active = False
    org_a.named.save(update_fields=["is_active"])
    client = Client()
    response = log_in(client, org_a.named.email)
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"]
    assert not signed_in(client)


def test_a_contact_cannot_open_the_admin(org_a):
    client = Client()
    log_in(client, org_a.manager.email)
    assert signed_in(client)
    for path in ("/admin/", "/admin/tickets/ticket/", "/admin/contracts/contact/"):
        response = client.get(path)
        assert response.status_code in (302, 403), path
        if response.status_code == 302:
            assert response["Location"].startswith("/admin/login/"), path
    page = client.get("/admin/", follow=True).content.decode()
    assert 'name="password"' in page  # the admin's login form, nothing else
    assert "/admin/logout/" not in page
    assert org_a.customer.name not in page
    # The admin login refuses the contact's credentials too.
    admin_login = client.post(
        "/admin/login/?next=/admin/", {"username": org_a.manager.email, "password": PASSWORD}
    )
    assert admin_login.status_code == 200
    assert client.get("/admin/").status_code == 302


# --- invitations --------------------------------------------------------------------------------

LINK = re.compile(r"https?://[^\s\"'<>]+/portal/password/set/[^\s\"'<>]+/")


@pytest.fixture
def invited(org_a: Org):
    contact = ContactFactory(customer=org_a.customer, name="Ines Nieuw", email="Ines@alfa.example")
    user = contact_invite(contact=contact, now=timezone.now())
    return contact, user


def _invitation(contact) -> OutboxEmail:
    return OutboxEmail.objects.get(key__startswith=f"invitation:{contact.pk}:")


def test_an_invitation_creates_a_user_without_password_and_an_outbox_row(invited, settings):
    contact, user = invited
    contact.refresh_from_db()
    assert contact.user == user
    assert user.username == "ines@alfa.example"
    assert not user.has_usable_password()
    assert not user.is_staff
    row = _invitation(contact)
    assert row.to_email == contact.email
    link = LINK.search(row.body_text).group(0)
    assert link.startswith(settings.SITE_URL + "/portal/password/set/")
    assert link in row.body_html
    assert "Alfa Zorg B.V." in row.body_text  # the contact's own organisation, in Dutch
    # Inviting again writes no second row with the same link (the outbox key is the token). The
    # token holds the second it was made in, so both invitations are sent in one frozen instant.
    rows = OutboxEmail.objects.filter(key__startswith=f"invitation:{contact.pk}:")
    with time_machine.travel(timezone.now(), tick=False):
        contact_invite(contact=contact, now=timezone.now())
        once = rows.count()
        contact_invite(contact=contact, now=timezone.now())
    assert rows.count() == once


def _path(link: str) -> str:
    return urlsplit(link).path


def _set_password_form(client: Client, link: str) -> str:
    """Django's confirm view moves the token into the session and redirects."""
    response = client.get(_path(link))
    assert response.status_code == 302
    form_url = response["Location"]
    assert client.get(form_url).context["validlink"]
    return form_url


def test_the_invitation_link_sets_a_valid_password_only(invited):
    contact, user = invited
    client = Client()
    link = LINK.search(_invitation(contact).body_text).group(0)
    form_url = _set_password_form(client, link)
    for weak in ("12345678", "wachtwoord", "ines@alfa.example", "kort"):
        response = client.post(form_url, {"new_password1": weak, "new_password2": weak})
        assert response.status_code == 200, weak
        assert response.context["form"].errors["new_password2"], weak
        user.refresh_from_db()
        assert not user.has_usable_password(), weak
    strong = "Paars-Konijn-Fietst-77"
    response = client.post(form_url, {"new_password1": strong, "new_password2": strong})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:password_reset_complete")
    assert log_in(client, contact.email.lower(), strong).status_code == 302
    assert signed_in(client)
    # The link is used up: the password changed, so the token no longer validates.
    again = Client().get(_path(link), follow=True)
    assert again.status_code == 200
    assert not again.context["validlink"]


def test_a_contact_logs_in_with_its_email_in_any_case(invited):
    contact, user = invited
    user.set_password("Paars-Konijn-Fietst-77")
    user.save()
    assert log_in(Client(), contact.email, "Paars-Konijn-Fietst-77").status_code == 302


def test_an_inactive_contact_is_not_invited(org_a):
    contact = ContactFactory(customer=org_a.customer, email="weg@alfa.example", is_active=False)
    with pytest.raises(ValueError, match="inactive"):
        contact_invite(contact=contact, now=timezone.now())
    assert not get_user_model().objects.filter(username="weg@alfa.example").exists()
    assert not OutboxEmail.objects.filter(to_email="weg@alfa.example").exists()


# --- password reset -----------------------------------------------------------------------------


CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def _reset(email: str):
    client = Client()
    response = client.post(reverse("portal:password_reset"), {"email": email})
    return response, client.get(response["Location"]) if response.status_code == 302 else None


def test_password_reset_mails_an_active_contact_only(org_a):
    staff = UserFactory(username="agent-reset", email="agent-reset@provider.example")
    staff.set_password(PASSWORD)
    staff.save()
    # A staff user who is also a contact: the staff side wins, no reset mail.
    mixed = login_for(ContactFactory(customer=org_a.customer, email="dubbel@alfa.example"))
    mixed.user.is_staff = True
    mixed.user.save(update_fields=["is_staff"])
    org_a.named.is_active = False
    org_a.named.save(update_fields=["is_active"])
    pages = {}
    for email in (
        org_a.manager.email,
        "niemand@alfa.example",
        staff.email,
        mixed.email,
        org_a.named.email,
    ):
        before = OutboxEmail.objects.count()
        response, done = _reset(email)
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:password_reset_done")
        pages[email] = (CSRF.sub(b"", done.content), OutboxEmail.objects.count() - before)
    assert pages[org_a.manager.email][1] == 1
    row = OutboxEmail.objects.get(key__startswith=f"password-reset:{org_a.manager.pk}:")
    assert row.to_email == org_a.manager.email
    assert LINK.search(row.body_text)
    assert all(count == 0 for email, (_, count) in pages.items() if email != org_a.manager.email)
    assert len({content for content, _ in pages.values()}) == 1  # the same page for everyone


def test_the_reset_link_sets_a_new_password(org_a):
    _reset(org_a.manager.email)
    row = OutboxEmail.objects.get(key__startswith=f"password-reset:{org_a.manager.pk}:")
    client = Client()
    form_url = _set_password_form(client, LINK.search(row.body_text).group(0))
    new = "Groene-Tram-Rijdt-31"
    assert client.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302
    assert log_in(Client(), org_a.manager.email, PASSWORD).status_code == 200  # the old one
    assert log_in(Client(), org_a.manager.email, new).status_code == 302
