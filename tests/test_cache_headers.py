"""Logged-in pages and downloads are never stored: `Cache-Control: private, no-store` on every
response to a logged-in request and on every file, in the portal and the back-office; static
files keep their own caching (issue #10 §6)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.files.base import ContentFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from servicedesk.middleware import PrivateNoStoreMiddleware
from tests.factories import UserFactory
from tests.portal.conftest import (  # noqa: F401  (the portal's autouse fixtures apply here)
    Org,
    _axes_clean,
    _fast_and_isolated,
    client_for,
    org_a_build,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_a(db: None) -> Org:
    return org_a_build(timezone.now() - timedelta(hours=1))


def _directives(response: Any) -> set[str]:
    return {d.strip().lower() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def _not_storable(response: Any) -> bool:
    directives = _directives(response)
    return {"private", "no-store"} <= directives and "public" not in directives


def _staff(group: str) -> Client:
    user = UserFactory(username=f"cache-{group.lower().replace(' ', '-')}")
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def test_portal_pages_of_a_logged_in_contact_are_private_no_store(org_a: Org) -> None:
    client = client_for(org_a.manager)
    ticket = org_a.tickets["own"]
    for url in (
        reverse("portal:home"),
        reverse("portal:tickets"),
        reverse("portal:ticket", args=[ticket.number]),
        reverse("portal:ticket_new"),
        reverse("portal:contract"),
        reverse("portal:organisation"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


def test_a_portal_download_is_private_no_store(org_a: Org) -> None:
    attachment = org_a.attachment("own")
    response = client_for(org_a.named).get(reverse("attachment-download", args=[attachment.pk]))
    assert response.status_code == 200
    assert _not_storable(response)


def test_back_office_pages_and_downloads_are_private_no_store(org_a: Org) -> None:
    client = _staff("Support coordinator")
    ticket = org_a.tickets["own"]
    attachment = org_a.attachment("own")
    for url in (
        reverse("backoffice:dashboard"),
        reverse("backoffice:triage"),
        reverse("backoffice:escalations"),
        reverse("admin:tickets_ticket_change", args=[ticket.pk]),
        reverse("admin:tickets_ticket_changelist"),
        reverse("attachment-download", args=[attachment.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _not_storable(response), (url, response.get("Cache-Control"))


def test_the_dashboard_csv_export_is_private_no_store() -> None:
    response = _staff("Support coordinator").get(reverse("backoffice:dashboard-csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert _not_storable(response)


def test_an_anonymous_public_page_is_not_marked_private() -> None:
    response = Client().get(reverse("portal:password_reset"))
    assert response.status_code == 200
    assert "private" not in _directives(response)


def test_static_files_keep_their_own_caching_for_a_logged_in_user(
    org_a: Org, settings: Any
) -> None:
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = client_for(org_a.named).get(settings.STATIC_URL + "portal/portal.css")
    assert response.status_code == 200
    assert "no-store" not in _directives(response)
    assert "private" not in _directives(response)


def _through(response: HttpResponse, user: Any) -> HttpResponse:
    request: HttpRequest = RequestFactory().get("/portal/anything/")
    request.user = user
    result = PrivateNoStoreMiddleware(lambda _request: response)(request)
    assert isinstance(result, HttpResponse | FileResponse)
    return result


def test_a_cacheable_header_set_by_a_view_is_replaced_for_a_logged_in_user() -> None:
    response = HttpResponse("x")
    response["Cache-Control"] = "public, max-age=600, immutable"
    user = UserFactory(username="cache-unit")
    assert _through(response, user)["Cache-Control"] == "private, no-store"


def test_a_stricter_header_is_kept_and_made_private() -> None:
    response = HttpResponse("x")
    response["Cache-Control"] = "no-cache, no-store, must-revalidate"
    user = UserFactory(username="cache-unit-2")
    assert _through(response, user)["Cache-Control"] == (
        "private, no-cache, no-store, must-revalidate"
    )


def test_a_file_is_private_no_store_even_without_a_login() -> None:
    response = FileResponse(ContentFile(b"data", name="x.txt"), as_attachment=True)
    assert _through(response, AnonymousUser())["Cache-Control"] == "private, no-store"
    plain = HttpResponse("x")
    assert not _through(plain, AnonymousUser()).has_header("Cache-Control")
