"""Issue #11, Proof: the conversation loop in a real browser (Chromium), in Dutch and English.

1. The customer replies in the portal on a ticket assigned to an engineer: the engineer is
   mailed in their own language, their queue marks the ticket "customer replied" and the queue's
   filter finds it; opening the ticket as the assignee clears the marker.
2. The engineer records the root cause and resolves the ticket on the work page: the contact is
   mailed the resolution, the root cause and the survey invitation in their language; the
   portal shows the resolution and the root cause; the customer answers the survey there and
   the engineer sees the score and the comment on the work page.

The ticket's earlier life (registered, checked complete, handed to the second line, assigned,
in progress) is service calls, as the back-office makes them. The Dutch runs assert the Dutch
catalogue: they fail while a string shown here is still untranslated.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from notifications.models import OutboxEmail, StaffProfile
from tests.backoffice_browser.conftest import Backoffice, action_form, person, submit, success
from tests.conversation_browser.conftest import portal_login_for, text
from tests.tickets.helpers import create_ticket
from tickets.models import Line, ResolutionKind, SatisfactionSurvey, Status, Ticket
from tickets.services import (
    ticket_assign,
    ticket_mark_complete,
    ticket_set_line,
    ticket_transition,
)

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ["nl", "en"]
QUEUE = reverse("admin:tickets_ticket_changelist")


def _assigned_ticket(site: Backoffice, engineer: User, subject: str) -> Ticket:
    """Anna's incident, an hour old, checked complete, at the second line with `engineer`, in
    progress: as the first line and the coordinator leave it."""
    now = timezone.now()
    coordinator = User.objects.get(username="carla")
    ticket = create_ticket(site.desk.anna, now - timedelta(hours=1), subject=subject)
    ticket_mark_complete(ticket=ticket, now=now - timedelta(minutes=50), actor=coordinator)
    ticket_set_line(
        ticket=ticket, line=Line.SECOND, now=now - timedelta(minutes=49), actor=coordinator
    )
    ticket_assign(
        ticket=ticket, assignee=engineer, now=now - timedelta(minutes=48), actor=coordinator
    )
    ticket_transition(
        ticket=ticket, to_status=Status.IN_PROGRESS, now=now - timedelta(minutes=40), actor=engineer
    )
    return Ticket.objects.get(pk=ticket.pk)


def _engineer(language: str) -> User:
    person("coordinator", "carla", "Carla", "Coördinator")
    sara = person("second", "sara", "Sara", "Tweedelijns")
    StaffProfile.objects.create(user=sara, language=language)
    return sara


def _queue_row(page: Page, ticket: Ticket) -> Locator:
    return page.locator("#result_list tbody tr", has=page.get_by_role("link", name=ticket.number))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_portal_reply_marks_the_engineers_queue_mails_them_and_clears_when_they_open_it(
    backoffice: Backoffice, language: str
) -> None:
    engineer = _engineer(language)
    ticket = _assigned_ticket(backoffice, engineer, "Orders komen niet door")
    quiet = _assigned_ticket(backoffice, engineer, "Printer op de tweede verdieping")

    # The customer, in the portal: a reply on the open ticket.
    customer = portal_login_for(backoffice, backoffice.desk.anna, language=language)
    expect(customer.locator("html")).to_have_attribute("lang", language)
    customer.goto(reverse("portal:ticket", args=[ticket.number]))
    reply = customer.locator("form:has(input[name=action][value=reply])")
    reply.locator("textarea[name=reply-body]").fill("Het exportbestand staat nu in de map.")
    with customer.expect_navigation():
        reply.locator("button[type=submit]").click()
    expect(customer.locator(".messages")).to_have_text(text(language, "Your reply was added."))

    ticket.refresh_from_db()
    assert ticket.customer_replied is True
    assert ticket.status == Status.IN_PROGRESS
    # The engineer's mail: one, to them, in their language, with the customer's words.
    mail = OutboxEmail.objects.get(key__startswith="staff:customer-reply:")
    assert (mail.to_email, mail.language, mail.ticket_id) == (engineer.email, language, ticket.pk)
    heading = text(language, "The customer replied on ticket %(number)s", number=ticket.number)
    assert heading in mail.subject
    assert "Het exportbestand staat nu in de map." in mail.body_text

    # The engineer's queue: the badge on the replied ticket only; the filter finds it alone.
    page = backoffice.page_for(engineer, language=language)
    page.goto(QUEUE)
    badge = text(language, "customer replied")
    expect(_queue_row(page, ticket).locator(".badge-replied")).to_have_text(badge)
    expect(_queue_row(page, quiet)).to_be_visible()
    expect(_queue_row(page, quiet).locator(".badge-replied")).to_have_count(0)
    only_replied = page.locator("#changelist-filter a[href*='replied=yes']")
    expect(only_replied).to_have_text(text(language, "customer replied, not yet seen"))
    with page.expect_navigation():
        only_replied.click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(_queue_row(page, ticket)).to_be_visible()

    # Opening it as the assignee: the badge shows on this visit, and the marker is cleared.
    with page.expect_navigation():
        _queue_row(page, ticket).get_by_role("link", name=ticket.number).click()
    expect(page.locator("#customer-replied")).to_have_text(badge)
    expect(page.locator("#ticket-work article.msg-customer")).to_contain_text(
        "Het exportbestand staat nu in de map."
    )
    assert Ticket.objects.get(pk=ticket.pk).customer_replied is False
    page.goto(f"{QUEUE}?replied=yes")
    expect(page.locator("#result_list tbody tr")).to_have_count(0)
    page.goto(QUEUE)
    expect(_queue_row(page, ticket)).to_be_visible()
    expect(page.locator("#result_list .badge-replied")).to_have_count(0)
    backoffice.watched.assert_clean()


def _open_details(page: Page, action: str) -> None:
    details = page.locator(f"details:has(input[name=do][value={action}])")
    if details.get_attribute("open") is None:
        details.locator("> summary").click()


@pytest.mark.parametrize("language", LANGUAGES)
def test_resolution_is_mailed_shown_in_the_portal_and_the_survey_reaches_the_back_office(
    backoffice: Backoffice, language: str
) -> None:
    engineer = _engineer(language)
    ticket = _assigned_ticket(backoffice, engineer, "Orders komen niet door")
    anna = backoffice.desk.anna
    anna.language = language
    anna.save(update_fields=["language"])
    root_cause = "Verlopen certificaat op de koppeling met het orderportaal."
    resolution = "Certificaat vervangen;\nde koppeling draait weer."

    # The engineer: the root cause, then resolved with a fix, on the work page.
    page = backoffice.page_for(engineer, language=language)
    page.goto(reverse("admin:tickets_ticket_change", args=[ticket.pk]))
    _open_details(page, "root_cause")
    cause = action_form(page, "root_cause")
    cause.locator("[name=root_cause-text]").fill(root_cause)
    submit(page, cause)
    _open_details(page, "resolve")
    resolve = action_form(page, "resolve")
    resolve.locator("input[name=resolve-kind][value=fix]").check()
    resolve.locator("[name=resolve-text]").fill(resolution)
    submit(page, resolve)
    success(page, text(language, "Ticket resolved."))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution_kind) == (Status.RESOLVED, ResolutionKind.FIX)

    # The contact's mail: the resolution, the root cause (onITnow counts from it) and the
    # survey invitation, in the contact's language, threaded by the ticket's token.
    mail = OutboxEmail.objects.get(key__startswith=f"customer-resolved:{ticket.pk}:")
    assert (mail.to_email, mail.language, mail.ticket_id) == (anna.email, language, ticket.pk)
    assert f"[{ticket.number}]" in mail.subject or ticket.number in mail.subject
    assert text(language, "Ticket %(number)s is resolved", number=ticket.number) in mail.body_text
    assert "Certificaat vervangen;" in mail.body_text
    assert "de koppeling draait weer." in mail.body_text
    assert text(language, "Root cause:") in mail.body_text
    assert root_cause in mail.body_text
    survey_url = f"/portal/tickets/{ticket.number}/#h-survey"
    assert survey_url in mail.body_text
    invitation = text(
        language,
        "How did we do? Please rate our help from 1 to 5 on the ticket page; it takes a "
        "minute: %(url)s",
        url="",
    )
    assert invitation.strip() in mail.body_text

    # The customer: the resolution and the root cause on the portal's ticket page; the survey.
    customer = portal_login_for(backoffice, anna, language=language)
    customer.goto(reverse("portal:ticket", args=[ticket.number]))
    shown = customer.locator("section.resolution")
    expect(shown.locator("h2")).to_have_text(text(language, "Resolution"))
    expect(shown).to_contain_text(text(language, "A fix: the cause is removed"))
    expect(shown).to_contain_text(text(language, "What we did"))
    expect(shown).to_contain_text("Certificaat vervangen;")
    expect(shown).to_contain_text(text(language, "Root cause"))
    expect(shown).to_contain_text(root_cause)
    survey = customer.locator("form:has(input[name=action][value=survey])")
    survey.locator("input[name=survey-score][value='4']").check()
    survey.locator("textarea[name=survey-comment]").fill("Snel opgelost, duidelijke uitleg.")
    with customer.expect_navigation():
        survey.locator("button[type=submit]").click()
    expect(customer.locator(".messages")).to_have_text(text(language, "Thank you for your answer."))
    expect(customer.locator("section[aria-labelledby=h-survey]")).to_contain_text(
        text(language, "Thank you: you gave %(score)s out of 5.", score=4)
    )
    answered = SatisfactionSurvey.objects.get(ticket=ticket)
    assert (answered.score, answered.comment) == (4, "Snel opgelost, duidelijke uitleg.")

    # The engineer sees it on the ticket page.
    page.reload()
    expect(page.locator("#survey .survey-score")).to_have_text(
        text(language, "%(score)s out of 5", score=4)
    )
    expect(page.locator("#survey")).to_contain_text("Snel opgelost, duidelijke uitleg.")
    backoffice.watched.assert_clean()
