"""Uploads and downloads (issue #10 §4): the portal and the back-office take only allowed types,
checked by content and extension, within the storage quotas; active types are never served
with their own content type; email attachments are never refused but kept within the quotas."""

from __future__ import annotations

import gzip
import io
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts.models import Contact, ContactRoleKind, Contract
from intake.models import InboundMessage, Outcome
from intake.services.receive import inbound_receive
from notifications.models import OutboxEmail
from portal.attachments import uploads_store
from tests.factories import ContractFactory, CustomerFactory, UserFactory, named_contact
from tests.portal.conftest import client_for, contact_in_role
from tests.tickets.helpers import create_ticket
from tickets.models import Attachment, Ticket
from tickets.services.uploads import UploadRefused, download_serving, quota_use, upload_check
from tickets.services.uploads.quotas import customer_day_stored_bytes, ticket_stored_bytes

# Messages are asserted in English (the default language is Dutch); pages follow their cookie.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)  # Tuesday 11:00 in Amsterdam

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"PE\x00\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
JS = b"fetch('/admin/').then(r => r.text()).then(t => alert(t));\n"


def _zip(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in names.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504

REFUSED = [
    ("pagina.html", HTML, "files of type .html are not accepted"),
    ("logo.svg", SVG, "files of type .svg are not accepted"),
    ("setup.exe", EXE, "files of type .exe are not accepted"),
    ("script.js", JS, "files of type .js are not accepted"),
    ("factuur.pdf", EXE, "the content is not a .pdf file (it is .exe"),
    ("foto.png", HTML, "the content is not a .png file (it is HTML, SVG, XML or script text)"),
    ("notities.txt", HTML, "the content is not a .txt file"),
    ("README", b"just text\n", "has no file extension"),
    ("dump.txt", bytes(range(1, 32)) * 10, "not a .txt file (it is unknown binary content)"),
]
ACCEPTED = [
    ("rapport.pdf", PDF, "application/pdf"),
    ("scherm.png", PNG, "image/png"),
    ("log.txt", b"regel 1\nregel 2\n", "text/plain"),
    ("export.csv", "naam;stad\nJoë;Zwolle\n".encode(), "text/csv"),
    ("excel.csv", "naam\tstad\r\nJoë\tZwolle\r\n".encode("utf-16"), "text/csv"),
    (
        "brief.docx",
        DOCX,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("oud.doc", OLE, "application/msword"),
    ("logs.gz", gzip.compress(b"regel\n" * 50, mtime=0), "application/gzip"),
    ("alles.zip", _zip({"a.txt": b"a"}), "application/zip"),
]


@pytest.fixture(autouse=True)
def _isolated(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("notifications.services.outbox.outbox_dispatch", lambda outbox_id: None)


@pytest.fixture
def contract() -> Contract:
    customer = CustomerFactory(code="upl", name="Upload Zorg B.V.")
    return ContractFactory(customer=customer, provider_code="onitnow", package_code="ons")


@pytest.fixture
def contact(contract: Contract) -> Contact:
    return contact_in_role(
        contract, ContactRoleKind.NAMED_CONTACT, name="Ula Uploader", email="ula@upload.example"
    )


@pytest.fixture
def coordinator() -> User:
    user = UserFactory(username="coordinator-uploads", email="coord@provider.example")
    user.groups.add(Group.objects.get(name="Support coordinator"))
    return user


def _english(client: Client) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _portal(contact: Contact) -> Client:
    return _english(client_for(contact))


def _new_ticket(client: Client, contract: Contract, *files: SimpleUploadedFile) -> Any:
    data = {
        "contract": contract.pk,
        "request_type": "incident",
        "subject": "Bijlage bij storing",
        "description": "Zie de bijlage.",
        "attachments": list(files),
    }
    return client.post(reverse("portal:ticket_new"), data)


def _portal_reply(client: Client, ticket: Ticket, *files: SimpleUploadedFile) -> Any:
    data = {"action": "reply", "reply-body": "Nog een bestand.", "reply-attachments": list(files)}
    return client.post(reverse("portal:ticket", args=[ticket.number]), data, follow=True)


def _page_messages(response: Any) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def _staff_client() -> Client:
    user = UserFactory(username="first-line-uploads", first_name="Femke")
    user.groups.add(Group.objects.get(name="First line"))
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    return _english(client)


def _composer(client: Client, ticket: Ticket, *files: SimpleUploadedFile) -> Any:
    return client.post(
        reverse("admin:tickets_ticket_change", args=[ticket.pk]),
        {
            "do": "reply",
            "reply-visibility": "public",
            "reply-body": "Hierbij het bestand.",
            "reply-attachments": list(files),
        },
    )


# --- the rule itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "reason"), REFUSED, ids=[r[0] for r in REFUSED])
def test_the_policy_refuses_each_active_or_mislabelled_file_naming_it(
    name: str, content: bytes, reason: str
) -> None:
    with pytest.raises(UploadRefused) as refused:
        upload_check(name=name, content=content)
    assert name in str(refused.value)
    assert reason in str(refused.value)


@pytest.mark.parametrize(
    ("name", "content", "content_type"), ACCEPTED, ids=[a[0] for a in ACCEPTED]
)
def test_the_policy_accepts_documents_images_and_archives_with_their_real_type(
    name: str, content: bytes, content_type: str
) -> None:
    assert upload_check(name=name, content=content).content_type == content_type


def test_the_allowed_extensions_are_a_setting(settings: Any) -> None:
    settings.UPLOAD_ALLOWED_EXTENSIONS = ["pdf"]
    with pytest.raises(UploadRefused, match="accepted are: pdf"):
        upload_check(name="scherm.png", content=PNG)


# --- portal ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "reason"), REFUSED, ids=[r[0] for r in REFUSED])
def test_the_portal_new_ticket_form_refuses_the_file_and_creates_no_ticket(
    contract: Contract, contact: Contact, name: str, content: bytes, reason: str
) -> None:
    response = _new_ticket(_portal(contact), contract, SimpleUploadedFile(name, content))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["attachments"])
    assert name in errors
    assert reason in errors
    assert not Ticket.objects.filter(contact=contact).exists()
    assert not Attachment.objects.exists()


def test_the_portal_names_every_refused_file_at_once(contract: Contract, contact: Contact) -> None:
    response = _new_ticket(
        _portal(contact),
        contract,
        SimpleUploadedFile("goed.pdf", PDF),
        SimpleUploadedFile("pagina.html", HTML),
        SimpleUploadedFile("foto.png", EXE),
    )
    errors = response.context["form"].errors["attachments"]
    assert len(errors) == 2
    assert "pagina.html" in errors[0]
    assert "foto.png" in errors[1]


def test_the_portal_stores_an_accepted_upload_with_its_sniffed_type(
    contract: Contract, contact: Contact
) -> None:
    response = _new_ticket(
        _portal(contact), contract, SimpleUploadedFile("scherm.png", PNG, "text/html")
    )
    assert response.status_code == 302
    stored = Attachment.objects.get(ticket__contact=contact)
    assert (stored.filename, stored.content_type, stored.size) == (
        "scherm.png",
        "image/png",
        len(PNG),
    )
    assert stored.stored_at is not None


@pytest.mark.parametrize(
    ("name", "content", "reason"), REFUSED[:6], ids=[r[0] for r in REFUSED[:6]]
)
def test_the_portal_reply_refuses_the_file_and_adds_no_message(
    contact: Contact, name: str, content: bytes, reason: str
) -> None:
    ticket = create_ticket(contact, NOW)
    response = _portal_reply(_portal(contact), ticket, SimpleUploadedFile(name, content))
    assert name in _page_messages(response)
    assert reason in _page_messages(response)
    assert ticket.messages.count() == 0
    assert not Attachment.objects.filter(ticket=ticket).exists()


def test_the_ticket_quota_refuses_the_upload_and_alerts_the_coordinators_once(
    settings: Any, contact: Contact, coordinator: User
) -> None:
    settings.UPLOAD_QUOTA_PER_TICKET_BYTES = 150
    ticket = create_ticket(contact, NOW)
    client = _portal(contact)
    _portal_reply(client, ticket, SimpleUploadedFile("een.pdf", PDF + b"x" * 30))
    assert Attachment.objects.filter(ticket=ticket).count() == 1
    refused = _portal_reply(client, ticket, SimpleUploadedFile("twee.pdf", PDF + b"y" * 30))
    assert "storage quota" in _page_messages(refused)
    _portal_reply(client, ticket, SimpleUploadedFile("drie.pdf", PDF + b"z" * 30))
    assert Attachment.objects.filter(ticket=ticket).count() == 1
    assert ticket.messages.count() == 1  # the refused replies left nothing half-done
    alerts = OutboxEmail.objects.filter(key__startswith=f"upload-quota:ticket:{ticket.pk}:")
    assert list(alerts.values_list("to_email", flat=True)) == [coordinator.email]
    assert ticket.number in alerts.get().subject


def test_the_daily_quota_of_the_organisation_refuses_until_the_next_day(
    settings: Any, contract: Contract, contact: Contact, coordinator: User
) -> None:
    settings.UPLOAD_QUOTA_PER_CUSTOMER_DAY_BYTES = 200
    client = _portal(contact)
    with time_machine.travel(NOW, tick=False):
        first = _new_ticket(client, contract, SimpleUploadedFile("a.pdf", PDF + b"a" * 60))
        assert first.status_code == 302
        refused = _new_ticket(client, contract, SimpleUploadedFile("b.pdf", PDF + b"b" * 60))
        assert refused.status_code == 200
        assert "daily upload quota" in " ".join(refused.context["form"].errors["attachments"])
        _new_ticket(client, contract, SimpleUploadedFile("c.pdf", PDF + b"c" * 60))
    assert Ticket.objects.filter(contact=contact).count() == 1
    alerts = OutboxEmail.objects.filter(key__startswith="upload-quota:customer:")
    assert alerts.count() == 1
    assert alerts.get().to_email == coordinator.email
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        assert _new_ticket(client, contract, SimpleUploadedFile("d.pdf", PDF)).status_code == 302
    assert Ticket.objects.filter(contact=contact).count() == 2


def test_reaching_a_quota_exactly_alerts_once_without_a_refusal(
    settings: Any, contact: Contact, coordinator: User
) -> None:
    ticket = create_ticket(contact, NOW)
    settings.UPLOAD_QUOTA_PER_TICKET_BYTES = len(PDF)
    _portal_reply(_portal(contact), ticket, SimpleUploadedFile("precies.pdf", PDF))
    assert Attachment.objects.filter(ticket=ticket).count() == 1
    assert OutboxEmail.objects.filter(key__startswith="upload-quota:ticket:").count() == 1


# --- back-office -------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "reason"), REFUSED, ids=[r[0] for r in REFUSED])
def test_the_back_office_composer_refuses_the_file_with_a_form_error(
    contact: Contact, name: str, content: bytes, reason: str
) -> None:
    ticket = create_ticket(contact, NOW)
    receipt = set(OutboxEmail.objects.filter(ticket=ticket).values_list("key", flat=True))
    response = _composer(_staff_client(), ticket, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    errors = " ".join(response.context["forms"]["reply"].errors["attachments"])
    assert name in errors
    assert reason in errors
    assert ticket.messages.count() == 0
    # No reply mail: only the ticket's receipt is there.
    assert set(OutboxEmail.objects.filter(ticket=ticket).values_list("key", flat=True)) == receipt


def test_the_back_office_composer_keeps_to_the_ticket_quota(
    settings: Any, contact: Contact, coordinator: User
) -> None:
    settings.UPLOAD_QUOTA_PER_TICKET_BYTES = 150
    ticket = create_ticket(contact, NOW)
    client = _staff_client()
    first = _composer(client, ticket, SimpleUploadedFile("een.pdf", PDF + b"1" * 40))
    assert first.status_code == 302
    response = _composer(client, ticket, SimpleUploadedFile("twee.pdf", PDF + b"2" * 40))
    assert response.status_code == 400
    assert "storage quota" in " ".join(response.context["forms"]["reply"].errors["attachments"])
    assert Attachment.objects.filter(ticket=ticket).count() == 1
    assert OutboxEmail.objects.filter(key__startswith="upload-quota:ticket:").count() == 1


def test_the_back_office_stores_an_accepted_file(contact: Contact) -> None:
    ticket = create_ticket(contact, NOW)
    response = _composer(_staff_client(), ticket, SimpleUploadedFile("brief.docx", DOCX))
    assert response.status_code == 302
    assert Attachment.objects.get(ticket=ticket).filename == "brief.docx"


# --- email -------------------------------------------------------------------------------------

MAIL = b"""From: Anna <anna@klant-upl.example>
To: support@onitnow.nl
Subject: Pagina en bestanden
Message-ID: <upl-%(n)s@klant-upl.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Zie bijlagen.
--b1
Content-Type: text/html; name="pagina.html"
Content-Disposition: attachment; filename="pagina.html"

<html><body><script>alert(document.cookie)</script></body></html>
--b1
Content-Type: application/octet-stream; name="setup.exe"
Content-Disposition: attachment; filename="setup.exe"
Content-Transfer-Encoding: base64

TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
--b1--
"""


@pytest.fixture
def anna() -> Contact:
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    return named_contact(contract, email="anna@klant-upl.example", name="Anna")


def _mail(n: int) -> InboundMessage:
    inbound, _created = inbound_receive(
        raw=MAIL % {b"n": str(n).encode()}, transport="pipe", now=NOW
    )
    return inbound


def test_email_attachments_are_never_refused_but_stored_with_their_sniffed_type(
    anna: Contact,
) -> None:
    inbound = _mail(1)
    assert inbound.outcome == Outcome.TICKET
    stored = dict(inbound.attachments.values_list("filename", "content_type"))
    assert stored == {"pagina.html": "text/html", "setup.exe": "application/x-msdownload"}


def test_an_email_html_attachment_is_served_as_an_octet_stream_download(
    anna: Contact, admin_client: Client
) -> None:
    page = _mail(2).attachments.get(filename="pagina.html")
    for url in (f"/attachments/{page.pk}/", f"/attachments/{page.pk}/?inline=1"):
        response = admin_client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"


def test_the_customer_gets_the_same_safe_download(anna: Contact) -> None:
    page = _mail(3).attachments.get(filename="pagina.html")
    user = UserFactory(username="anna-upl", is_staff=False)
    anna.user = user
    anna.save(update_fields=["user"])
    response = client_for(anna).get(f"/attachments/{page.pk}/?inline=1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("stored_type", "served", "inline"),
    [
        ("image/png", "image/png", True),
        ("image/jpeg", "image/jpeg", True),
        ("image/gif", "image/gif", True),
        ("image/webp", "image/webp", True),
        ("application/pdf", "application/pdf", True),
        ("image/svg+xml", "application/octet-stream", False),
        ("text/html; charset=utf-8", "application/octet-stream", False),
        ("application/xml", "application/octet-stream", False),
        ("text/javascript", "application/octet-stream", False),
        ("application/x-msdownload", "application/octet-stream", False),
        ("text/plain", "application/octet-stream", False),
        ("image/bmp", "application/octet-stream", False),
    ],
)
def test_only_safe_images_and_pdf_keep_their_type_and_may_be_inline(
    stored_type: str, served: str, inline: bool
) -> None:
    serving = download_serving(stored_type, inline=True)
    assert (serving.content_type, not serving.as_attachment) == (served, inline)
    assert download_serving(stored_type).as_attachment


def test_a_png_may_be_shown_inline_when_asked(contact: Contact, admin_client: Client) -> None:
    ticket = create_ticket(contact, NOW)
    _portal_reply(_portal(contact), ticket, SimpleUploadedFile("scherm.png", PNG))
    stored = Attachment.objects.get(ticket=ticket)
    response = admin_client.get(f"/attachments/{stored.pk}/?inline=1")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_email_attachments_over_the_ticket_quota_are_noted_not_stored(
    settings: Any, anna: Contact, coordinator: User
) -> None:
    settings.UPLOAD_QUOTA_PER_TICKET_BYTES = 100  # the page fits, the executable does not
    inbound = _mail(4)
    assert list(inbound.attachments.values_list("filename", flat=True)) == ["pagina.html"]
    inbound.refresh_from_db()
    assert "setup.exe" in inbound.reason
    assert "attachments not kept" in inbound.reason
    assert b"TVqQAAMAAAAEAAAA" in bytes(inbound.raw)  # the raw mail keeps it
    assert OutboxEmail.objects.filter(key__startswith="upload-quota:ticket:").count() == 1


def test_the_policy_keeps_the_size_limit_of_every_door(settings: Any) -> None:
    settings.INTAKE_MAX_ATTACHMENT_BYTES = len(PDF) - 1
    with pytest.raises(UploadRefused, match=r"rapport\.pdf is larger than"):
        upload_check(name="rapport.pdf", content=PDF)


def test_the_storing_service_refuses_by_itself_and_stores_nothing_of_the_batch(
    settings: Any, contact: Contact
) -> None:
    ticket = create_ticket(contact, NOW)
    with pytest.raises(UploadRefused, match=r"pagina\.html"):
        uploads_store(
            [SimpleUploadedFile("goed.pdf", PDF), SimpleUploadedFile("pagina.html", HTML)],
            ticket=ticket,
            message=None,
            now=NOW,
        )
    settings.UPLOAD_QUOTA_PER_TICKET_BYTES = len(PDF)  # a check that came too late (a race)
    with pytest.raises(UploadRefused, match="storage quota"):
        uploads_store(
            [SimpleUploadedFile("een.pdf", PDF), SimpleUploadedFile("twee.pdf", PDF)],
            ticket=ticket,
            message=None,
            now=NOW,
        )
    assert not Attachment.objects.filter(ticket=ticket).exists()


def test_the_quota_use_is_both_sums_in_one_query(anna: Contact, contact: Contact) -> None:
    """What the ticket and the organisation's day hold, as the two separate counts give it:
    other tickets of the customer count in the day only, other days and customers not at all."""
    ticket = _mail(5).ticket
    assert ticket is not None
    other = create_ticket(anna, NOW)
    Attachment.objects.create(
        ticket=other, filename="a.txt", size=1000, sha256="0" * 64, stored_at=NOW, file="a.txt"
    )
    Attachment.objects.create(  # the day before in Amsterdam
        ticket=other,
        filename="b.txt",
        size=70,
        sha256="0" * 64,
        stored_at=NOW - timedelta(hours=12),
        file="b.txt",
    )
    Attachment.objects.create(  # another customer's
        ticket=create_ticket(contact, NOW),
        filename="c.txt",
        size=5,
        sha256="0" * 64,
        stored_at=NOW,
        file="c.txt",
    )
    customer = ticket.customer
    for on in (ticket, other, None):
        with CaptureQueriesContext(connection) as queries:
            use = quota_use(customer=customer, ticket=on, now=NOW)
        assert len(queries) == 1
        expected = (
            ticket_stored_bytes(on.pk if on else None),
            customer_day_stored_bytes(customer.pk, NOW),
        )
        assert (use.ticket_bytes, use.day_bytes) == expected
    assert expected[1] == ticket_stored_bytes(ticket.pk) + 1000


def test_a_messages_attachments_are_inserted_at_once(anna: Contact) -> None:
    with CaptureQueriesContext(connection) as queries:
        inbound = _mail(6)
    insert = f'INSERT INTO "{Attachment._meta.db_table}"'
    inserts = [q for q in queries if q["sql"].startswith(insert)]
    assert len(inserts) == 1
    assert inbound.attachments.count() == 2
    assert all(a.file.read() for a in inbound.attachments.all())
