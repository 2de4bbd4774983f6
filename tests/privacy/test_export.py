"""Access requests (issue #15 §3): a ZIP of JSON documents and files with everything held
about the person, kept for a while and then removed."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest

from privacy.exceptions import RequestNotOpen, SubjectErased
from privacy.models import RequestStatus
from privacy.services.erasure import dsr_erasure_confirm
from privacy.services.exports import dsr_export_build
from privacy.services.requests import dsr_record
from tests.privacy.conftest import EMAIL, NAME, NOW, PersonWorld

pytestmark = pytest.mark.django_db
LATER = NOW + timedelta(days=2)


def export_of(person: PersonWorld) -> zipfile.ZipFile:
    request = dsr_record(
        contact=person.tom,
        kind="access",
        received_at=NOW,
        received_via="email",
        actor=person.coordinator,
        now=LATER,
    )
    built = dsr_export_build(request=request, actor=person.coordinator, now=LATER)
    with built.export_file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def document(archive: zipfile.ZipFile, name: str) -> Any:
    return json.loads(archive.read(name))


def test_the_export_holds_the_contact_their_tickets_and_messages(person):
    archive = export_of(person)
    contact = document(archive, "contact/contact.json")
    tickets = document(archive, "tickets/tickets.json")
    messages = document(archive, "tickets/messages.json")

    assert (contact["name"], contact["email"]) == (NAME, EMAIL)
    assert {t["number"] for t in tickets} == {
        person.portal_ticket.number,
        person.mail_ticket.number,
        *[t["number"] for t in tickets if t["subject"] == "Monitoring: schijf vol"],
    }
    assert len(tickets) == 3
    assert any(m["written_by_you"] and "Ja, bel maar." in m["body"] for m in messages)
    assert any(not m["written_by_you"] and "Beste Tom" in m["body"] for m in messages)


def test_the_export_holds_the_files_and_the_mail_in_and_out(person):
    archive = export_of(person)
    attachments = document(archive, "tickets/attachments.json")
    received = document(archive, "mail/received-from-you.json")
    sent = document(archive, "mail/sent-to-you.json")
    upload = next(a for a in attachments if a["filename"] == "logboek-tom-visser.pdf")

    assert archive.read(upload["in_this_export"]) == f"%PDF-1.4 {NAME}".encode()
    assert [m["subject"] for m in received] == ["Printer op kantoor weigert"]
    assert archive.read(received[0]["message_in_this_export"]).startswith(b"From: Tom Visser")
    assert sent
    assert all(m["to_email"] == EMAIL for m in sent)
    assert "README.txt" in archive.namelist()


def test_the_export_keeps_no_other_persons_ticket(person):
    archive = export_of(person)
    numbers = {t["number"] for t in document(archive, "tickets/tickets.json")}

    assert person.mia_ticket.number not in numbers


def test_an_export_is_built_once(person):
    request = dsr_record(
        contact=person.tom,
        kind="access",
        received_at=NOW,
        received_via="phone",
        actor=person.coordinator,
        now=LATER,
    )
    built = dsr_export_build(request=request, actor=person.coordinator, now=LATER)

    with pytest.raises(RequestNotOpen):
        dsr_export_build(request=built, actor=person.coordinator, now=LATER)
    assert built.status == RequestStatus.COMPLETED
    assert built.export_expires_at == LATER + timedelta(days=30)


def test_an_erased_person_has_nothing_to_export_or_erase(person):
    erasure = dsr_record(
        contact=person.tom,
        kind="erasure",
        received_at=NOW,
        received_via="letter",
        actor=person.coordinator,
        now=LATER,
    )
    dsr_erasure_confirm(
        request=erasure, actor=person.coordinator, reference=erasure.reference, now=LATER
    )

    with pytest.raises(SubjectErased):
        dsr_record(
            contact=person.tom,
            kind="access",
            received_at=NOW,
            received_via="email",
            actor=person.coordinator,
            now=LATER,
        )
