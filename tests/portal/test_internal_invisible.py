"""Internal notes and their files are invisible to customers at every door (issue #10 §6): the
ticket page, downloads, mails and the selectors the API will use, by one visibility rule."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from intake.models import InboundMessage, Outcome
from intake.services.triage import triage_add_to_ticket
from notifications.models import OutboxEmail
from tests.factories import UserFactory
from tests.portal.conftest import Org, attachment_add, client_for
from tickets.models import Attachment, Channel, MessageKind, Ticket
from tickets.selectors import (
    attachments_public,
    attachments_visible_to_contact,
    messages_visible_to_contact,
)
from tickets.services import ticket_reply

pytestmark = pytest.mark.django_db

INTERNAL_BODY = "Interne notitie: wachtwoord van de testomgeving staat in de kluis"
INTERNAL_FILE = "intern-analyse.pdf"
PUBLIC_FILE = "publiek-rapport.pdf"


def _first_line_user() -> object:
    user = UserFactory(username="first-line-visibility")
    user.groups.add(Group.objects.get(name="First line"))
    return user


def _work_page(ticket: Ticket) -> str:
    return reverse("admin:tickets_ticket_change", args=[ticket.pk])


def _staff_reply(client: Client, ticket: Ticket, visibility: str, body: str, name: str) -> None:
    """A reply with a file, through the back-office work page as the staff write them."""
    response = client.post(
        _work_page(ticket),
        {
            "do": "reply",
            "reply-visibility": visibility,
            "reply-body": body,
            "reply-attachments": [SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode())],
        },
    )
    assert response.status_code == 302


@pytest.fixture
def staff_client() -> Client:
    client = Client()
    client.force_login(_first_line_user())
    return client


@pytest.fixture
def noted(org_a: Org, staff_client: Client) -> Ticket:
    """Noor's ticket with an internal note carrying a file, then a public reply with one."""
    ticket = org_a.tickets["own"]
    _staff_reply(staff_client, ticket, "internal", INTERNAL_BODY, INTERNAL_FILE)
    _staff_reply(staff_client, ticket, "public", "We hebben het rapport bijgevoegd.", PUBLIC_FILE)
    return ticket


def _file(name: str) -> Attachment:
    return Attachment.objects.get(filename=name)


def _download(attachment: Attachment) -> str:
    return reverse("attachment-download", args=[attachment.pk])


def test_the_ticket_page_lists_public_files_and_never_an_internal_note_or_its_file(
    org_a: Org, noted: Ticket
) -> None:
    for contact in (org_a.named, org_a.manager):
        html = client_for(contact).get(reverse("portal:ticket", args=[noted.number]))
        text = html.content.decode()
        assert html.status_code == 200
        assert PUBLIC_FILE in text
        assert f"{noted.number}.pdf" in text  # the customer's own file
        assert INTERNAL_FILE not in text
        assert INTERNAL_BODY not in text
        assert _download(_file(INTERNAL_FILE)) not in text


def test_an_internal_notes_file_downloads_for_staff_and_is_404_for_the_customer(
    org_a: Org, noted: Ticket, staff_client: Client
) -> None:
    internal, public = _file(INTERNAL_FILE), _file(PUBLIC_FILE)
    customer = client_for(org_a.named)
    assert customer.get(_download(internal)).status_code == 404
    assert client_for(org_a.manager).get(_download(internal)).status_code == 404
    assert customer.get(_download(public)).status_code == 200
    assert b"".join(staff_client.get(_download(internal)).streaming_content) == (
        b"%PDF-1.4 " + INTERNAL_FILE.encode()
    )


def test_mail_to_the_customer_is_only_the_public_reply_and_names_no_internal_file(
    org_a: Org, noted: Ticket
) -> None:
    mails = list(OutboxEmail.objects.filter(ticket=noted, key__startswith="reply:"))
    assert [m.to_email for m in mails] == [org_a.named.email]
    assert "We hebben het rapport bijgevoegd." in mails[0].body_text
    assert all(INTERNAL_FILE not in m.body_text + m.body_html for m in mails)
    assert all(INTERNAL_BODY not in m.body_text + m.body_html for m in mails)
    mailable = attachments_public(Attachment.objects.filter(ticket=noted))
    assert sorted(mailable.values_list("filename", flat=True)) == sorted(
        [f"{noted.number}.pdf", PUBLIC_FILE]
    )


