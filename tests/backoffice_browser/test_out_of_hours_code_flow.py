"""Issue #13 §2 in a real browser (Chromium), in Dutch and in English: the CBG Extra customer's
support services manager sees the out-of-hours phone code once in the portal (a second visit
shows no digits); the first line registers a Sunday-night call with it in the back-office and
the ticket is business-critical on the 24x7 line; a wrong code is refused on the form, naming
the next office day (a Monday) in the reader's language.

The call came in last Sunday at 03:00 (the registration's "received at"): the line is chosen
by when the call came in, so the test needs no frozen clock in the live server.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from contracts.models import PhoneCode
from contracts.services.phone_codes import phone_code_issue
from tests.backoffice_browser.conftest import Backoffice, person
from tests.conversation_browser.conftest import portal_login_for
from tests.out_of_hours.support import CbgCustomer, cbg_customer
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

DIGITS = re.compile(r"\d{4} \d{4}")
MONDAY = {"en": "Monday", "nl": "maandag"}


def last_sunday_0300() -> datetime:
    """03:00 in Amsterdam on the last Sunday before now (a week back if it is not 03:00 yet)."""
    local = timezone.now().astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE))
    sunday = (local - timedelta(days=(local.weekday() + 1) % 7)).replace(
        hour=3, minute=0, second=0, microsecond=0
    )
    return sunday if sunday < local else sunday - timedelta(days=7)


def manager_reveals(site: Backoffice, customer: CbgCustomer, language: str) -> str:
    code = phone_code_issue(
        contract=customer.contract, actor=customer.coordinator, now=timezone.now()
    )
    page = portal_login_for(site, customer.manager, language=language)
    page.goto(reverse("portal:phone_codes"))
    with page.expect_navigation():
        page.locator(f"#reveal-{code.pk}").click()
    raw = page.locator("#phone-code-value").inner_text().strip()
    assert DIGITS.fullmatch(raw), raw

    page.goto(reverse("portal:phone_codes"))  # the second visit: the code is not shown again
    expect(page.locator(f"#phone-code-{code.pk}")).to_have_class(re.compile(r"code-active"))
    expect(page.locator(f"#reveal-{code.pk}")).to_have_count(0)
    assert DIGITS.search(page.locator("main").inner_text()) is None
    return raw


def register_call(page: Page, customer: CbgCustomer, code: str) -> None:
    page.goto(f"{reverse('backoffice:ticket-new')}?contact={customer.caller.pk}")
    called = last_sunday_0300()
    page.fill("input[name=received_at]", called.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=subject]", "Niemand kan inloggen op Office 365")
    page.fill("textarea[name=description]", "Sinds 02:30 kan geen enkele gebruiker inloggen.")
    page.fill("input[name=phone_code]", code)
    with page.expect_navigation():
        page.locator("#registration button[type=submit]").click()


def refused_here(site: Backoffice) -> None:
    """The refused registration answers 400 (the form again, with its error), and nothing
    else failed; the watch starts afresh."""
    assert [answer.split()[0] for answer in site.watched.bad_responses] == ["400"]
    assert len(site.watched.errors) == 1  # Chromium logs the 400 in the console
    site.watched.bad_responses.clear()
    site.watched.errors.clear()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_manager_sees_the_code_once_and_the_first_line_takes_a_sunday_call_with_it(
    backoffice: Backoffice, language: str
) -> None:
    customer = cbg_customer(reference="CBG-EXTRA-7")
    raw = manager_reveals(backoffice, customer, language)
    first_line = backoffice.page_for(
        person("first", "fleur", "Fleur", "de Boer"), language=language
    )

    register_call(first_line, customer, "0000 0000")  # a wrong code
    refusal = first_line.locator("#id_phone_code_error")  # on the code's field
    expect(refusal).to_contain_text("CBG-EXTRA-7")
    expect(refusal).to_contain_text(MONDAY[language], ignore_case=True)
    assert not Ticket.objects.exists()
    refused_here(backoffice)

    register_call(first_line, customer, raw)
    ticket = Ticket.objects.select_related("sla_policy", "sla_target", "calendar").get()
    assert first_line.url.endswith(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    assert ticket.sla_policy is not None
    assert ticket.sla_policy.code == "cbg-extra-24x7"
    assert ticket.priority_level == "business-critical"
    assert ticket.sla_target is not None
    assert ticket.sla_target.business_critical
    assert ticket.calendar is not None
    assert ticket.calendar.always_open
    assert ticket.created_at == last_sunday_0300()
    assert PhoneCode.objects.get().revealed_to == customer.manager
    backoffice.watched.assert_clean()
