"""A malformed ticket number or id in a URL answers 404, never 500, in the portal and the
back-office (issue #10 §6): the URL patterns accept only well-formed values, so a NUL byte, odd
unicode digits or an overlong number never reaches a query (PostgreSQL refuses NUL in a string
with an error, and an id beyond 64 bits overflows)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.portal.conftest import (  # noqa: F401  (the portal's autouse fixtures apply here)
    Org,
    _axes_clean,
    _fast_and_isolated,
    client_for,
    org_a_build,
)

pytestmark = pytest.mark.django_db

HOSTILE = [
    "SD-2026-000001\x00",
    "\x00",
    "SD-2026-00\x000001",
    "SD-2026-" + "1" * 400,
    "9" * 40,
    "SD-\u0662\u0660\u0662\u0666-\u0660\u0660\u0660\u0660\u0660\u0661",  # Arabic-Indic digits
    "SD-２０２６-０００００１",  # fullwidth digits
    "SD-2026-000001\u202e",  # right-to-left override
    "SD-2026-000001\u200b",  # zero-width space
    "sd-2026-000001",
    "SD-2026-000001 ",
    " SD-2026-000001",
    "SD-2026-000001'--",
    "SD-2026-000001%00",
    "..%2F..%2Fetc%2Fpasswd",
    "SD-2026-1",
    "-1",
    "0",
    "1e3",
    "0x1F",
    "１２",
    "\U0001f4a5",
]

# Ids: the same values and what is hostile to a number only.
HOSTILE_IDS = [*HOSTILE, "99999999999999999999", "9223372036854775808", "12\x00", "00"]


@pytest.fixture
def org_a(db: None) -> Org:
    return org_a_build(timezone.now() - timedelta(hours=1))


def _staff() -> Client:
    user = UserFactory(username="bad-urls-coordinator")
    user.groups.add(Group.objects.get(name="Support coordinator"))
    client = Client()
    client.force_login(user)
    return client


def _url(prefix: str, value: str, suffix: str = "/") -> str:
    return prefix + quote(value, safe="%") + suffix


def _view_name(path: str) -> str:
    """The name of the view a path reaches ('' when none; the admin's catch-all answers 404)."""
    try:
        return resolve(path).url_name or ""
    except Resolver404:
        return ""


@pytest.mark.parametrize("value", HOSTILE)
def test_a_malformed_ticket_number_never_reaches_the_portal_view(value: str) -> None:
    assert _view_name(f"/portal/tickets/{value}/") == ""


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_a_malformed_id_never_reaches_a_view(value: str) -> None:
    assert _view_name(f"/attachments/{value}/") == ""
    assert _view_name(f"/admin/backoffice/triage/{value}/") in ("", "catch_all_view")


def test_hostile_ticket_numbers_and_ids_answer_404_in_the_portal(org_a: Org) -> None:
    client = client_for(org_a.manager)
    for value in HOSTILE_IDS:
        for path in (_url("/portal/tickets/", value), _url("/attachments/", value)):
            response = client.get(path)
            assert response.status_code == 404, path


def test_hostile_ticket_numbers_and_ids_answer_404_in_the_back_office(org_a: Org) -> None:
    client = _staff()
    for value in HOSTILE_IDS:
        for path in (
            _url("/admin/backoffice/triage/", value),
            _url("/attachments/", value),
            _url("/admin/tickets/ticket/", value, "/change/"),
        ):
            response = client.get(path)
            assert response.status_code == 404, path


def test_well_formed_numbers_and_ids_still_resolve(org_a: Org) -> None:
    ticket = org_a.tickets["own"]
    page = client_for(org_a.named).get(reverse("portal:ticket", args=[ticket.number]))
    assert page.status_code == 200
    # A well-formed number of no ticket, a year past a million tickets, an id of nothing: 404.
    assert resolve("/portal/tickets/SD-2031-1000000/").kwargs == {"number": "SD-2031-1000000"}
    assert client_for(org_a.named).get("/portal/tickets/SD-2099-000001/").status_code == 404
    assert resolve("/attachments/999999999999999999/").kwargs == {"pk": 999999999999999999}
    assert _staff().get("/admin/backoffice/triage/999999999999999999/").status_code == 404


def test_a_nul_byte_in_a_search_or_filter_is_a_bad_request_not_a_query(org_a: Org) -> None:
    """PostgreSQL refuses NUL in a string: a search carrying one is refused at the door."""
    portal, staff = client_for(org_a.manager), _staff()
    assert portal.get("/portal/tickets/", {"q": "SD-2026\x00"}).status_code == 400
    assert Client().get("/portal/login/", {"next": "/portal/\x00"}).status_code == 400
    for url in ("/admin/tickets/ticket/", "/admin/intake/inboundmessage/"):
        assert staff.get(url, {"q": "salaris\x00"}).status_code == 400, url
        assert staff.get(url, {"q": "salaris"}).status_code == 200, url
    assert portal.get("/portal/tickets/", {"q": "SD-2026"}).status_code == 200
