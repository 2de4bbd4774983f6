"""Issue #5: the customer portal in a real browser (Chromium), Dutch first, strict CSP.

Each test is one customer's flow through the live portal; the provider's side (first
response, resolution) is a service call in between, as the back-office would make it. Every
test also fails on a Content-Security-Policy report, a console error or a failed request.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from escalation.models import Escalation
from tests.portal_browser.conftest import Portal, nl, png_bytes
from tests.tickets.helpers import create_ticket
from tickets.models import Attachment, SatisfactionSurvey, Status, Ticket
from tickets.services import ticket_reply, ticket_resolve

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def top_ticket(portal: Portal, subject: str = "Integratie staat stil") -> Ticket:
    """A Top incident (multiple users, down) registered by the contact."""
    return create_ticket(
        portal.contact,
        timezone.now(),
        subject=subject,
        impact_scope="multiple_users",
        impact_effect="down",
    )


def form_with_action(page: Page, action: str) -> Any:
    """The ticket page's forms are told apart by their hidden `action` field."""
    return page.locator(f"form:has(input[name=action][value={action}])")


def no_horizontal_overflow(page: Page) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " [...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : '')"
        " + (e.className ? '.' + e.className : ''))]"
    )
    scroll_width, inner_width, culprits = widths
    assert scroll_width <= inner_width + 1, (
        f"{page.url} scrolls sideways on a phone: scrollWidth {scroll_width} > "
        f"innerWidth {inner_width}; too wide: {culprits}"
    )


def screenshot(page: Page, path: Path, capsys: Any) -> None:
    page.screenshot(path=str(path), full_page=True)
    with capsys.disabled():
        print(f"\nscreenshot: {path}")


