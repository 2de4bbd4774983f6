"""Attachments are served only through the authorising view, as downloads (issue #4 §2)."""

import pytest
from django.contrib.auth import get_user_model

from intake.models import InboundMessage, Outcome
from intake.services.receive import inbound_receive
from tests.factories import ContactFactory, ContractFactory, named_contact
from tests.tickets.helpers import ams
from tickets.models import Attachment

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

MAIL = b"""From: Anna <anna@klant-a.example>
To: support@onitnow.nl
Subject: Schermafdruk van de fout
Message-ID: <dl-1@klant-a.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Zie bijlage.
--b1
Content-Type: application/pdf; name="../../etc/\x01fout.pdf"
Content-Disposition: attachment; filename="../../etc/\x01fout.pdf"
Content-Transfer-Encoding: base64

iVBORw0KGgoAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
--b1--
"""


@pytest.fixture
def attachment():
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    named_contact(contract, email="anna@klant-a.example")
    inbound, _ = inbound_receive(raw=MAIL, transport="pipe", now=ams("2026-06-01 10:00"))
    assert inbound.outcome == Outcome.TICKET
    return Attachment.objects.get(inbound=inbound)


def test_the_stored_name_is_safe_and_the_type_is_sniffed(attachment):
    assert attachment.filename == "fout.pdf"  # no path parts, no control characters
    assert attachment.content_type == "image/png"  # declared application/pdf


def test_staff_download_it_as_an_attachment_that_is_never_sniffed(attachment, admin_client):
    response = admin_client.get(f"/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def _login_as_contact(client, contact):
    user = get_user_model().objects.create_user(username=contact.email, password="pw-123456!")
    contact.user = user
    contact.save()
    client.force_login(user)


def test_a_contact_of_the_organisation_may_download(attachment, client):
    _login_as_contact(client, attachment.ticket.contact)
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 200


def test_another_organisations_contact_may_not(attachment, client):
    _login_as_contact(client, ContactFactory(email="piet@klant-b.example"))
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 404


def test_anonymous_users_are_sent_to_log_in(attachment, client):
    assert client.get(f"/attachments/{attachment.pk}/").status_code == 302


def test_the_first_line_can_process_a_quarantined_message_again(admin_client):
    inbound = InboundMessage.objects.create(
        dedupe_key="id:q-1@x",
        message_id="q-1@x",
        sha256="0" * 64,
        size=10,
        raw=b"From: nobody@x.example\nSubject: x\n\nhallo\n",
        transport="pipe",
        received_at=ams("2026-06-01 10:00"),
        outcome=Outcome.QUARANTINED,
        error="boom",
    )
    admin_client.post(
        "/admin/intake/inboundmessage/",
        {"action": "process_again", "_selected_action": [inbound.pk]},
    )
    inbound.refresh_from_db()
    assert (inbound.outcome, inbound.error) == (Outcome.TRIAGE, "")
