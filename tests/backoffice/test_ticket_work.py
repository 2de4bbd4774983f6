"""The ticket work page (issue #6 §2): each action goes through its service, refusals are shown,
and each role may do only its part."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from escalation.models import Level, Reason
from escalation.services.actions import escalation_raise_by_customer
from notifications.models import OutboxEmail
from tests.backoffice.conftest import english_client, staff
from tests.intake.conftest import Desk
from tests.tickets.helpers import create_ticket
from tickets.models import Attachment, Line, MessageKind, Status, Ticket

pytestmark = pytest.mark.django_db


def _page(ticket: Ticket) -> str:
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


def _client(role: str) -> Client:
    return english_client(staff(role))


def test_public_reply_is_the_first_response_and_is_emailed(desk: Desk) -> None:
    ticket = create_ticket(desk.anna, timezone.now() - timedelta(minutes=30), priority_level="hoog")
    client = _client("first")
    page = client.get(_page(ticket))
    assert page.status_code == 200
    assert ticket.number in page.content.decode()
    assert "Conversation" in page.content.decode()
    response = client.post(
        _page(ticket),
        {
            "do": "reply",
            "reply-visibility": "public",
            "reply-body": "We kijken ernaar.",
            "reply-attachments": [SimpleUploadedFile("log.txt", b"regel 1\n")],
        },
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    message = ticket.messages.get()
    assert message.counts_as_first_response
    assert ticket.first_response_at is not None
    assert Attachment.objects.get(ticket_message=message).filename == "log.txt"
    mail = OutboxEmail.objects.get(key=f"reply:{message.pk}")
    assert mail.to_email == desk.anna.email
    assert f"[{ticket.number}]" in mail.subject
    assert "We kijken ernaar." in mail.body_text


def test_internal_note_is_marked_and_not_emailed(desk: Desk) -> None:
    ticket = create_ticket(desk.anna, timezone.now(), priority_level="hoog")
    client = _client("first")
    client.post(
        _page(ticket),
        {"do": "reply", "reply-visibility": "internal", "reply-body": "Klant belt terug."},
    )
    message = ticket.messages.get()
    assert message.kind == MessageKind.INTERNAL
    assert not message.counts_as_first_response
    assert not OutboxEmail.objects.filter(key=f"reply:{message.pk}").exists()
    html = client.get(_page(ticket)).content.decode()
    assert "Internal note" in html
    assert "Klant belt terug." in html


def test_empty_reply_and_missing_reason_show_errors_and_change_nothing(desk: Desk) -> None:
    ticket = create_ticket(desk.anna, timezone.now(), priority_level="hoog")
    client = _client("coordinator")
    response = client.post(
        _page(ticket), {"do": "transition", "transition-to_status": "in_progress"}
    )
    assert response.status_code == 400
    assert b"This field is required" in response.content
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_assign_transition_priority_root_cause_and_resolve(desk: Desk) -> None:
    start = timezone.now() - timedelta(hours=1)
    ticket = create_ticket(desk.anna, start, priority_level="gemiddeld")
    coordinator = _client("coordinator")
    engineer = staff("second", "engineer")
    coordinator.post(
        _page(ticket), {"do": "assign", "assign-line": "second", "assign-assignee": engineer.pk}
    )
    ticket.refresh_from_db()
    assert (ticket.line, ticket.assignee) == (Line.SECOND, engineer)
    coordinator.post(
        _page(ticket),
        {"do": "priority", "priority-level": "hoog", "priority-reason": "Meer gebruikers geraakt"},
    )
    ticket.refresh_from_db()
    assert ticket.priority_level == "hoog"
    assert ticket.events.filter(kind="priority_changed").exists()
    second = english_client(engineer)
    second.post(
        _page(ticket),
        {"do": "transition", "transition-to_status": "in_progress", "transition-reason": "Analyse"},
    )
    second.post(_page(ticket), {"do": "root_cause", "root_cause-text": "Verlopen certificaat"})
    response = second.post(
        _page(ticket),
        {"do": "resolve", "resolve-kind": "workaround", "resolve-text": "Certificaat vervangen"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolution_kind) == (Status.RESOLVED, "workaround")
    assert ticket.root_cause == "Verlopen certificaat"


def test_second_line_works_only_its_own_tickets(desk: Desk) -> None:
    ticket = create_ticket(desk.anna, timezone.now(), priority_level="hoog")
    second = _client("second")
    assert second.get(_page(ticket)).status_code == 200
    response = second.post(
        _page(ticket), {"do": "reply", "reply-visibility": "internal", "reply-body": "x"}
    )
    assert response.status_code == 403
    assert not ticket.messages.exists()


def test_read_only_roles_see_no_forms_and_cannot_post(desk: Desk) -> None:
    ticket = create_ticket(desk.anna, timezone.now(), priority_level="hoog")
    for role in ("officer", "ssm"):
        client = _client(role)
        page = client.get(_page(ticket))
        assert page.status_code == 200
        assert b'name="do" value="reply"' not in page.content
        response = client.post(
            _page(ticket), {"do": "reply", "reply-visibility": "internal", "reply-body": "x"}
        )
        assert response.status_code == 403
    assert not ticket.messages.exists()


def test_escalation_resolved_with_a_note_from_the_ticket_and_the_list(desk: Desk) -> None:
    now = timezone.now()
    ticket = create_ticket(desk.anna, now - timedelta(hours=2), priority_level="hoog")
    escalation = escalation_raise_by_customer(
        ticket=ticket, contact=desk.anna, reason="Het duurt te lang", now=now
    )
    assert escalation.level == Level.FIRST_LINE
    assert escalation.reason == Reason.CUSTOMER_RAISED
    ssm = _client("ssm")
    listing = ssm.get(reverse("backoffice:escalations"))
    assert listing.status_code == 200
    assert ticket.number in listing.content.decode()
    ssm.post(
        reverse("backoffice:escalations"), {"do": "acknowledge", "escalation_id": escalation.pk}
    )
    escalation.refresh_from_db()
    assert escalation.acknowledged_at is not None
    assert escalation.resolved_at is None
    refused = ssm.post(
        reverse("backoffice:escalations"),
        {"do": "resolve", "escalation_id": escalation.pk, "escalation_resolve-note": ""},
    )
    assert refused.status_code == 302
    escalation.refresh_from_db()
    assert escalation.resolved_at is None
    ssm.post(
        _page(ticket),
        {
            "do": "escalation_resolve",
            "escalation_id": escalation.pk,
            "escalation_resolve-note": "Engineer ingezet, klant gebeld",
        },
    )
    escalation.refresh_from_db()
    assert escalation.resolution_note == "Engineer ingezet, klant gebeld"
    assert escalation.resolved_by is not None
    assert escalation.resolved_by.username == "ssm-user"
    assert ticket.number not in ssm.get(reverse("backoffice:escalations")).content.decode()
    # The CSAM reads but may not act.
    csam = _client("csam")
    assert csam.get(reverse("backoffice:escalations")).status_code == 200
    assert (
        csam.post(
            reverse("backoffice:escalations"), {"do": "acknowledge", "escalation_id": escalation.pk}
        ).status_code
        == 403
    )


def test_unknown_ticket_is_404(desk: Desk) -> None:
    client = _client("coordinator")
    assert client.get(reverse("admin:tickets_ticket_change", args=[999999])).status_code == 404
    assert client.get("/admin/tickets/ticket/abc/change/").status_code in (302, 404)


def test_csam_reads_only_the_tickets_of_their_contracts(desk: Desk) -> None:
    ticket = create_ticket(desk.anna, timezone.now(), priority_level="hoog")
    mine, other = staff("csam", "csam-mine"), staff("csam", "csam-other")
    ticket.contract.csam = mine
    ticket.contract.save(update_fields=["csam"])
    queue = reverse("admin:tickets_ticket_changelist")
    assert ticket.number in english_client(mine).get(queue).content.decode()
    assert english_client(mine).get(_page(ticket)).status_code == 200
    assert ticket.number not in english_client(other).get(queue).content.decode()
    assert english_client(other).get(_page(ticket)).status_code == 404


def test_work_starts_after_the_completeness_check(desk: Desk) -> None:
    ticket = create_ticket(desk.anna, timezone.now(), priority_level="hoog")
    client = _client("first")
    start = {"do": "transition", "transition-to_status": "in_progress", "transition-reason": "Go"}
    client.post(_page(ticket), start)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW  # refused: not checked complete (TKT-06)
    assert b'id="completeness"' in client.get(_page(ticket)).content
    client.post(_page(ticket), {"do": "complete", "complete-note": "Alles aanwezig"})
    client.post(_page(ticket), start)
    ticket.refresh_from_db()
    assert ticket.status == Status.IN_PROGRESS
    assert ticket.completeness_checked_by is not None
    assert ticket.events.filter(kind="completeness_checked", data__note="Alles aanwezig").exists()


def test_recurring_incidents_are_suggested_and_a_problem_opened_with_them(desk: Desk) -> None:
    now = timezone.now()
    earlier = create_ticket(
        desk.anna, now - timedelta(days=3), priority_level="hoog", product="Koppeling SAP"
    )
    ticket = create_ticket(desk.anna, now, priority_level="hoog", product="Koppeling SAP")
    client = _client("coordinator")
    page = client.get(_page(ticket)).content.decode()
    assert 'id="problem-suggestion"' in page
    assert earlier.number in page
    client.post(
        _page(ticket),
        {
            "do": "problem_open",
            "problem_open-title": "SAP-koppeling valt uit",
            "problem_open-with_suggested": "on",
        },
    )
    ticket.refresh_from_db()
    earlier.refresh_from_db()
    assert ticket.problem is not None
    assert earlier.problem == ticket.problem
    assert 'id="problem-suggestion"' not in client.get(_page(ticket)).content.decode()


def test_time_entries_and_vendor_escalation_from_the_page(desk: Desk) -> None:
    ticket = create_ticket(desk.anna, timezone.now() - timedelta(hours=2), priority_level="hoog")
    client = _client("coordinator")
    started = timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        _page(ticket),
        {
            "do": "time",
            "time-started_at": started,
            "time-minutes": "25",
            "time-category": "in_subscription",
        },
    )
    refused = client.post(
        _page(ticket),
        {"do": "time", "time-started_at": started, "time-minutes": "0", "time-category": "x"},
    )
    assert refused.status_code == 400
    entry = ticket.time_entries.get()
    assert (entry.minutes, entry.category, entry.billable_override) == (25, "in_subscription", None)
    client.post(
        _page(ticket),
        {
            "do": "vendor_open",
            "vendor_open-vendor": "xurrent",
            "vendor_open-vendor_reference": "X-9",
        },
    )
    escalation = ticket.vendor_escalations.get()
    client.post(
        _page(ticket),
        {
            "do": "vendor_update",
            "vendor_update-escalation_id": escalation.pk,
            "vendor_update-note": "Xurrent onderzoekt",
        },
    )
    escalation.refresh_from_db()
    assert escalation.vendor_reference == "X-9"
    assert escalation.last_update_shared_at is not None
    page = client.get(_page(ticket)).content.decode()
    assert "25 minutes registered." in page
    assert "X-9" in page


def test_the_work_page_does_not_query_per_message(desk: Desk) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tickets.services import ticket_reply

    ticket = create_ticket(desk.anna, timezone.now() - timedelta(hours=1), priority_level="hoog")
    user = staff("coordinator")
    client = english_client(user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_page(ticket)).status_code == 200
        return len(queries)

    ticket_reply(ticket=ticket, body="een", now=timezone.now(), author_user=user)
    few = count()
    for n in range(6):
        ticket_reply(
            ticket=ticket, body=f"bericht {n}", now=timezone.now(), author_contact=desk.anna
        )
        ticket_reply(
            ticket=ticket,
            body=f"notitie {n}",
            now=timezone.now(),
            author_user=user,
            kind=MessageKind.INTERNAL,
        )
    assert count() == few


def test_sla_exemption_needs_a_reason_or_vendor_ownership(desk: Desk) -> None:
    ticket = create_ticket(desk.anna, timezone.now(), priority_level="hoog")
    client = _client("coordinator")
    refused = client.post(_page(ticket), {"do": "sla_exempt", "sla_exempt-reason": ""})
    assert refused.status_code == 400
    client.post(_page(ticket), {"do": "sla_exempt", "sla_exempt-vendor_owned": "on"})
    ticket.refresh_from_db()
    assert ticket.resolution_vendor_owned
    assert ticket.events.filter(kind="sla_exempted").exists()