def test_login_in_dutch_and_register_a_top_incident_with_an_attachment(
    portal: Portal, tmp_path: Path, capsys: Any
) -> None:
    """Flows 1 and 6: Dutch pages, scope x effect gives Top, the upload is stored and served,
    the SLA panel explains onITnow's root-cause rule; home and ticket page screenshots."""
    # Dutch by default: a browser asking for neither Dutch nor English gets Dutch.
    page = portal.page(locale="de-DE")
    page.goto("/portal/login/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("h1")).to_have_text(nl("Log in to the customer portal"))
    portal.login(page)
    expect(page.locator("h1")).to_have_text(nl("Welcome, %(name)s", name="Anne Jansen"))
    expect(page.locator("#h-open")).to_have_text(nl("My open tickets"))
    expect(page.locator(".messages")).to_have_count(0)

    page.click("a[href='/portal/tickets/new/']")
    expect(page.locator("h1")).to_have_text(nl("New ticket"))
    page.check("input[name=request_type][value=incident]")
    page.fill("#id_subject", "Integratie staat stil")
    page.fill("#id_description", "Sinds 08:00 komen er geen orders meer door.")
    page.select_option("#id_impact_scope", "multiple_users")
    page.select_option("#id_impact_effect", "down")
    png = png_bytes()
    page.set_input_files(
        "#id_attachments", {"name": "schermafdruk.png", "mimeType": "image/png", "buffer": png}
    )
    with page.expect_navigation():
        page.click("form.new-ticket button[type=submit]")

    ticket = Ticket.objects.select_related("sla_target").get(contact=portal.contact)
    assert page.url == f"{portal.url}/portal/tickets/{ticket.number}/"
    assert (ticket.impact_scope, ticket.impact_effect) == ("multiple_users", "down")
    assert ticket.sla_target is not None
    assert ticket.sla_target.label_nl == "Top"
    expect(page.locator(".messages")).to_contain_text(
        nl("Ticket %(number)s was registered.", number=ticket.number)
    )
    expect(page.locator("h1")).to_have_text(f"{ticket.number} · Integratie staat stil")
    expect(page.locator("dl.facts")).to_contain_text("Top")

    sla = page.locator("section.sla")
    expect(sla.locator("h2")).to_have_text(nl("Service level"))
    response = sla.locator("li.clock").nth(0)
    assert ticket.response_due_at is not None
    shown = ZoneInfo(settings.DISPLAY_TIME_ZONE)  # the portal shows Amsterdam time
    due = f"{ticket.response_due_at.astimezone(shown):%Y %H:%M}"
    expect(response).to_contain_text(nl("First response"))
    expect(response).to_contain_text(nl("due"))
    expect(response).to_contain_text(re.compile(r"\d+ \w+ " + re.escape(due)))
    expect(sla.locator("li.clock-not_started")).to_contain_text(
        nl("the resolution clock starts when the root cause is found")
    )
    expect(sla).to_contain_text(
        nl(
            "Under this contract the resolution time counts from the moment the root cause "
            "is identified."
        )
    )

    stored = Attachment.objects.get(ticket=ticket)
    assert (stored.content_type, stored.size) == ("image/png", len(png))
    link = page.locator(f"a[href='/attachments/{stored.pk}/']")
    expect(link).to_have_text(stored.filename)
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == stored.filename
    assert Path(download.path()).read_bytes() == png

    screenshot(page, tmp_path / "ticket-page.png", capsys)
    page.click("a.brand")
    expect(page.locator("#h-open + table a")).to_have_text(ticket.number)
    screenshot(page, tmp_path / "home.png", capsys)
    portal.watched.assert_clean()


def test_reply_with_attachment_escalate_and_level_one_unsatisfied(portal: Portal) -> None:
    """Flow 2: a reply with a file, an escalation with a reason (level 1 shown on the page),
    then "the level-1 outcome is not satisfactory" (level 2)."""
    ticket = top_ticket(portal)
    page = portal.page()
    portal.login(page)
    page.goto(f"/portal/tickets/{ticket.number}/")
    expect(page.locator("p.escalated")).to_have_count(0)

    reply = form_with_action(page, "reply")
    reply.locator("textarea[name=reply-body]").fill("Het logbestand staat in de bijlage.")
    reply.locator("input[type=file]").set_input_files(
        {"name": "log.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    with page.expect_navigation():
        reply.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_have_text(nl("Your reply was added."))
    expect(page.locator("article.message.customer")).to_contain_text(
        "Het logbestand staat in de bijlage."
    )
    attachment = Attachment.objects.get(ticket=ticket)
    assert attachment.ticket_message is not None
    assert attachment.ticket_message.author_contact == portal.contact
    expect(page.locator(f"a[href='/attachments/{attachment.pk}/']")).to_be_visible()

    page.click("details:has(input[name=action][value=escalate]) > summary")
    escalate = form_with_action(page, "escalate")
    escalate.locator("textarea[name=escalate-reason]").fill(
        "Al twee uur geen orders; dat kost omzet."
    )
    with page.expect_navigation():
        escalate.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(nl("Your escalation was received."))
    expect(page.locator("p.escalated")).to_have_text(nl("Escalated to level %(level)s.", level=1))

    page.click("details:has(input[name=action][value=unsatisfied]) > summary")
    unsatisfied = form_with_action(page, "unsatisfied")
    expect(unsatisfied.locator("button[type=submit]")).to_have_text(
        nl("The level-1 outcome is not satisfactory")
    )
    unsatisfied.locator("textarea[name=unsatisfied-reason]").fill(
        "Niveau 1 heeft het niet opgelost."
    )
    with page.expect_navigation():
        unsatisfied.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(nl("Your escalation was received."))
    expect(page.locator("p.escalated")).to_have_text(nl("Escalated to level %(level)s.", level=2))

    raised = Escalation.objects.filter(ticket=ticket, raised_by_contact=portal.contact)
    assert sorted(raised.values_list("level", flat=True)) == [1, 2]
    portal.watched.assert_clean()


def test_staff_resolves_contact_confirms_and_scores_four(portal: Portal) -> None:
    """Flow 3: the provider answers and resolves (service calls); the contact sees it, confirms
    the resolution (closed) and answers the survey with 4."""
    ticket = top_ticket(portal)
    page = portal.page()
    portal.login(page)
    page.goto(f"/portal/tickets/{ticket.number}/")
    expect(form_with_action(page, "confirm")).to_have_count(0)
    expect(form_with_action(page, "survey")).to_have_count(0)

    agent = User.objects.get(username="agent")
    ticket_reply(ticket=ticket, body="We kijken ernaar.", now=timezone.now(), author_user=agent)
    ticket_resolve(
        ticket=ticket, kind="fix", text="Koppeling herstart.", now=timezone.now(), actor=agent
    )
    page.reload()
    expect(page.locator("article.message.provider")).to_contain_text("We kijken ernaar.")
    expect(page.locator(".status")).to_have_text(nl("resolved"))
    expect(page.locator("#h-confirm")).to_have_text(nl("Is it solved?"))
    expect(form_with_action(page, "reply")).to_have_count(0)

    with page.expect_navigation():
        form_with_action(page, "confirm").locator("button").click()
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    expect(form_with_action(page, "confirm")).to_have_count(0)

    survey = form_with_action(page, "survey")
    survey.locator("input[name=survey-score][value='4']").check()
    survey.locator("textarea[name=survey-comment]").fill("Snel opgelost.")
    with page.expect_navigation():
        survey.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_have_text(nl("Thank you for your answer."))
    expect(page.locator("#h-survey + p")).to_have_text(
        nl("Thank you: you gave %(score)s out of 5.", score=4)
    )
    expect(form_with_action(page, "survey")).to_have_count(0)
    answer = SatisfactionSurvey.objects.get(ticket=ticket)
    assert (answer.score, answer.comment, answer.contact) == (4, "Snel opgelost.", portal.contact)
    portal.watched.assert_clean()


def test_language_switch_to_english_and_back_then_log_out(portal: Portal) -> None:
    """Flow 4: the header switch's button (no script needed) and its select (portal.js submits
    it on change) change the language of every page; logging out ends the session."""
    ticket = top_ticket(portal)
    page = portal.page()
    portal.login(page)
    switch = page.locator("form[action='/portal/language/']")
    expect(switch.locator("button")).to_have_text(nl("Switch"))

    # The button: set the select without a change event, as a browser without script would.
    switch.locator("select").evaluate("select => { select.value = 'en'; }")
    with page.expect_navigation():
        switch.locator("button").click()
    assert page.url == f"{portal.url}/portal/"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Welcome, Anne Jansen")
    expect(page.locator("#h-open")).to_have_text("My open tickets")
    expect(page.locator("nav a[href='/portal/tickets/new/']")).to_have_text("New ticket")
    # Remembered on the contact (issue #11 §5): the next login and the mails follow it.
    portal.contact.refresh_from_db()
    assert portal.contact.language == "en"
    page.goto(f"/portal/tickets/{ticket.number}/")
    expect(page.locator("#h-sla")).to_have_text("Service level")
    expect(page.locator("section.sla")).to_contain_text(
        "the resolution clock starts when the root cause is found"
    )

    # The select: portal.js submits the form on change; the same page comes back in Dutch.
    with page.expect_navigation():
        page.select_option("#language", "nl")
    assert page.url == f"{portal.url}/portal/tickets/{ticket.number}/"
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("#h-sla")).to_have_text(nl("Service level"))
    portal.contact.refresh_from_db()
    assert portal.contact.language == "nl"

    with page.expect_navigation():
        page.click("form[action='/portal/logout/'] button")
    expect(page.locator("h1")).to_have_text(nl("Log in to the customer portal"))
    page.goto("/portal/")
    assert page.url.startswith(f"{portal.url}/portal/login/"), page.url
    portal.watched.assert_clean()


def test_phone_viewport_has_no_horizontal_overflow(
    portal: Portal, tmp_path: Path, capsys: Any
) -> None:
    """Flows 5 and 6: on a 390x844 phone the login page, the ticket list and the ticket page
    fit the screen width (the table becomes stacked cards); screenshot of the list."""
    ticket = top_ticket(portal, subject="Printer op de tweede verdieping drukt niet af")
    top_ticket(portal, subject="Koppeling met het ERP-pakket geeft time-outs")
    page = portal.page(**PHONE)
    page.goto("/portal/login/")
    no_horizontal_overflow(page)
    portal.login(page)
    no_horizontal_overflow(page)

    page.goto("/portal/tickets/")
    expect(page.locator("table.tickets tbody tr")).to_have_count(2)
    expect(page.locator("table.tickets thead")).not_to_be_in_viewport()
    cell = page.locator("table.tickets td[data-label]").first
    assert cell.evaluate("td => getComputedStyle(td).display") == "flex"  # stacked cards
    no_horizontal_overflow(page)
    screenshot(page, tmp_path / "mobile-ticket-list.png", capsys)

    page.click(f"text={ticket.number}")
    expect(page.locator("h1")).to_have_text(re.compile(re.escape(ticket.number)))
    no_horizontal_overflow(page)
    portal.watched.assert_clean()


def test_the_csp_watch_sees_a_violation(portal: Portal) -> None:
    """The CSP check of the other tests is not vacuous: an inline style the page tries to add
    is blocked by the policy and reported in the console, where the watch finds it."""
    page = portal.page()
    response = page.goto("/portal/login/")
    assert response is not None
    assert "style-src 'self'" in response.headers["content-security-policy"]
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            "() => { const s = document.createElement('style');"
            " s.textContent = 'body { color: red }'; document.head.append(s); }"
        )
    assert any("style-src" in report for report in portal.watched.csp), portal.watched.csp
