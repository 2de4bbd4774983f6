"""Issue #11 §3 in a real browser (Chromium), in Dutch and in English: the first line takes a
phone call. From the ticket list's "New ticket" link: find the caller by phone number, register
the ticket with the time the call came in, the provider's own questions and a file, and land on
the ticket's work page with its number. The clocks count from the call, not from the click.

The Dutch run asserts Dutch text from locale/pending/phone.json: it passes once the pending
translations are merged into the catalogue.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.backoffice_browser.conftest import Backoffice, person
from tickets.models import Attachment, Channel, Metric, Ticket, TicketEvent

pytestmark = pytest.mark.django_db(transaction=True)

LOG_FILE = {"name": "foutmelding.txt", "mimeType": "text/plain", "buffer": b"Fout 0x800CCC0E\n"}
TEXT = {
    "en": {
        "search": "Search",
        "register_for": "Register for this contact",
        "register": "Register ticket",
        "registered": "Ticket {number} registered for Anna de Vries.",
        "walk_in": "Walk-in at the desk",
    },
    "nl": {
        "search": "Zoeken",
        "register_for": "Registreren voor deze contactpersoon",
        "register": "Ticket registreren",
        "registered": "Ticket {number} geregistreerd voor Anna de Vries.",
        "walk_in": "Langs geweest bij de balie",
    },
}


def _submit(page: Page, form: str, button: str) -> None:
    submit = page.locator(f"{form} button[type=submit]")
    expect(submit).to_have_text(button)
    with page.expect_navigation():
        submit.click()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_first_line_registers_a_phone_call_from_the_ticket_list(
    backoffice: Backoffice, language: str
) -> None:
    desk = backoffice.desk
    words = TEXT[language]
    desk.anna.phone = "+31 6 1234 5678"
    desk.anna.save(update_fields=["phone"])
    fleur = person("first", "fleur", "Fleur", "de Boer")
    page = backoffice.page_for(fleur, language=language)

    page.goto(reverse("admin:tickets_ticket_changelist"))
    with page.expect_navigation():
        page.locator("#new-ticket-link").click()
    page.fill("input[name=q]", "06-12345678")
    _submit(page, "#caller-search", words["search"])
    expect(page.locator("#caller-results tbody tr")).to_have_count(1)
    choose = page.locator(f"#caller-results a[href$='?contact={desk.anna.pk}']")
    expect(choose).to_have_text(words["register_for"])
    with page.expect_navigation():
        choose.click()

    # The call came in 25 minutes ago; the field shows Amsterdam time, to the minute.
    amsterdam = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    called = (timezone.now() - timedelta(minutes=25)).astimezone(amsterdam)
    called = called.replace(second=0, microsecond=0)
    expect(page.locator("input[name=received_at]")).not_to_have_value("")
    page.fill("input[name=received_at]", called.strftime("%Y-%m-%dT%H:%M"))
    walk_in = page.locator("input[name=received_how][value=walk_in]")
    expect(page.locator("label", has=walk_in)).to_contain_text(words["walk_in"])
    walk_in.check()
    page.fill("input[name=subject]", "Outlook start niet")
    page.fill("textarea[name=description]", "Sinds vanochtend start Outlook bij niemand.")
    page.select_option("select[name=impact_scope]", "multiple_users")
    page.select_option("select[name=impact_effect]", "down")
    expect(page.locator("input[name=send_receipt]")).to_be_checked()
    page.set_input_files("input[name=attachments]", files=[LOG_FILE])
    _submit(page, "#registration", words["register"])

    ticket = Ticket.objects.get()
    assert page.url.endswith(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    expect(page.locator("ul.messagelist li.success")).to_have_text(
        words["registered"].format(number=ticket.number)
    )
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert ticket.channel == Channel.PHONE
    assert ticket.created_by == fleur
    assert ticket.priority_rank == 1
    assert ticket.created_at == called
    assert ticket.clocks.get(metric=Metric.RESPONSE).started_at == called
    event = TicketEvent.objects.get(ticket=ticket, kind="created")
    assert event.created_at > called + timedelta(minutes=24)  # registered later
    assert event.data["received_how"] == "walk_in"
    assert Attachment.objects.get(ticket=ticket).filename == "foutmelding.txt"
    backoffice.watched.assert_clean()
