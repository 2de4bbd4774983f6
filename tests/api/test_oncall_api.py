"""Issue #13 §1 in the API: the rota and the pages, read and acknowledged by provider staff;
another provider's token sees neither (a customer's token is refused: the tenancy walk)."""

from __future__ import annotations

import pytest
import time_machine

from tests.api.conftest import api_client, provider_token, staff_member
from tests.escalation.oncall_world import SATURDAY_3AM, page_of, rota  # noqa: F401

pytestmark = pytest.mark.django_db


def test_provider_staff_read_the_rota_and_the_pages_and_acknowledge_once(rota):  # noqa: F811
    ticket = rota.ticket()
    client = api_client(provider_token(staff_member("api-oncall", "First line"), "microsoft"))
    page = page_of(ticket)

    with time_machine.travel(SATURDAY_3AM, tick=False):
        shifts = client.get("/api/v1/oncall/shifts/").json()["results"]
        listed = client.get("/api/v1/oncall/pages/").json()["results"]
        first = client.post(f"/api/v1/oncall/pages/{page.pk}/acknowledge/")
        second = client.post(f"/api/v1/oncall/pages/{page.pk}/acknowledge/")

    assert sorted((s["position"], s["user"]["name"]) for s in shifts) == [
        (1, "Anna Jansen"),
        (2, "Bram Visser"),
    ]
    assert [(p["id"], p["steps"][0]["name"]) for p in listed] == [(page.pk, "Anna Jansen")]
    assert first.status_code == 200
    assert first.json()["acknowledged_by"]["name"] == "api-oncall"
    assert second.status_code == 409


def test_another_provider_sees_neither_the_rota_nor_the_page(rota):  # noqa: F811
    page = page_of(rota.ticket())
    other = api_client(provider_token(staff_member("api-other"), "onitnow"))

    with time_machine.travel(SATURDAY_3AM, tick=False):
        assert other.get("/api/v1/oncall/shifts/").json()["results"] == []
        assert other.get(f"/api/v1/oncall/pages/{page.pk}/").status_code == 404
