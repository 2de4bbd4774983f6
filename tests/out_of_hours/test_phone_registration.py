"""Out-of-hours phone registration (issue #13 §2): CBG Extra's code puts a business-critical
call on the 24x7 line and pages on call; a wrong or missing code, and Basis/Standaard, are
refused with what can be done instead; in office hours nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils.translation import override

from escalation.services.out_of_hours import ticket_create_reaching_on_call
from tests.out_of_hours.support import (
    SUNDAY_0300,
    TUESDAY_NOON,
    CbgCustomer,
    PagerRecorder,
    cbg_customer,
    code_revealed,
)
from tickets.models import Channel, Ticket
from tickets.services.create import BUSINESS_CRITICAL_CHECKS, TicketCreateInput
from tickets.services.out_of_hours import OutOfHoursRefused

pytestmark = pytest.mark.django_db
CRITICAL = dict.fromkeys(BUSINESS_CRITICAL_CHECKS, True)


def _call(customer: CbgCustomer, **changes: Any) -> TicketCreateInput:
    fields: dict[str, Any] = {
        "contact": customer.caller,
        "contract_id": customer.contract.pk,
        "request_type": "incident",
        "channel": Channel.PHONE,
        "subject": "Niemand kan inloggen op Office 365",
        "description": "Sinds 02:30 kan geen enkele gebruiker inloggen.",
        "created_by": customer.coordinator,
    }
    fields.update(changes)
    return TicketCreateInput(**fields)


def test_sunday_0300_call_with_the_valid_code_is_business_critical_on_the_24x7_line(
    pager: PagerRecorder,
) -> None:
    customer = cbg_customer()
    _code, raw = code_revealed(customer)
    ticket = ticket_create_reaching_on_call(data=_call(customer), now=SUNDAY_0300, phone_code=raw)
    assert ticket.sla_policy is not None
    assert ticket.sla_policy.code == "cbg-extra-24x7"
    assert ticket.priority_level == "business-critical"
    assert ticket.sla_target is not None
    assert ticket.sla_target.business_critical
    assert ticket.calendar is not None
    assert ticket.calendar.always_open
    assert pager.paged("out_of_hours_phone") == [
        {"ticket": ticket.pk, "now": SUNDAY_0300, "reason": "out_of_hours_phone"}
    ]


def test_a_wrong_code_is_refused_naming_the_next_office_day_in_english_and_dutch(
    pager: PagerRecorder,
) -> None:
    customer = cbg_customer()
    code_revealed(customer)
    with override("en"), pytest.raises(OutOfHoursRefused) as english:
        ticket_create_reaching_on_call(data=_call(customer), now=SUNDAY_0300, phone_code="1")
    with override("nl"), pytest.raises(OutOfHoursRefused) as dutch:
        ticket_create_reaching_on_call(data=_call(customer), now=SUNDAY_0300, phone_code="1")
    assert english.value.field == "phone_code"
    assert "not the valid out-of-hours phone code" in str(english.value)
    assert "register the call as a normal ticket" in str(english.value)
    assert "Monday 9 March 2026 08:30" in str(english.value)
    # The alternative's time in the reader's language (the Dutch wording is merged from the
    # pending translations).
    assert "9 maart 2026 08:30" in str(dutch.value)
    assert not Ticket.objects.exists()
    assert pager.pages == []


def test_a_business_critical_call_without_a_code_is_refused(pager: PagerRecorder) -> None:
    customer = cbg_customer()
    code_revealed(customer)
    data = _call(customer, business_critical_checklist=CRITICAL, any_user_can_login=False)
    with (
        override("en"),
        pytest.raises(OutOfHoursRefused, match="needs the customer's out-of-hours"),
    ):
        ticket_create_reaching_on_call(data=data, now=SUNDAY_0300)
    with override("nl"), pytest.raises(OutOfHoursRefused, match="9 maart 2026 08:30"):
        ticket_create_reaching_on_call(data=data, now=SUNDAY_0300)
    assert pager.pages == []


@pytest.mark.parametrize("package", ["basis", "standaard"])
def test_basis_and_standaard_are_refused_as_business_critical_outside_office_hours(
    package: str, pager: PagerRecorder
) -> None:
    customer = cbg_customer(package)
    data = _call(customer, priority_level="business-critical")
    with override("en"), pytest.raises(OutOfHoursRefused) as refused:
        ticket_create_reaching_on_call(data=data, now=SUNDAY_0300)
    assert "during office hours only" in str(refused.value)
    assert "Monday 9 March 2026 08:30" in str(refused.value)
    with override("nl"), pytest.raises(OutOfHoursRefused, match="9 maart 2026 08:30"):
        ticket_create_reaching_on_call(data=data, now=SUNDAY_0300)
    assert pager.pages == []


@pytest.mark.parametrize("package", ["basis", "extra"])
def test_a_normal_call_outside_office_hours_waits_for_the_next_opening(
    package: str, pager: PagerRecorder
) -> None:
    customer = cbg_customer(package)
    ticket = ticket_create_reaching_on_call(data=_call(customer), now=SUNDAY_0300)
    assert ticket.sla_policy is not None
    assert ticket.sla_policy.code == "cbg-connect-secure-365"
    assert ticket.priority_level == "normal"
    assert ticket.calendar is not None
    assert not ticket.calendar.always_open
    assert pager.pages == []


def test_in_office_hours_the_code_is_not_needed_and_nobody_is_paged(pager: PagerRecorder) -> None:
    customer = cbg_customer()
    data = _call(customer, business_critical_checklist=CRITICAL, any_user_can_login=False)
    ticket = ticket_create_reaching_on_call(data=data, now=TUESDAY_NOON, phone_code="")
    assert ticket.sla_policy is not None
    assert ticket.sla_policy.code == "cbg-connect-secure-365"
    assert ticket.priority_level == "business-critical"
    assert pager.pages == []


def test_a_sunday_night_call_registered_on_tuesday_is_on_the_line_without_waking_anyone(
    pager: PagerRecorder,
) -> None:
    customer = cbg_customer()
    _code, raw = code_revealed(customer)
    data = _call(customer, received_at=SUNDAY_0300)
    ticket = ticket_create_reaching_on_call(data=data, now=TUESDAY_NOON, phone_code=raw)
    assert ticket.sla_policy is not None
    assert ticket.sla_policy.code == "cbg-extra-24x7"
    assert ticket.created_at == SUNDAY_0300
    assert pager.paged("out_of_hours_phone") == []
