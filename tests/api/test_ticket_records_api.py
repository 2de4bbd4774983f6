"""A ticket's records through the API (issue #12 §2): the conversation, files, events and the
SLA clocks with their ledger, each read under the portal's visibility rule for customers."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from tests.api.conftest import api_client, contact_token, provider_token
from tests.api.ticket_helpers import reprioritised, waiting_for_customer
from tests.portal.conftest import Org
from tickets.models import Attachment, SlaClock, Status, Ticket, TicketEvent
from tickets.services import (
    ticket_assign,
    ticket_note_add,
    ticket_reply_customer,
    ticket_transition,
)
from tickets.services.uploads import uploaded_names_check

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 een echt document\n"


def _url(ticket: Ticket, record: str) -> str:
    return f"/api/v1/tickets/{ticket.pk}/{record}/"


def _pdf(name: str = "logboek.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def staff(coordinator: User) -> Any:
    return api_client(provider_token(coordinator))


@pytest.fixture
def noted(org_a: Org, coordinator: User) -> Ticket:
    """Noor's ticket with an internal note carrying a file."""
    ticket = org_a.tickets["own"]
    ticket_note_add(
        ticket=ticket,
        author=coordinator,
        body="Interne notitie: klant belt vaak",
        now=timezone.now(),
        files=[_pdf("intern.pdf")],
    )
    return ticket


# --- messages ------------------------------------------------------------------------------


def test_a_customer_never_reads_an_internal_note(org_a: Org, noted: Ticket) -> None:
    client = api_client(contact_token(org_a.named))
    response = client.get(_url(noted, "messages"))
    assert response.status_code == 200
    bodies = [m["body"] for m in response.json()["results"]]
    assert bodies == ["Bericht over Noor eigen"]
    assert "Interne notitie" not in response.content.decode()


def test_staff_read_every_message_with_its_kind(noted: Ticket, staff: Any) -> None:
    rows = staff.get(_url(noted, "messages")).json()["results"]
    assert [m["kind"] for m in rows] == ["public", "internal"]
    assert rows[1]["author"]["kind"] == "staff"
    assert [a["filename"] for a in rows[1]["attachments"]] == ["intern.pdf"]


def test_a_customer_reads_staff_as_the_service_desk(
    org_a: Org, coordinator: User, staff: Any
) -> None:
    ticket = org_a.tickets["own"]
    staff.post(_url(ticket, "reply"), {"body": "We kijken ernaar."}, format="json")
    rows = api_client(contact_token(org_a.named)).get(_url(ticket, "messages")).json()["results"]
    assert rows[-1]["author"] == {"kind": "staff", "id": None, "name": "Service desk"}


def test_messages_of_another_organisation_are_404(org_a: Org, org_b: Org) -> None:
    client = api_client(contact_token(org_a.manager))
    response = client.get(_url(org_b.tickets["secret"], "messages"))
    assert response.status_code == 404
    assert "Bravo" not in response.content.decode()


# --- attachments: list and download --------------------------------------------------------


