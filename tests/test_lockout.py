"""Issue #10 §5: a login lock-out locks one person, not an office, and never the staff door.

Logins go through the real login pages (`client.post`), so django-axes sees every request as
in production; each test starts and ends with a clean axes state. Pages are asked for in English
(language cookie) where a test reads the lock-out text.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse

from portal.lockout import client_address
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Zeer-geheim-portaal-2026!"
PORTAL = reverse("portal:login")
ADMIN = reverse("admin:login")
OFFICE = "192.0.2.10"


@pytest.fixture(autouse=True)
def _fast_and_clean(settings: Any) -> Iterator[None]:
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_ADDRESS_FAILURE_LIMIT = 12
    settings.TRUSTED_PROXY_COUNT = 0
    axes_reset()
    yield
    axes_reset()


def customer(email: str) -> str:
    """A contact with a portal login (username = email, as invitations make them)."""
    contact = ContactFactory(email=email)
    contact.user = get_user_model().objects.create_user(
        username=email, email=email, password=PASSWORD
    )
    contact.save(update_fields=["user"])
    return email


def staff(username: str) -> str:
    user = UserFactory(username=username)
    user.set_password(PASSWORD)
    user.save()
    return username


def client(address: str = OFFICE, **extra: str) -> Client:
    browser = Client(REMOTE_ADDR=address, **extra)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return browser


def portal_login(browser: Client, email: str, password: str = PASSWORD):
    return browser.post(PORTAL, {"username": email, "password": password})


def admin_login(browser: Client, username: str, password: str = PASSWORD):
    return browser.post(ADMIN, {"username": username, "password": password, "next": "/admin/"})


def signed_in(browser: Client) -> bool:
    return SESSION_KEY in browser.session


def test_five_wrong_passwords_lock_that_person_at_that_address_only():
    email = customer("mia@klant.example")
    colleague = customer("noor@klant.example")
    for _ in range(4):
        assert portal_login(client(), email, "verkeerd").status_code == 200
    assert portal_login(client(), email, "verkeerd").status_code == 429  # the fifth locks

    locked = client()
    response = portal_login(locked, email)

    assert response.status_code == 429
    assert not signed_in(locked)
    assert "this email address" in response.content.decode()
    # The colleague at the same office logs in; so does the same person from home.
    assert portal_login(client(), colleague).status_code == 302
    assert portal_login(client("198.51.100.20"), email).status_code == 302


def test_the_lockout_page_names_the_email_address_in_dutch():
    email = customer("mia@klant.example")
    for _ in range(5):
        portal_login(client(), email, "verkeerd")
    dutch = Client(REMOTE_ADDR=OFFICE)

    response = portal_login(dutch, email)

    assert response.status_code == 429
    assert "Te veel mislukte pogingen" in response.content.decode()


def test_an_address_is_locked_only_by_its_own_much_higher_threshold():
    untouched = customer("noor@klant.example")
    for attempt in range(11):
        assert portal_login(client(), f"gok{attempt}@klant.example", "x").status_code == 200
    assert portal_login(client(), "gok@klant.example", "x").status_code == 429  # the twelfth

    locked = client()
    response = portal_login(locked, untouched)

    assert response.status_code == 429
    assert "network address" in response.content.decode()
    assert not signed_in(locked)
    assert portal_login(client("198.51.100.20"), untouched).status_code == 302


def test_customers_hammering_the_portal_from_the_office_never_lock_the_staff_login():
    agent = staff("frank")
    for attempt in range(20):
        portal_login(client(), f"gok{attempt}@klant.example", "verkeerd")
    assert portal_login(client(), "another@klant.example").status_code == 429

    browser = client()
    response = admin_login(browser, agent)

    assert response.status_code == 302
    assert signed_in(browser)


def test_portal_failures_for_a_staff_username_never_lock_the_staff_account():
    agent = staff("frank@provider.example")  # a username the portal's email field accepts
    for _ in range(10):
        portal_login(client(), agent, "verkeerd")

    browser = client()

    assert admin_login(browser, agent).status_code == 302
    assert signed_in(browser)
    recorded = set(AccessAttempt.objects.values_list("username", flat=True))
    assert recorded == {"portal:frank@provider.example"}


def test_five_wrong_passwords_at_the_back_office_lock_that_staff_login():
    agent = staff("frank")
    for _ in range(4):
        assert admin_login(client(), agent, "verkeerd").status_code == 200
    assert admin_login(client(), agent, "verkeerd").status_code == 429

    browser = client()
    response = admin_login(browser, agent)

    assert response.status_code == 429
    assert "this username" in response.content.decode()
    assert not signed_in(browser)
    assert admin_login(client("198.51.100.20"), agent).status_code == 302


def test_a_forwarded_for_header_is_never_believed_by_default():
    email = customer("mia@klant.example")
    for attempt in range(5):
        spoofed = client(HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}")
        portal_login(spoofed, email, "verkeerd")

    response = portal_login(client(HTTP_X_FORWARDED_FOR="203.0.113.99"), email)

    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}


def test_behind_a_trusted_proxy_each_client_behind_it_counts_apart(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    email = customer("mia@klant.example")
    proxy = "10.0.0.1"
    for _ in range(5):
        portal_login(client(proxy, HTTP_X_FORWARDED_FOR="203.0.113.7"), email, "verkeerd")

    elsewhere = client(proxy, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.8")

    assert portal_login(client(proxy, HTTP_X_FORWARDED_FOR="203.0.113.7"), email).status_code == 429
    assert portal_login(elsewhere, email).status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "192.0.2.10"),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "192.0.2.10"),  # fewer entries than proxies: not through them
        (1, "not-an-address", "192.0.2.10"),
        (1, "", "192.0.2.10"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_comes_from_the_configured_proxies(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().post(
        "/portal/login/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR=forwarded
    )

    assert client_address(request) == expected


def test_a_success_resets_only_that_persons_count():
    email = customer("mia@klant.example")
    for _ in range(4):
        portal_login(client(), email, "verkeerd")
    assert portal_login(client(), email).status_code == 302
    assert not AccessAttempt.objects.exists()
    for _ in range(4):
        portal_login(client(), email, "verkeerd")

    assert portal_login(client(), email).status_code == 302
