"""Triage (issue #6 §2): unknown senders and quarantined email become a ticket, a message on a
ticket, or are dismissed with a reason; every decision is recorded and taken once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from intake.models import InboundMessage, Outcome
from intake.services.receive import inbound_receive
from intake.services.triage import (
    TriageRefused,
    TriageTicketInput,
    triage_add_to_ticket,
    triage_create_ticket,
    triage_dismiss,
)
from notifications.models import OutboxEmail
from tests.backoffice.conftest import english_client, staff
from tests.intake.conftest import NOW, Desk, eml
from tests.tickets.helpers import create_ticket
from tickets.models import MessageKind, Ticket

pytestmark = pytest.mark.django_db


def _unknown(desk: Desk) -> InboundMessage:
    inbound, _ = inbound_receive(
        raw=eml("15_unknown_sender_known_domain.eml"), transport="smtp", now=NOW
    )
    assert inbound.outcome == Outcome.TRIAGE
    return inbound


def test_create_ticket_for_a_chosen_contact_records_the_decision(desk: Desk) -> None:
    inbound = _unknown(desk)
    first = staff("first")
    ticket = triage_create_ticket(
        inbound=inbound,
        contact=desk.anna,
        data=TriageTicketInput(request_type="incident", subject="Printer kapot"),
        now=NOW + timedelta(minutes=5),
        actor=first,
    )
    inbound.refresh_from_db()
    assert (inbound.outcome, inbound.ticket_id, inbound.triaged_by_id) == (
        Outcome.TICKET,
        ticket.pk,
        first.pk,
    )
    assert ticket.contact == desk.anna
    assert ticket.subject == "Printer kapot"
    assert ticket.channel == "email"
    assert ticket.created_by == first
    assert inbound.body_text.strip()[:20] in ticket.description
    assert OutboxEmail.objects.filter(
        key=f"receipt:{inbound.pk}", to_email=desk.anna.email
    ).exists()
    with pytest.raises(TriageRefused, match="already handled"):
        triage_dismiss(inbound=inbound, reason="spam", now=NOW, actor=first)


def test_a_refused_contact_leaves_the_email_in_triage(desk: Desk) -> None:
    inbound = _unknown(desk)
    with pytest.raises(TriageRefused, match="named contact"):
        triage_create_ticket(
            inbound=inbound,
            contact=desk.otto,  # Microsoft Advanced: only named contacts may file
            data=TriageTicketInput(request_type="incident"),
            now=NOW,
            actor=staff("first"),
        )
    inbound.refresh_from_db()
    assert inbound.outcome == Outcome.TRIAGE
    assert not Ticket.objects.filter(contact=desk.otto)


def test_add_to_ticket_internal_and_public(desk: Desk) -> None:
    ticket = create_ticket(desk.anna, NOW - timedelta(hours=1))
    inbound = _unknown(desk)
    user = staff("first")
    triage_add_to_ticket(inbound=inbound, ticket=ticket, public=False, now=NOW, actor=user)
    message = ticket.messages.get()
    assert message.kind == MessageKind.INTERNAL
    assert inbound.sender_email in message.body
    assert not message.counts_as_first_response
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    inbound.refresh_from_db()
    assert (inbound.outcome, inbound.ticket_message_id) == (Outcome.REPLY, message.pk)


def test_dismiss_needs_a_reason_and_keeps_the_message(desk: Desk) -> None:
    inbound = _unknown(desk)
    user = staff("first")
    with pytest.raises(TriageRefused, match="reason"):
        triage_dismiss(inbound=inbound, reason="  ", now=NOW, actor=user)
    triage_dismiss(inbound=inbound, reason="Verkoopmail", now=NOW, actor=user)
    inbound.refresh_from_db()
    assert (inbound.outcome, inbound.triage_note) == (Outcome.DISMISSED, "Verkoopmail")
    assert bytes(inbound.raw)


def test_triage_pages_for_the_first_line(desk: Desk) -> None:
    inbound = _unknown(desk)
    client = english_client(staff("first"))
    listing = client.get(reverse("backoffice:triage"))
    assert listing.status_code == 200
    assert inbound.subject in listing.content.decode()
    detail = client.get(reverse("backoffice:triage-detail", args=[inbound.pk]))
    assert detail.status_code == 200
    assert b"Raw message" in detail.content
    bad = client.post(
        reverse("backoffice:triage-detail", args=[inbound.pk]),
        {"do": "dismiss", "dismiss-reason": ""},
    )
    assert bad.status_code == 400
    response = client.post(
        reverse("backoffice:triage-detail", args=[inbound.pk]),
        {
            "do": "ticket",
            "ticket-customer": desk.customer_a.pk,
            "ticket-contact": "",
            "ticket-request_type": "information",
            "ticket-subject": "Vraag over facturen",
            "ticket-send_receipt": "",
        },
    )
    inbound.refresh_from_db()
    assert inbound.outcome == Outcome.TICKET, response.content[:2000]
    assert response.status_code == 302
    assert response["Location"].endswith(f"/tickets/ticket/{inbound.ticket_id}/change/")
    # A contact with the sender's address was made for the chosen customer; no receipt asked.
    assert inbound.ticket.contact.email == inbound.sender_email
    assert inbound.ticket.customer == desk.customer_a
    assert not OutboxEmail.objects.filter(key=f"receipt:{inbound.pk}").exists()


def test_second_line_and_csam_cannot_triage(desk: Desk) -> None:
    inbound = _unknown(desk)
    for role in ("second", "csam"):
        client = english_client(staff(role))
        assert client.get(reverse("backoffice:triage")).status_code == 403
        response = client.post(
            reverse("backoffice:triage-detail", args=[inbound.pk]),
            {"do": "dismiss", "dismiss-reason": "x"},
        )
        assert response.status_code == 403
    inbound.refresh_from_db()
    assert inbound.outcome == Outcome.TRIAGE


def test_the_priority_is_chosen_from_the_catalogues_incident_levels(desk: Desk) -> None:
    from backoffice.forms import TriageTicketForm

    field = TriageTicketForm().fields["priority_level"]
    groups = dict(field.choices[1:])
    assert ("hoog", "High (hoog)") in groups["onITnow"]
    assert "critical" in {level for level, _ in groups["Microsoft Unified Support"]}
    inbound = _unknown(desk)
    response = english_client(staff("first")).post(
        reverse("backoffice:triage-detail", args=[inbound.pk]),
        {
            "do": "ticket",
            "ticket-customer": desk.customer_a.pk,
            "ticket-contact": desk.anna.pk,
            "ticket-request_type": "incident",
            "ticket-priority_level": "no-such-level",
            "ticket-subject": "x",
        },
    )
    assert response.status_code == 400
    inbound.refresh_from_db()
    assert inbound.outcome == Outcome.TRIAGE


def test_staff_switch_the_back_office_between_dutch_and_english(desk: Desk) -> None:
    client = english_client(staff("first"))
    del client.cookies["django_language"]
    InboundMessage.objects.all().delete()
    dutch = client.get(reverse("backoffice:triage")).content.decode()
    assert 'value="en"' in dutch
    assert "Geen e-mails voor triage." in dutch
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("backoffice:triage")}
    )
    assert response.status_code == 302
    english = client.get(reverse("backoffice:triage")).content.decode()
    assert "Nothing to triage." in english
    assert 'value="nl"' in english
