"""The pages of the out-of-hours phone codes (issue #13 §2): the customer's manager sees a code
once in the portal; the first line registers a Sunday-night call with it in the back-office;
a coordinator issues and revokes codes in the admin."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from contracts.models import Contact, PhoneCode
from contracts.selectors_phone_codes import phone_code_valid
from contracts.services.phone_codes import phone_code_issue
from tests.backoffice.conftest import staff
from tests.out_of_hours.support import (
    ISSUED,
    SUNDAY_0300,
    CbgCustomer,
    PagerRecorder,
    cbg_customer,
    code_revealed,
)
from tickets.models import Ticket

pytestmark = pytest.mark.django_db
PORTAL = "/portal/phone-codes/"
NEW_TICKET = "/admin/backoffice/tickets/new/"
CODE = re.compile(r'id="phone-code-value">(\d{4} \d{4})<')


def _portal(contact: Contact) -> Client:
    user = get_user_model().objects.create_user(username=contact.email, email=contact.email)
    contact.user = user
    contact.save(update_fields=["user"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _issued(customer: CbgCustomer) -> PhoneCode:
    return phone_code_issue(contract=customer.contract, actor=customer.coordinator, now=ISSUED)


def test_the_manager_sees_the_code_once_then_only_when_it_was_issued_and_shown() -> None:
    customer = cbg_customer()
    code = _issued(customer)
    client = _portal(customer.manager)
    assert f'id="reveal-{code.pk}"' in client.get(PORTAL).content.decode()
    shown = client.post(PORTAL, {"code": code.pk}).content.decode()
    raw = CODE.search(shown)
    assert raw is not None
    assert "it will not be shown again" in shown
    assert phone_code_valid(contract=customer.contract, code=raw.group(1), now=SUNDAY_0300)
    after = client.get(PORTAL).content.decode()
    assert raw.group(1) not in after
    assert f'id="reveal-{code.pk}"' not in after
    assert "Mia Manager" in after  # shown to
    again = client.post(PORTAL, {"code": code.pk}, follow=True).content.decode()
    assert "is not shown again" in again
    assert raw.group(1) not in again


def test_a_named_contact_and_another_customers_manager_cannot_see_the_code() -> None:
    customer = cbg_customer()
    other = cbg_customer(reference="CBG-ANDER")
    code = _issued(customer)
    assert _portal(customer.caller).get(PORTAL).status_code == 404
    stranger = _portal(other.manager)
    assert f"reveal-{code.pk}" not in stranger.get(PORTAL).content.decode()
    assert stranger.post(PORTAL, {"code": code.pk}).status_code == 404
    assert PhoneCode.objects.get(pk=code.pk).revealed_at is None


def _backoffice_form(customer: CbgCustomer, **changes: Any) -> dict[str, Any]:
    data = {
        "received_how": "phone",
        "received_at": "2026-03-08T03:00",
        "request_type": "incident",
        "subject": "Niemand kan inloggen",
        "description": "Geen enkele gebruiker kan inloggen op Office 365.",
        "priority_level": "",
        "send_receipt": "on",
    }
    return {**data, **changes}


@pytest.fixture
def sunday_night() -> Iterator[None]:
    with time_machine.travel(SUNDAY_0300, tick=False):
        yield


@pytest.mark.usefixtures("sunday_night")
def test_the_first_line_registers_a_sunday_call_with_the_code(pager: PagerRecorder) -> None:
    customer = cbg_customer()
    _code, raw = code_revealed(customer)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(staff("first"))
    url = f"{NEW_TICKET}?contact={customer.caller.pk}&contract={customer.contract.pk}"
    assert 'name="phone_code"' in client.get(url).content.decode()
    response = client.post(url, _backoffice_form(customer, phone_code=raw))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.sla_policy.code, ticket.priority_level) == (
        "cbg-extra-24x7",
        "business-critical",
    )
    assert [p["reason"] for p in pager.paged("out_of_hours_phone")] == ["out_of_hours_phone"]


@pytest.mark.usefixtures("sunday_night")
def test_a_wrong_code_is_refused_on_the_form_with_the_next_office_day(
    pager: PagerRecorder,
) -> None:
    customer = cbg_customer()
    code_revealed(customer)
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(staff("first"))
    url = f"{NEW_TICKET}?contact={customer.caller.pk}&contract={customer.contract.pk}"
    response = client.post(url, _backoffice_form(customer, phone_code="0000 0000"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "not the valid out-of-hours phone code" in html
    assert "Monday 9 March 2026 08:30" in html
    assert not Ticket.objects.exists()
    assert pager.pages == []


def test_a_coordinator_issues_and_revokes_a_code_in_the_admin() -> None:
    customer = cbg_customer()
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(staff("coordinator"))
    added = client.post(
        "/admin/contracts/phonecode/add/", {"contract": customer.contract.pk, "ends_at": ""}
    )
    assert added.status_code == 302
    code = PhoneCode.objects.get()
    assert (code.contract, code.code_hash, code.revoked_at) == (customer.contract, "", None)
    listing = client.get("/admin/contracts/phonecode/").content.decode()
    assert "not yet shown to the customer" in listing
    client.post(
        "/admin/contracts/phonecode/",
        {"action": "revoke_selected", "_selected_action": [code.pk]},
    )
    code.refresh_from_db()
    assert code.revoked_at is not None


def test_the_first_line_cannot_issue_codes() -> None:
    client = Client()
    client.force_login(staff("first"))
    assert client.get("/admin/contracts/phonecode/add/").status_code == 403
