"""Issue "Coordinator back-office" §5: the back-office in a real browser (Chromium).

A coordinator turns a triage email into a ticket and assigns it, a second-line engineer replies
and resolves it with a workaround, the Service Support Manager acknowledges and resolves an
escalation; full-page screenshots of the queue, the work page and the dashboard are written
outside the repository (SCREENSHOT_DIR, default /tmp/servicedesk-screenshots) to be checked
by eye. Every test also fails on a CSP report, a console error or a failed request.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Count
from django.utils import timezone
from playwright.sync_api import Page, expect

from escalation.services.actions import escalation_raise_by_customer
from intake.models import Outcome
from intake.services.receive import inbound_receive
from notifications.models import OutboxEmail
from tests.backoffice_browser.conftest import (
    DESKTOP,
    Backoffice,
    action_form,
    person,
    submit,
    success,
)
from tests.intake.conftest import eml
from tests.tickets.helpers import create_ticket
from tickets.demo.build import demo_seed
from tickets.models import (
    OPEN_STATUSES,
    Attachment,
    Line,
    MessageKind,
    ResolutionKind,
    Status,
    Ticket,
)

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/servicedesk-screenshots"))
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LOG_FILE = {"name": "werkwijze.txt", "mimeType": "text/plain", "buffer": b"1. Reset via SSPR\n"}


def open_details(page: Page, action: str) -> None:
    """The work page folds its forms into <details>; open the one holding `action`."""
    details = page.locator(f"details:has(input[name=do][value={action}])")
    if details.get_attribute("open") is None:
        details.locator("> summary").click()


def screenshot(page: Page, name: str, capsys: Any) -> Path:
    """A full-page PNG outside the repository, for the eye; checked to be a real picture."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / name
    page.screenshot(path=str(path), full_page=True)
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE), f"{path} is not a PNG"
    assert len(data) > 10_000, f"{path} is only {len(data)} bytes: an empty page?"
    with capsys.disabled():
        print(f"\nscreenshot: {path}")
    return path


