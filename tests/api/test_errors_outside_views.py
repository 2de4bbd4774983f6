"""What fails before an API view runs still answers problem+json (issue #12 §3)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_unknown_api_url_answers_a_problem_in_dutch() -> None:
    response = Client().get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["detail"] == "Niet gevonden."


def test_a_nul_byte_in_an_api_query_answers_a_problem_in_english() -> None:
    response = Client().get("/api/v1/tickets/?search=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "invalid"


def test_pages_outside_the_api_keep_their_html_error_pages() -> None:
    response = Client().get("/portal/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
