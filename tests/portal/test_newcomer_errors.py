"""Styled error pages (issue #11 §5): 403, 404 and 500 with the portal's look for customers and
the admin's look for staff (under /admin/, the back-office included), in the reader's language,
as production serves them (DEBUG off)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory

from contracts.models import Contact
from servicedesk.errors import server_error
from tests.factories import UserFactory
from tests.portal.conftest import Org, client_for

pytestmark = pytest.mark.django_db

PORTAL_LOOK = "/static/portal/portal.css"
ADMIN_LOOK = "/static/admin/css/base.css"


@pytest.fixture(autouse=True)
def _production(settings: Any) -> None:
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.portal.error_urls"


def _client(language: str = "", **kwargs: Any) -> Client:
    client = Client(raise_request_exception=False, **kwargs)
    if language:
        client.cookies["django_language"] = language
    return client


def _staff(language: str = "") -> Client:
    client = client_for(user=UserFactory(username="staff-errors", is_superuser=False))
    client.raise_request_exception = False
    if language:
        client.cookies["django_language"] = language
    return client


def test_portal_404_has_the_portals_look_in_english() -> None:
    response = _client("en").get("/portal/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert PORTAL_LOOK in page
    assert ADMIN_LOOK not in page
    assert "<h1>Page not found</h1>" in page
    assert 'href="/portal/">To the home page</a>' in page
    assert '<html lang="en">' in page


def test_portal_404_is_dutch_by_default() -> None:
    """Needs the Dutch catalogue with locale/pending/portalfix.json merged."""
    page = _client().get("/portal/no-such-page/").content.decode()
    assert '<html lang="nl">' in page
    assert "<h1>Pagina niet gevonden</h1>" in page


def test_a_contacts_404_follows_the_contacts_language_and_keeps_the_navigation(
    org_a: Org,
) -> None:
    Contact.objects.filter(pk=org_a.named.pk).update(language="en")
    client = client_for(org_a.named, HTTP_ACCEPT_LANGUAGE="nl")
    page = client.get("/portal/tickets/SD-1900-000001/").content.decode()
    assert "<h1>Page not found</h1>" in page
    assert 'href="/portal/tickets/"' in page  # the portal navigation of a signed-in contact


def test_staff_404_under_admin_has_the_admins_look() -> None:
    response = _staff("en").get("/admin/backoffice/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert ADMIN_LOOK in page
    assert PORTAL_LOOK not in page
    assert "Page not found" in page
    assert 'href="/admin/">To the back-office</a>' in page


def test_staff_in_the_portal_get_the_portals_403() -> None:
    response = _staff("en").get("/portal/")
    page = response.content.decode()
    assert response.status_code == 403
    assert PORTAL_LOOK in page
    assert "<h1>No access</h1>" in page
    assert "provider staff work in the back-office" in page


def test_staff_403_under_admin_has_the_admins_look() -> None:
    response = _staff("en").get("/admin/denied/")
    page = response.content.decode()
    assert response.status_code == 403
    assert ADMIN_LOOK in page
    assert "Ask a coordinator" in page


def test_portal_500_is_styled_and_says_what_to_do() -> None:
    response = _client("en").get("/portal/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert PORTAL_LOOK in page
    assert "<h1>Something went wrong</h1>" in page
    assert "Is it urgent?" in page
    assert "a failure nobody expected" not in page


def test_admin_500_has_the_admins_look() -> None:
    response = _staff("en").get("/admin/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert ADMIN_LOOK in page
    assert "Something went wrong" in page
    assert "Is it urgent?" not in page


def test_500_is_dutch_by_default() -> None:
    """Needs the Dutch catalogue with locale/pending/portalfix.json merged."""
    page = _client().get("/portal/boom/").content.decode()
    assert '<html lang="nl">' in page
    assert "<h1>Er ging iets mis</h1>" in page


def test_500_page_renders_without_the_database(django_assert_num_queries: Any) -> None:
    """Nothing on the 500 page queries: a failing database cannot break it too."""
    request = RequestFactory().get("/portal/tickets/")
    with django_assert_num_queries(0):
        response = server_error(request)
    assert response.status_code == 500
    assert PORTAL_LOOK in response.content.decode()