def test_triage_to_ticket_then_second_line_replies_and_resolves_with_a_workaround(
    backoffice: Backoffice, capsys: Any
) -> None:
    """Coordinator: triage -> ticket for Klant A (hoog), completeness check, second line and
    the engineer. Engineer: her queue -> a public reply with a file, in progress, resolved
    with a workaround; the reply is the first response and is emailed (outbox)."""
    desk = backoffice.desk
    inbound, _ = inbound_receive(
        raw=eml("15_unknown_sender_known_domain.eml"), transport="smtp", now=timezone.now()
    )
    assert inbound.outcome == Outcome.TRIAGE
    coordinator = person("coordinator", "carla", "Carla", "Coördinator")
    engineer = person("second", "sara", "Sara", "Tweedelijns")

    # The coordinator: admin index -> triage -> the email -> a ticket for Klant A, priority hoog.
    page = backoffice.page_for(coordinator)
    with page.expect_navigation():
        page.click("a[href='/admin/backoffice/triage/']")
    detail_url = f"/admin/backoffice/triage/{inbound.pk}/"
    expect(page.locator(f"#result_list a[href='{detail_url}']")).to_have_text("Wachtwoord vergeten")
    with page.expect_navigation():
        page.click(f"#result_list a[href='{detail_url}']")
    expect(page.locator("#triage-detail")).to_contain_text("karel@klant-a.example")
    create = page.locator("#triage-create form")
    expect(page.locator("#triage-create")).to_have_attribute("open", "")
    # The sender's domain suggests the customer; the email's subject is the ticket's.
    expect(create.locator("[name=ticket-customer]")).to_have_value(str(desk.customer_a.pk))
    expect(create.locator("[name=ticket-subject]")).to_have_value("Wachtwoord vergeten")
    expect(create.locator("[name=ticket-send_receipt]")).to_be_checked()
    screenshot(page, "backoffice-triage-detail.png", capsys)
    create.locator("[name=ticket-customer]").select_option(str(desk.customer_a.pk))
    create.locator("[name=ticket-request_type]").select_option("incident")
    create.locator("[name=ticket-priority_level]").select_option("hoog")
    submit(page, create)

    ticket = Ticket.objects.select_related("contact").get(inbound_messages=inbound)
    work_url = f"{backoffice.url}/admin/tickets/ticket/{ticket.pk}/change/"
    assert page.url == work_url
    success(page, f"Ticket {ticket.number} created.")
    assert (ticket.customer_id, ticket.priority_level) == (desk.customer_a.pk, "hoog")
    assert (ticket.status, ticket.channel) == (Status.NEW, "email")
    # No contact chosen: one is made from the sender's address.
    assert (ticket.contact.email, ticket.contact.customer_id) == (
        "karel@klant-a.example",
        desk.customer_a.pk,
    )
    assert OutboxEmail.objects.filter(key=f"receipt:{inbound.pk}").exists()
    expect(page.locator("#ticket-work h2").first).to_contain_text(ticket.number)
    expect(page.locator("#ticket-work .status-new")).to_be_visible()

    # TKT-06: work starts after the first line (here the coordinator) checks the request.
    complete = page.locator("#completeness form")
    complete.locator("[name=complete-note]").fill("Klant en contract bekend")
    submit(page, complete)
    success(page, "Checked complete; work can start.")
    expect(page.locator("#completeness")).to_have_count(0)

    assign = action_form(page, "assign")
    assign.locator("[name=assign-line]").select_option("second")
    assign.locator("[name=assign-assignee]").select_option(str(engineer.pk))
    submit(page, assign)
    success(page, "Assignment saved.")
    ticket.refresh_from_db()
    assert (ticket.line, ticket.assignee_id) == (Line.SECOND, engineer.pk)
    expect(page.locator("#ticket-work .facts")).to_contain_text("Sara Tweedelijns")

    # The engineer, in a browser of her own: her queue -> the ticket.
    page = backoffice.page_for(engineer)
    page.goto("/admin/tickets/ticket/?assigned=mine")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    with page.expect_navigation():
        page.locator("#result_list tbody tr").first.get_by_role("link", name=ticket.number).click()
    assert page.url == f"{work_url}?_changelist_filters=assigned%3Dmine"  # the admin keeps it
    expect(page.locator("#ticket-work .readonly-note")).to_have_count(0)

    composer = page.locator("#composer")
    expect(composer.locator("[name=reply-visibility]")).to_have_value("public")
    composer.locator("[name=reply-body]").fill("Uw wachtwoord is gereset; zie de bijlage.")
    composer.locator("[name=reply-attachments]").set_input_files(LOG_FILE)
    submit(page, composer)
    success(page, "Reply sent to the customer.")
    message = ticket.messages.get()
    assert (message.kind, message.author_user_id) == (MessageKind.PUBLIC, engineer.pk)
    article = page.locator(f"article#message-{message.pk}")
    expect(article).to_contain_text("Uw wachtwoord is gereset; zie de bijlage.")
    expect(article.locator(".tag-public")).to_be_visible()
    stored = Attachment.objects.get(ticket_message=message)
    assert (stored.filename, stored.size) == ("werkwijze.txt", len(LOG_FILE["buffer"]))
    expect(article.locator(f"a[href='/attachments/{stored.pk}/']")).to_have_text("werkwijze.txt")

    # The first line's completeness check is done (TKT-06): the engineer starts work.
    open_details(page, "transition")
    transition = action_form(page, "transition")
    transition.locator("[name=transition-to_status]").select_option("in_progress")
    transition.locator("[name=transition-reason]").fill("Analyse gestart")
    submit(page, transition)
    success(page, "Status changed to in progress.")
    expect(page.locator("#ticket-work .status-in_progress")).to_be_visible()

    open_details(page, "resolve")
    resolve = action_form(page, "resolve")
    resolve.locator("input[name=resolve-kind][value=workaround]").check()
    resolve.locator("[name=resolve-text]").fill("Wachtwoord gereset; MFA-koppeling volgt.")
    submit(page, resolve)
    success(page, "Ticket resolved.")
    expect(page.locator("#ticket-work .status-resolved")).to_be_visible()
    expect(page.locator("#ticket-work .facts")).to_contain_text(
        "Wachtwoord gereset; MFA-koppeling volgt."
    )

    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution_kind) == (Status.RESOLVED, ResolutionKind.WORKAROUND)
    assert ticket.first_response_at is not None
    assert ticket.resolved_at is not None
    mail = OutboxEmail.objects.get(key=f"reply:{message.pk}")
    assert mail.to_email == "karel@klant-a.example"
    assert f"[{ticket.number}]" in mail.subject
    backoffice.watched.assert_clean()


