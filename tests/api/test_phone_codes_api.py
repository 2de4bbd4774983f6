"""Out-of-hours phone codes through the API (issue #13 §2): provider staff list, issue, rotate
and revoke them and never see a code; the customer's support services manager sees its own
organisation's codes and a code once; a registration with the code at Sunday 03:00 follows the
back-office's rules and pages on call once."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User

from api.models import IdempotencyRecord
from contracts.models import PhoneCode, TokenScope
from contracts.services.phone_codes import phone_code_issue
from escalation.models import OnCallPage
from tests.api.conftest import api_client, contact_token, provider_token, staff_member
from tests.api.oncall_spy import oncall_calls
from tests.out_of_hours.support import (
    ISSUED,
    SUNDAY_0300,
    CbgCustomer,
    cbg_customer,
    code_revealed,
)
from tests.portal.conftest import login_for
from tickets.models import Ticket
from tickets.services.create import BUSINESS_CRITICAL_CHECKS

pytestmark = pytest.mark.django_db
DIGITS = re.compile(rb"\d{4} ?\d{4}")
CRITICAL = dict.fromkeys(BUSINESS_CRITICAL_CHECKS, True)


@pytest.fixture
def customer(db: None) -> CbgCustomer:
    found = cbg_customer(reference="CBG-EXTRA-A")
    login_for(found.manager)
    login_for(found.caller)
    return found


@pytest.fixture
def other(db: None) -> CbgCustomer:
    found = cbg_customer(reference="CBG-EXTRA-B")
    login_for(found.manager)
    return found


@pytest.fixture
def coordinator(db: None) -> User:
    return staff_member("cbg-coordinator")


def cbg_staff(user: User, scope: str = TokenScope.WRITE) -> Any:
    return api_client(provider_token(user, "cbg", scope=scope))


def issued(customer: CbgCustomer) -> PhoneCode:
    return phone_code_issue(contract=customer.contract, actor=customer.coordinator, now=ISSUED)


# --- provider staff -------------------------------------------------------------------------


def test_staff_list_their_customers_codes_without_the_code_or_its_hash(
    customer: CbgCustomer,
    other: CbgCustomer,
    coordinator: User,
    django_assert_max_num_queries: Any,
) -> None:
    code, raw = code_revealed(customer)
    issued(other)
    client = cbg_staff(coordinator)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/phone-codes/")
    assert response.status_code == 200, response.content
    rows = {row["contract"]["reference"]: row for row in response.json()["results"]}
    assert rows.keys() == {"CBG-EXTRA-A", "CBG-EXTRA-B"}
    assert rows["CBG-EXTRA-A"]["state"] == "active"
    assert rows["CBG-EXTRA-A"]["revealed_to"]["name"] == "Mia Manager"
    assert rows["CBG-EXTRA-B"]["state"] == "waiting"
    assert raw.replace(" ", "").encode() not in response.content
    assert code.code_hash.encode() not in response.content
    assert b"code_hash" not in response.content


def test_another_providers_token_sees_no_cbg_code(customer: CbgCustomer) -> None:
    code = issued(customer)
    client = api_client(provider_token(staff_member("ons-coordinator"), "onitnow"))
    assert client.get("/api/v1/phone-codes/").json()["results"] == []
    assert client.get(f"/api/v1/phone-codes/{code.pk}/").status_code == 404
    assert client.post(f"/api/v1/phone-codes/{code.pk}/revoke/").status_code == 404


def test_staff_issue_rotate_and_revoke_through_the_services(
    customer: CbgCustomer, coordinator: User
) -> None:
    client = cbg_staff(coordinator)
    response = client.post(
        "/api/v1/phone-codes/", {"contract": customer.contract.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    first = response.json()
    assert first["state"] == "waiting"
    assert first["issued_by"]["id"] == coordinator.pk

    again = client.post("/api/v1/phone-codes/", {"contract": customer.contract.pk}, format="json")
    assert again.status_code == 422
    assert again.json()["code"] == "phone_code_refused"

    rotated = client.post(f"/api/v1/phone-codes/{first['id']}/rotate/")
    assert rotated.status_code == 201, rotated.content
    assert rotated.json()["id"] != first["id"]
    assert PhoneCode.objects.get(pk=first["id"]).rotated

    revoked = client.post(f"/api/v1/phone-codes/{rotated.json()['id']}/revoke/")
    assert revoked.status_code == 200, revoked.content
    assert revoked.json()["state"] == "revoked"
    assert revoked.json()["revoked_by"]["id"] == coordinator.pk
    assert not PhoneCode.objects.filter(revoked_at__isnull=True).exists()


def test_a_package_without_the_out_of_hours_line_gets_no_code(coordinator: User) -> None:
    basis = cbg_customer("basis", reference="CBG-BASIS-1")
    response = cbg_staff(coordinator).post(
        "/api/v1/phone-codes/", {"contract": basis.contract.pk}, format="json"
    )
    assert response.status_code == 422
    assert "no business-critical phone line outside office hours" in response.json()["detail"]
    assert not PhoneCode.objects.exists()


def test_a_read_only_token_and_the_first_line_may_not_issue(customer: CbgCustomer) -> None:
    body = {"contract": customer.contract.pk}
    read_only = cbg_staff(staff_member("cbg-reader"), scope=TokenScope.READ)
    first_line = cbg_staff(staff_member("cbg-first-line", group="First line"))
    assert read_only.post("/api/v1/phone-codes/", body, format="json").json()["code"] == (
        "read_only_token"
    )
    refused = first_line.post("/api/v1/phone-codes/", body, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "phone_code_role")
    assert not PhoneCode.objects.exists()


def test_staff_cannot_reveal_a_code(customer: CbgCustomer, coordinator: User) -> None:
    code = issued(customer)
    response = cbg_staff(coordinator).post(f"/api/v1/phone-codes/{code.pk}/reveal/")
    assert (response.status_code, response.json()["code"]) == (403, "customer_only")
    code.refresh_from_db()
    assert code.revealed_at is None


# --- the customer's support services manager ------------------------------------------------


def test_the_manager_sees_the_code_once_and_never_again(customer: CbgCustomer) -> None:
    code = issued(customer)
    client = api_client(contact_token(customer.manager))
    shown = client.post(f"/api/v1/phone-codes/{code.pk}/reveal/")
    assert shown.status_code == 200, shown.content
    assert re.fullmatch(r"\d{4} \d{4}", shown.json()["code"])
    assert shown.json()["state"] == "active"

    second = client.post(f"/api/v1/phone-codes/{code.pk}/reveal/")
    assert second.status_code == 422
    assert "is not shown again" in second.json()["detail"]
    listed = client.get("/api/v1/phone-codes/")
    read = client.get(f"/api/v1/phone-codes/{code.pk}/")
    for answer in (second, listed, read):
        assert DIGITS.search(answer.content) is None
    assert [row["state"] for row in listed.json()["results"]] == ["active"]


def test_a_retried_reveal_answers_the_code_null_and_keeps_no_digits(
    customer: CbgCustomer,
) -> None:
    code = issued(customer)
    client = api_client(contact_token(customer.manager))
    headers = {"HTTP_IDEMPOTENCY_KEY": "reveal-once"}
    first = client.post(f"/api/v1/phone-codes/{code.pk}/reveal/", **headers)
    retry = client.post(f"/api/v1/phone-codes/{code.pk}/reveal/", **headers)
    assert first.json()["code"] is not None
    assert (retry.status_code, retry.json()["code"], retry.json()["id"]) == (200, None, code.pk)
    digits = first.json()["code"].encode()
    assert not any(digits in bytes(record.body) for record in IdempotencyRecord.objects.all())


def test_the_manager_sees_only_its_own_organisations_codes(
    customer: CbgCustomer, other: CbgCustomer
) -> None:
    own = issued(customer)
    foreign = issued(other)
    client = api_client(contact_token(customer.manager))
    listed = client.get("/api/v1/phone-codes/").json()["results"]
    assert [row["id"] for row in listed] == [own.pk]
    assert b"CBG-EXTRA-B" not in client.get("/api/v1/phone-codes/").content
    assert client.get(f"/api/v1/phone-codes/{foreign.pk}/").status_code == 404
    assert client.post(f"/api/v1/phone-codes/{foreign.pk}/reveal/").status_code == 404
    foreign.refresh_from_db()
    assert foreign.revealed_at is None


def test_a_named_contact_is_refused_the_list_and_finds_no_code(customer: CbgCustomer) -> None:
    code = issued(customer)
    client = api_client(contact_token(customer.caller))
    listed = client.get("/api/v1/phone-codes/")
    assert (listed.status_code, listed.json()["code"]) == (403, "manager_only")
    assert client.get(f"/api/v1/phone-codes/{code.pk}/").status_code == 404
    assert client.post(f"/api/v1/phone-codes/{code.pk}/reveal/").status_code == 404
    code.refresh_from_db()
    assert code.revealed_at is None


def test_a_customer_may_not_issue_rotate_or_revoke(customer: CbgCustomer) -> None:
    code = issued(customer)
    client = api_client(contact_token(customer.manager))
    body = {"contract": customer.contract.pk}
    assert client.post("/api/v1/phone-codes/", body, format="json").status_code == 403
    assert client.post(f"/api/v1/phone-codes/{code.pk}/rotate/").status_code == 403
    assert client.post(f"/api/v1/phone-codes/{code.pk}/revoke/").status_code == 403
    assert PhoneCode.objects.get().revoked_at is None


# --- a call registered through the API with the code, Sunday 03:00 ---------------------------


@pytest.fixture
def pages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return oncall_calls(monkeypatch)


def _call(customer: CbgCustomer, **changes: Any) -> dict[str, Any]:
    body = {
        "contact": customer.caller.pk,
        "contract": customer.contract.pk,
        "request_type": "incident",
        "channel": "phone",
        "subject": "Niemand kan inloggen op Office 365",
        "description": "Sinds 02:30 kan geen enkele gebruiker inloggen.",
    }
    return {**body, **changes}


def test_a_sunday_0300_call_with_the_valid_code_is_business_critical_and_pages_once(
    customer: CbgCustomer, coordinator: User, pages: list[str]
) -> None:
    _code, raw = code_revealed(customer)
    client = cbg_staff(coordinator)
    with time_machine.travel(SUNDAY_0300, tick=False):
        response = client.post("/api/v1/tickets/", _call(customer, phone_code=raw), format="json")
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["channel"] == "phone"
    assert answer["priority"]["level"] == "business-critical"
    ticket = Ticket.objects.select_related("sla_policy", "calendar").get(pk=answer["id"])
    assert ticket.sla_policy is not None
    assert ticket.sla_policy.code == "cbg-extra-24x7"
    assert ticket.calendar is not None
    assert ticket.calendar.always_open
    assert pages.count("out_of_hours_phone") == 1
    assert OnCallPage.objects.filter(ticket=ticket).count() == 1  # on call is paged once


def test_a_wrong_code_at_sunday_0300_is_refused_with_the_next_office_day(
    customer: CbgCustomer, coordinator: User, pages: list[str]
) -> None:
    code_revealed(customer)
    client = cbg_staff(coordinator)
    with time_machine.travel(SUNDAY_0300, tick=False):
        response = client.post(
            "/api/v1/tickets/", _call(customer, phone_code="1234 5678"), format="json"
        )
    assert response.status_code == 400, response.content
    problem = response.json()
    assert problem["code"] == "out_of_hours_refused"
    assert "not the valid out-of-hours phone code" in problem["errors"]["phone_code"][0]
    assert "Monday 9 March 2026 08:30" in problem["detail"]
    assert not Ticket.objects.exists()
    assert pages == []


def test_a_business_critical_call_without_the_code_is_refused_in_dutch_too(
    customer: CbgCustomer, coordinator: User
) -> None:
    code_revealed(customer)
    client = api_client(provider_token(coordinator, "cbg"), language="nl")
    body = _call(customer, business_critical_checklist=CRITICAL, any_user_can_login=False)
    with time_machine.travel(SUNDAY_0300, tick=False):
        response = client.post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 400
    assert "9 maart 2026 08:30" in response.json()["detail"]
    assert not Ticket.objects.exists()


def test_the_received_time_decides_a_call_registered_the_next_morning(
    customer: CbgCustomer, coordinator: User, pages: list[str]
) -> None:
    """Registered on Tuesday at noon for a call of Sunday 03:00: on the line, nobody woken."""
    _code, raw = code_revealed(customer)
    body = _call(customer, phone_code=raw, received_at=SUNDAY_0300.isoformat())
    with time_machine.travel(datetime(2026, 3, 10, 11, 0, tzinfo=SUNDAY_0300.tzinfo), tick=False):
        response = cbg_staff(coordinator).post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.select_related("sla_policy").get(pk=response.json()["id"])
    assert ticket.sla_policy is not None
    assert ticket.sla_policy.code == "cbg-extra-24x7"
    assert ticket.created_at == SUNDAY_0300
    assert pages.count("out_of_hours_phone") == 0


def test_a_phone_code_needs_the_phone_channel(customer: CbgCustomer, coordinator: User) -> None:
    body = _call(customer, channel="api", phone_code="1234 5678")
    response = cbg_staff(coordinator).post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 400
    assert "phone_code" in response.json()["errors"]
