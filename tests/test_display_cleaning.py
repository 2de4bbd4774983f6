"""Display cleaning at every door (issue #10 §2): control characters, bidirectional overrides
and zero-width characters are removed from what is stored for display (subjects, bodies, file
names, names, problem titles, triage notes), whether it comes by email, through the portal or
from the back-office; the raw email keeps them."""

from __future__ import annotations

import base64
import io
import sys
from datetime import UTC, datetime
from email.header import Header
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from contracts.models import Contact, ContactRoleKind, Contract
from intake.models import InboundMessage, Outcome
from intake.services.triage import triage_dismiss
from tests.factories import ContractFactory, CustomerFactory, UserFactory
from tests.portal.conftest import client_for, contact_in_role
from tests.tickets.helpers import create_ticket
from tickets.models import Attachment, ProblemOrigin, Ticket
from tickets.services import ticket_record_root_cause, ticket_resolve
from tickets.services.problems import problem_open

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
# A right-to-left override that makes "invoice<RLO>fdp.exe" read as "invoiceexe.pdf", a
# zero-width space, a zero-width joiner, a bell and an escape.
RLO, ZWSP, ZWJ, BEL, ESC = "\u202e", "\u200b", "\u200d", "\x07", "\x1b"
HIDDEN = (RLO, ZWSP, ZWJ, BEL, ESC)
PDF = b"%PDF-1.4\n%%EOF\n"


def _visible(text: str) -> bool:
    return not any(ch in text for ch in HIDDEN)