def test_the_service_support_manager_acknowledges_and_resolves_an_escalation(
    backoffice: Backoffice, capsys: Any
) -> None:
    """A customer-raised level-1 escalation: the SSM acknowledges it, then resolves it with
    a note; the open list drops it, the full list shows the note."""
    desk = backoffice.desk
    now = timezone.now()
    ticket = create_ticket(desk.anna, now - timedelta(hours=2), priority_level="hoog")
    escalation = escalation_raise_by_customer(
        ticket=ticket, contact=desk.anna, reason="Al twee uur geen orders.", now=now
    )
    assert escalation.level == 1
    ssm = person("ssm", "stefan", "Stefan", "Servicemanager")

    page = backoffice.page_for(ssm)
    with page.expect_navigation():
        page.click("a[href='/admin/backoffice/escalations/']")
    row = page.locator(f"#escalations tr#escalation-{escalation.pk}")
    expect(row).to_contain_text(ticket.number)
    expect(row).to_contain_text("L1")
    expect(row).to_contain_text("not acknowledged")
    screenshot(page, "backoffice-escalations.png", capsys)

    submit(page, row.locator("form:has(input[name=do][value=acknowledge])"))
    success(page, "Escalation acknowledged; reminders stop.")
    expect(row.locator("form:has(input[name=do][value=acknowledge])")).to_have_count(0)
    expect(row).to_contain_text("acknowledged")
    escalation.refresh_from_db()
    assert escalation.acknowledged_at is not None
    assert escalation.resolved_at is None

    resolve = row.locator("form:has(input[name=do][value=resolve])")
    resolve.locator("textarea[name=escalation_resolve-note]").fill(
        "Klant gebeld; koppeling herstart, orders lopen weer."
    )
    submit(page, resolve)
    success(page, "Escalation resolved.")
    expect(row).to_have_count(0)  # the list shows open escalations
    escalation.refresh_from_db()
    assert escalation.resolved_at is not None
    assert escalation.resolved_by_id == ssm.pk
    assert escalation.resolution_note == "Klant gebeld; koppeling herstart, orders lopen weer."

    page.goto("/admin/backoffice/escalations/?all=1")
    expect(row).to_contain_text("Klant gebeld; koppeling herstart, orders lopen weer.")
    backoffice.watched.assert_clean()


def test_screenshots_of_the_queue_the_work_page_and_the_dashboard(
    backoffice: Backoffice, capsys: Any
) -> None:
    """The demo data set (tickets in every state, over six weeks) as a Dutch coordinator sees
    it; the pages must be filled, and the files are there to be looked at."""
    demo_seed(now=timezone.now())
    assert Ticket.objects.values("status").distinct().count() >= 5
    coordinator = person("coordinator", "carla", "Carla", "Coördinator")
    page = backoffice.page_for(coordinator, language="nl")

    page.goto("/admin/tickets/ticket/")
    rows = page.locator("#result_list tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 12
    screenshot(page, "backoffice-queue.png", capsys)
    # At 1440 px every column of the queue is in view: the table does not scroll sideways.
    widths = page.evaluate(
        "[document.querySelector('#result_list').scrollWidth,"
        " document.querySelector('#changelist .results').clientWidth]"
    )
    cols = page.evaluate(
        "Array.from(document.querySelectorAll('#result_list thead th'))"
        ".map(t => t.className + ':' + t.offsetWidth)"
    )
    assert widths[0] <= widths[1], (widths, cols)
    # A wide window shows the same queue with more room.
    page.set_viewport_size({"width": 2400, "height": 900})
    screenshot(page, "backoffice-queue-wide.png", capsys)
    page.set_viewport_size(DESKTOP["viewport"])

    busiest = (
        Ticket.objects.filter(status__in=OPEN_STATUSES)
        .annotate(n=Count("messages"))
        .order_by("-n", "pk")
        .first()
    )
    assert busiest is not None
    page.goto(f"/admin/tickets/ticket/{busiest.pk}/change/")
    expect(page.locator("#ticket-work")).to_contain_text(busiest.number)
    expect(page.locator("#ticket-work article.msg").nth(1)).to_be_visible()
    expect(action_form(page, "resolve")).to_have_count(1)  # open: the work actions are there
    screenshot(page, "backoffice-ticket-work.png", capsys)

    response = page.goto("/admin/backoffice/dashboard/")
    assert response is not None
    assert response.status == 200, "the dashboard is not there"
    expect(page.locator("#content svg").first).to_be_visible()
    screenshot(page, "backoffice-dashboard.png", capsys)
    backoffice.watched.assert_clean()