def test_a_customer_lists_and_downloads_only_public_files(org_a: Org, noted: Ticket) -> None:
    client = api_client(contact_token(org_a.named))
    rows = client.get(_url(noted, "attachments")).json()["results"]
    assert [a["filename"] for a in rows] == [f"{noted.number}.pdf"]
    download = client.get(rows[0]["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.4")
    assert download["X-Content-Type-Options"] == "nosniff"
    internal = Attachment.objects.get(ticket=noted, filename="intern.pdf")
    hidden = client.get(f"/api/v1/tickets/{noted.pk}/attachments/{internal.pk}/download/")
    assert hidden.status_code == 404


def test_staff_download_an_internal_notes_file(noted: Ticket, staff: Any) -> None:
    internal = Attachment.objects.get(ticket=noted, filename="intern.pdf")
    response = staff.get(f"/api/v1/tickets/{noted.pk}/attachments/{internal.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_another_organisations_file_is_404_under_any_ticket(org_a: Org, org_b: Org) -> None:
    client = api_client(contact_token(org_a.manager))
    secret = org_b.attachment("secret")
    own = org_a.tickets["shared"]
    for url in (
        f"/api/v1/tickets/{own.pk}/attachments/{secret.pk}/download/",
        f"/api/v1/tickets/{secret.ticket_id}/attachments/{secret.pk}/download/",
    ):
        assert client.get(url).status_code == 404


# --- attachments: upload -------------------------------------------------------------------


def test_a_customer_uploads_a_file_to_its_ticket(org_a: Org) -> None:
    ticket = org_a.tickets["own"]
    client = api_client(contact_token(org_a.named))
    response = client.post(_url(ticket, "attachments"), {"files": [_pdf()]}, format="multipart")
    assert response.status_code == 201, response.content
    stored = Attachment.objects.get(pk=response.json()[0]["id"])
    assert (stored.ticket_id, stored.filename, stored.content_type) == (
        ticket.pk,
        "logboek.pdf",
        "application/pdf",
    )
    event = TicketEvent.objects.get(ticket=ticket, kind="attachments_added")
    assert (event.actor_contact, event.data) == (org_a.named, {"attachments": [stored.pk]})


def test_a_disguised_file_is_refused_with_the_portals_words(org_a: Org) -> None:
    ticket = org_a.tickets["own"]
    disguised = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(64)
    with translation.override("en"):
        portal_words = uploaded_names_check([_pdf("factuur.pdf", disguised)])
    client = api_client(contact_token(org_a.named))
    response = client.post(
        _url(ticket, "attachments"), {"files": [_pdf("factuur.pdf", disguised)]}, format="multipart"
    )
    assert response.status_code == 422
    assert [response.json()["detail"]] == portal_words
    assert not Attachment.objects.filter(filename="factuur.pdf").exists()


def test_a_file_over_the_size_limit_is_413(org_a: Org, settings: Any) -> None:
    settings.INTAKE_MAX_ATTACHMENT_BYTES = 2**20
    big = PDF + bytes(2**20)
    client = api_client(contact_token(org_a.named))
    response = client.post(
        _url(org_a.tickets["own"], "attachments"),
        {"files": [_pdf("groot.pdf", big)]},
        format="multipart",
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "groot.pdf is larger than 1 MB."


def test_the_size_refusal_reads_in_dutch(org_a: Org, settings: Any) -> None:
    settings.INTAKE_MAX_ATTACHMENT_BYTES = 2**20
    client = api_client(contact_token(org_a.named), language="nl")
    response = client.post(
        _url(org_a.tickets["own"], "attachments"),
        {"files": [_pdf("groot.pdf", PDF + bytes(2**20))]},
        format="multipart",
    )
    assert response.json()["detail"] == "groot.pdf is groter dan 1 MB."


def test_a_full_ticket_refuses_more_files(org_a: Org, settings: Any) -> None:
    settings.UPLOAD_QUOTA_PER_TICKET_BYTES = len(PDF)
    client = api_client(contact_token(org_a.named))
    response = client.post(
        _url(org_a.tickets["own"], "attachments"), {"files": [_pdf()]}, format="multipart"
    )
    assert response.status_code == 422
    assert "storage quota" in response.json()["detail"]


def test_a_read_token_may_not_upload(org_a: Org) -> None:
    client = api_client(contact_token(org_a.named, scope="read"))
    response = client.post(
        _url(org_a.tickets["own"], "attachments"), {"files": [_pdf()]}, format="multipart"
    )
    assert response.status_code == 403


def test_no_upload_to_another_organisations_ticket(org_a: Org, org_b: Org) -> None:
    client = api_client(contact_token(org_a.manager))
    response = client.post(
        _url(org_b.tickets["secret"], "attachments"), {"files": [_pdf()]}, format="multipart"
    )
    assert response.status_code == 404


# --- events --------------------------------------------------------------------------------


def test_a_customer_reads_only_the_events_the_portal_shows(
    org_a: Org, noted: Ticket, coordinator: User
) -> None:
    ticket_assign(ticket=noted, assignee=coordinator, now=timezone.now(), actor=coordinator)
    waiting_for_customer(noted, coordinator, "Interne overweging")
    client = api_client(contact_token(org_a.named))
    rows = client.get(_url(noted, "events")).json()["results"]
    kinds = [e["kind"] for e in rows]
    assert "assigned" not in kinds
    assert [e["data"]["message_kind"] for e in rows if e["kind"] == "message_added"] == ["public"]
    status = next(e for e in rows if e["kind"] == "status_changed")
    assert status["data"] == {"from": "new", "to": "waiting_for_customer"}
    assert status["actor"] == {"kind": "staff", "id": None, "name": "Service desk"}
    assert "Interne overweging" not in str(rows)


def test_staff_read_every_event(noted: Ticket, coordinator: User, staff: Any) -> None:
    ticket_assign(ticket=noted, assignee=coordinator, now=timezone.now(), actor=coordinator)
    rows = staff.get(_url(noted, "events")).json()["results"]
    kinds = [e["kind"] for e in rows]
    assert {"assigned", "message_added"} <= set(kinds)
    assert {e["data"].get("message_kind") for e in rows if e["kind"] == "message_added"} == {
        "public",
        "internal",
    }


# --- clocks --------------------------------------------------------------------------------


def _paused_and_recomputed(org_a: Org, coordinator: User) -> Ticket:
    """Waiting for the customer, the customer answers, then the priority changes."""
    ticket = org_a.tickets["own"]
    waiting_for_customer(ticket, coordinator, "Logbestand nodig")
    ticket_reply_customer(
        ticket=ticket, contact=org_a.named, body="Hier is het.", now=timezone.now(), channel="api"
    )
    return reprioritised(ticket, coordinator, "Impact groter dan gemeld")


def test_a_recompute_records_every_clocks_due_time_before_and_after(
    org_a: Org, coordinator: User
) -> None:
    ticket = org_a.tickets["own"]
    before = {c.metric: c.due_at for c in SlaClock.objects.filter(ticket=ticket)}
    reprioritised(ticket, coordinator, "Impact")
    after = {c.metric: c.due_at for c in SlaClock.objects.filter(ticket=ticket)}
    data = TicketEvent.objects.get(ticket=ticket, kind="priority_changed").data
    assert data["due_before"] == {m: d.isoformat() if d else None for m, d in before.items()}
    assert data["due_after"] == {m: d.isoformat() if d else None for m, d in after.items()}
    assert data["due_before"]["response"] != data["due_after"]["response"]


def test_staff_read_each_clock_with_its_segments_and_recomputations(
    org_a: Org, coordinator: User, staff: Any
) -> None:
    ticket = _paused_and_recomputed(org_a, coordinator)
    response = staff.get(_url(ticket, "clocks"))
    assert response.status_code == 200, response.content
    clocks = {c["metric"]: c for c in response.json()}
    assert set(clocks) == {"response", "resolution"}
    # Under this contract resolution counts from the root cause: not started yet, no ledger.
    assert (clocks["resolution"]["state"], clocks["resolution"]["segments"]) == ("not_started", [])
    response_clock = clocks["response"]
    assert response_clock["state"] == "running"
    segments = [(s["state"], s["reason"]) for s in response_clock["segments"]]
    assert ("paused", "waiting for customer") in segments
    assert segments[-1] == ("running", "customer replied")
    paused = next(s for s in response_clock["segments"] if s["state"] == "paused")
    assert paused["actor"]["id"] == coordinator.pk
    assert paused["reason_label"] == "waiting for the customer"
    [recompute] = response_clock["recomputations"]
    assert (recompute["kind"], recompute["reason"], recompute["actor"]["id"]) == (
        "priority_changed",
        "Impact groter dan gemeld",
        coordinator.pk,
    )
    assert recompute["due_before"] != recompute["due_after"]
    stored = SlaClock.objects.get(ticket=ticket, metric="response").due_at
    assert parse_datetime(recompute["due_after"]) == stored


def test_a_customer_reads_the_clocks_without_staff_names_or_words(
    org_a: Org, coordinator: User
) -> None:
    ticket = _paused_and_recomputed(org_a, coordinator)
    response = api_client(contact_token(org_a.named)).get(_url(ticket, "clocks"))
    assert response.status_code == 200
    response_clock = next(c for c in response.json() if c["metric"] == "response")
    [recompute] = response_clock["recomputations"]
    assert (recompute["reason"], recompute["actor"]["id"]) == ("", None)
    assert recompute["due_before"] != recompute["due_after"]
    assert "Impact groter" not in response.content.decode()
    assert coordinator.username not in response.content.decode()


def test_clocks_of_another_organisation_are_404(org_a: Org, org_b: Org) -> None:
    client = api_client(contact_token(org_a.manager))
    assert client.get(_url(org_b.tickets["secret"], "clocks")).status_code == 404


def test_a_reply_carries_files_under_the_same_rules(org_a: Org) -> None:
    ticket = org_a.tickets["own"]
    client = api_client(contact_token(org_a.named))
    sent = client.post(
        f"/api/v1/tickets/{ticket.pk}/reply/",
        {"body": "Het logboek", "files": [_pdf()]},
        format="multipart",
    )
    assert sent.status_code == 201, sent.content
    assert [a["filename"] for a in sent.json()["message"]["attachments"]] == ["logboek.pdf"]
    refused = client.post(
        f"/api/v1/tickets/{ticket.pk}/reply/",
        {"body": "Nog een", "files": [_pdf("nep.pdf", b"<html><script>x</script></html>")]},
        format="multipart",
    )
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("nep.pdf: the content is not a .pdf file")
    assert not ticket.messages.filter(body="Nog een").exists()


def test_a_cancelled_ticket_takes_no_more_files(org_a: Org, coordinator: User) -> None:
    ticket = org_a.tickets["own"]
    ticket_transition(
        ticket=ticket, to_status=Status.CANCELLED, now=timezone.now(), actor=coordinator
    )
    client = api_client(contact_token(org_a.named))
    response = client.post(_url(ticket, "attachments"), {"files": [_pdf()]}, format="multipart")
    assert response.status_code == 409
    assert (
        response.json()["detail"] == f"Ticket {ticket.number} is cancelled; it takes no more files."
    )