@pytest.fixture(autouse=True)
def _isolated(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("notifications.services.outbox.outbox_dispatch", lambda outbox_id: None)


@pytest.fixture
def contract() -> Contract:
    customer = CustomerFactory(code="dsp", name="Display Zorg B.V.", email_domains=["dsp.example"])
    return ContractFactory(customer=customer, provider_code="onitnow", package_code="ons")


@pytest.fixture
def contact(contract: Contract) -> Contact:
    return contact_in_role(
        contract, ContactRoleKind.NAMED_CONTACT, name="Dina Display", email="dina@dsp.example"
    )


# --- email, through `manage.py ingest_email` ---------------------------------------------------


def _mail(sender: str, message_id: str) -> bytes:
    subject = Header(f"Factuur{RLO}fdp.exe{ZWSP} klopt{BEL} niet", "utf-8").encode()
    body = f"Goedemorgen,{ZWJ}\r\nde factuur{ESC}[31m is{RLO} onleesbaar.\r\n"
    filename = f"invoice{RLO}fdp.exe{ZWSP}.pdf"
    return (
        f"From: {Header(f'Dina{ZWSP} Display', 'utf-8').encode()} <{sender}>\r\n"
        "To: support@onitnow.nl\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <{message_id}>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n'
        "\r\n"
        "--b1\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "\r\n"
        f"{base64.b64encode(body.encode()).decode()}\r\n"
        "--b1\r\n"
        "Content-Type: application/pdf\r\n"
        f"Content-Disposition: attachment; filename*=utf-8''{quote(filename)}\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "\r\n"
        f"{base64.b64encode(PDF).decode()}\r\n"
        "--b1--\r\n"
    ).encode()


def _ingest(raw: bytes, monkeypatch: pytest.MonkeyPatch) -> InboundMessage:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    with pytest.raises(SystemExit) as exit_code:
        call_command("ingest_email", stdout=io.StringIO())
    assert exit_code.value.code == 0
    return InboundMessage.objects.get(message_id__contains="dsp.example")


def test_email_through_the_pipe_stores_clean_text_and_keeps_the_raw_message(
    contact: Contact, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbound = _ingest(_mail("dina@dsp.example", "clean-1@dsp.example"), monkeypatch)
    assert inbound.outcome == Outcome.TICKET
    ticket = Ticket.objects.get(pk=inbound.ticket_id)
    assert ticket.subject == "Factuurfdp.exe klopt niet"
    assert inbound.subject == "Factuurfdp.exe klopt niet"
    assert _visible(inbound.body_text)
    assert "de factuur[31m is onleesbaar." in ticket.description
    assert _visible(ticket.description)
    assert inbound.sender_name == "Dina Display"
    attachment = Attachment.objects.get(inbound=inbound)
    assert attachment.filename == "invoicefdp.exe.pdf"
    raw = bytes(inbound.raw)
    assert quote(RLO).encode() in raw  # the file name in the raw message keeps the override
    assert base64.b64encode(
        f"Goedemorgen,{ZWJ}\r\nde factuur{ESC}[31m is{RLO} onleesbaar.\r\n".encode()
    ) in raw.replace(b"\r\n", b"")


def test_an_email_from_an_unknown_sender_goes_to_triage_with_clean_text(
    contract: Contract, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbound = _ingest(_mail("vreemd@elders.example", "clean-2@dsp.example"), monkeypatch)
    assert inbound.outcome == Outcome.TRIAGE
    assert inbound.subject == "Factuurfdp.exe klopt niet"
    assert _visible(inbound.body_text)
    assert Attachment.objects.get(inbound=inbound).filename == "invoicefdp.exe.pdf"


# --- portal ------------------------------------------------------------------------------------


def test_the_portal_new_ticket_form_stores_clean_text_and_file_names(
    contract: Contract, contact: Contact
) -> None:
    response = client_for(contact).post(
        reverse("portal:ticket_new"),
        {
            "contract": contract.pk,
            "request_type": "incident",
            "subject": f"Printer{RLO}{ZWSP} stuk{BEL}",
            "description": f"Hij{ZWJ} piept.{ESC}\r\nSteeds{RLO} weer.",
            "product": f"HP{ZWSP} 4000",
            "attachments": [SimpleUploadedFile(f"scan{RLO}fdp.exe{ZWSP}.pdf", PDF)],
        },
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(contact=contact)
    assert ticket.subject == "Printer stuk"
    assert ticket.description == "Hij piept.\nSteeds weer."
    assert ticket.product == "HP 4000"
    assert ticket.attachments.get().filename == "scanfdp.exe.pdf"


def test_the_portal_reply_stores_a_clean_body(contact: Contact) -> None:
    ticket = create_ticket(contact, NOW)
    client_for(contact).post(
        reverse("portal:ticket", args=[ticket.number]),
        {"action": "reply", "reply-body": f"Nog{RLO} steeds{ZWSP} kapot{BEL}."},
    )
    assert ticket.messages.get().body == "Nog steeds kapot."


def test_a_subject_of_invisible_characters_only_is_refused_as_empty(
    contract: Contract, contact: Contact
) -> None:
    response = client_for(contact).post(
        reverse("portal:ticket_new"),
        {
            "contract": contract.pk,
            "request_type": "incident",
            "subject": f"{RLO}{ZWSP}{ZWJ}",
            "description": "Iets.",
        },
    )
    assert response.status_code == 200
    assert not Ticket.objects.filter(contact=contact).exists()


# --- back-office -------------------------------------------------------------------------------


def _first_line() -> User:
    user = UserFactory(username="first-line-display")
    user.groups.add(Group.objects.get(name="First line"))
    return User.objects.get(pk=user.pk)


def test_the_back_office_composer_stores_a_clean_body_and_file_name(contact: Contact) -> None:
    ticket = create_ticket(contact, NOW)
    client = Client()
    client.force_login(_first_line())
    response = client.post(
        reverse("admin:tickets_ticket_change", args=[ticket.pk]),
        {
            "do": "reply",
            "reply-visibility": "internal",
            "reply-body": f"Klant{ZWSP} belt{RLO} terug{ESC}.",
            "reply-attachments": [SimpleUploadedFile(f"notitie{RLO}.txt", b"regel\n")],
        },
    )
    assert response.status_code == 302
    message = ticket.messages.get()
    assert message.body == "Klant belt terug."
    assert Attachment.objects.get(ticket_message=message).filename == "notitie.txt"


def test_a_problem_title_is_stored_clean(contact: Contact) -> None:
    problem = problem_open(
        title=f"Mail{RLO} valt{ZWSP} weg{BEL}",
        customer=contact.customer,
        tickets=[],
        origin=ProblemOrigin.COORDINATOR,
        product=f"Exchange{ZWJ}",
        now=NOW,
        actor=_first_line(),
    )
    assert (problem.title, problem.product) == ("Mail valt weg", "Exchange")


def test_a_triage_note_is_stored_clean(contract: Contract) -> None:
    inbound = InboundMessage.objects.create(
        dedupe_key="display-triage-1",
        message_id="display-triage-1@x",
        sha256="0" * 64,
        size=1,
        raw=b"x",
        transport="pipe",
        received_at=NOW,
        outcome=Outcome.TRIAGE,
    )
    triage_dismiss(
        inbound=inbound, reason=f"Spam{RLO} van{ZWSP} buiten{BEL}", now=NOW, actor=_first_line()
    )
    inbound.refresh_from_db()
    assert inbound.triage_note == "Spam van buiten"


def test_root_cause_and_resolution_are_stored_clean(contact: Contact) -> None:
    ticket = create_ticket(contact, NOW)
    engineer = _first_line()
    ticket_record_root_cause(
        ticket=ticket, text=f"Certificaat{RLO} verlopen{ZWSP}{BEL}", now=NOW, actor=engineer
    )
    ticket_resolve(
        ticket=ticket, kind="fix", text=f"Vernieuwd{ZWJ}.\r\nKlaar{ESC}.", now=NOW, actor=engineer
    )
    ticket.refresh_from_db()
    assert (ticket.root_cause, ticket.resolution) == ("Certificaat verlopen", "Vernieuwd.\nKlaar.")