def test_the_selectors_give_a_customer_public_messages_and_files_only(
    org_a: Org, org_b: Org, noted: Ticket
) -> None:
    kinds = set(messages_visible_to_contact(org_a.named, noted).values_list("kind", flat=True))
    assert kinds == {MessageKind.PUBLIC}
    assert noted.messages.filter(kind=MessageKind.INTERNAL).count() == 1
    files = attachments_visible_to_contact(org_a.named, noted.attachments.all())
    assert sorted(files.values_list("filename", flat=True)) == sorted(
        [f"{noted.number}.pdf", PUBLIC_FILE]
    )
    # Another organisation's contact sees none of it; a colleague without sharing neither.
    assert not messages_visible_to_contact(org_b.manager, noted).exists()
    assert not attachments_visible_to_contact(org_b.manager, noted.attachments.all()).exists()
    # Mia's private ticket is shared with nobody: Noor sees none of its files.
    private = org_a.tickets["private"]
    assert not attachments_visible_to_contact(org_a.named, private.attachments.all()).exists()


def _email_file(inbound: InboundMessage, ticket: Ticket | None, name: str) -> Attachment:
    """A file of an email, stored as the intake stores one: linked to the email and ticket."""
    return attachment_add(ticket, name, b"%PDF-1.4 " + name.encode(), inbound=inbound)


def _email(key: str, outcome: str, at: datetime, **fields: object) -> InboundMessage:
    return InboundMessage.objects.create(
        dedupe_key=key,
        sha256="0" * 64,
        size=10,
        raw=b"x",
        transport="pipe",
        received_at=at,
        outcome=outcome,
        **fields,
    )


def test_files_of_an_automatic_reply_that_became_an_internal_note_stay_internal(
    org_a: Org, now: datetime
) -> None:
    """The intake files an out-of-office on its ticket as an automated internal note and links
    the email to it (intake.services.route); the email's files are internal with it."""
    ticket = org_a.tickets["own"]
    note = ticket_reply(
        ticket=ticket,
        body="Automatic reply from noor@alfa.example:\n\nIk ben afwezig tot en met maandag.",
        now=now,
        channel=Channel.EMAIL,
        kind=MessageKind.INTERNAL,
        is_automated=True,
    )
    inbound = _email(
        "visibility-ooo-1",
        Outcome.NOTE,
        now,
        ticket=ticket,
        ticket_message=note,
        sender_email=org_a.named.email,
        subject=f"Automatisch antwoord: [{ticket.number}]",
    )
    signature = _email_file(inbound, ticket, "afwezig-handtekening.pdf")
    client = client_for(org_a.named)
    page = client.get(reverse("portal:ticket", args=[ticket.number])).content.decode()
    assert "afwezig-handtekening.pdf" not in page
    assert "Ik ben afwezig" not in page
    assert client.get(_download(signature)).status_code == 404
    assert not attachments_public(Attachment.objects.filter(inbound=inbound)).exists()


def test_an_email_the_first_line_adds_as_an_internal_note_keeps_its_files_internal(
    org_a: Org, now: datetime
) -> None:
    ticket = org_a.tickets["own"]
    at = timezone.now()
    inbound = _email(
        "visibility-triage-1",
        Outcome.TRIAGE,
        at,
        sender_email="leverancier@derde.example",
        subject="Logboek van de leverancier",
        body_text="Zie bijlage.",
    )
    log = _email_file(inbound, None, "leverancier-log.pdf")
    triage_add_to_ticket(
        inbound=inbound, ticket=ticket, public=False, now=at, actor=_first_line_user()
    )
    log.refresh_from_db()
    assert (log.ticket, log.ticket_message.kind) == (ticket, MessageKind.INTERNAL)
    client = client_for(org_a.named)
    page = client.get(reverse("portal:ticket", args=[ticket.number])).content.decode()
    assert "leverancier-log.pdf" not in page
    assert client.get(_download(log)).status_code == 404


def test_a_customer_reply_with_a_file_is_visible_to_the_organisation_it_is_shared_with(
    org_a: Org, now: datetime
) -> None:
    ticket = org_a.tickets["shared"]
    message = ticket_reply(ticket=ticket, body="Nieuwe log", now=now, author_contact=org_a.manager)
    content = b"%PDF-1.4 gedeeld"
    attachment = Attachment(
        ticket=ticket,
        ticket_message=message,
        filename="gedeelde-log.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    attachment.file.save(attachment.filename, ContentFile(content), save=False)
    attachment.save()
    assert client_for(org_a.named).get(_download(attachment)).status_code == 200
