"""The privacy proofs' world (issue #15 §3): a person, Tom Visser, who left traces in every
app of the desk, beside a colleague (the organisation's manager) and an engineer.

Tom raised a ticket in the portal and one by email (with a file), wrote replies with his
signature, got the desk's mails, uploaded a file, asked for another priority, escalated,
answered a survey, has a login with a failed attempt, a token whose idempotent request was
kept; his colleague asked the provider to remove him and named him in her own ticket, and an
engineer noted a call with him.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from axes.utils import reset as axes_reset
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from availability.models import MonitoredService, Outage
from contracts.models import (
    Contact,
    ContactChangeRequest,
    ContactRoleKind,
    Contract,
    Customer,
    RemoteAccessGrant,
)
from escalation.services.actions import escalation_raise_by_customer
from intake.services.receive import inbound_receive
from tests.api.conftest import contact_token
from tests.factories import ContractFactory, CustomerFactory, UserFactory
from tests.portal.conftest import contact_in_role
from tests.tickets.helpers import ams, create_ticket
from tickets.models import Attachment, Ticket, TimeEntry
from tickets.services import ticket_reply, ticket_resolve
from tickets.services.lifecycle import ticket_survey_answer
from tickets.services.priority import ticket_priority_request

NOW = ams("2026-06-10 10:00")
NAME = "Tom Visser"
EMAIL = "tom.visser@kuststroom.example"
PHONE = "+31 6 1234 5678"
# What must not be found anywhere after the erasure: the name, the address, the phone in the
# forms people write it in.
TRACES = (NAME, EMAIL, "tom.visser", PHONE, "06-12345678", "0612345678", "+31612345678")
SIGNATURE = f"Met vriendelijke groet,\n{NAME}\nApplicatiebeheerder Kuststroom\nT: 06-12345678"


@dataclass
class PersonWorld:
    customer: Customer
    contract: Contract
    tom: Contact
    mia: Contact
    engineer: User
    coordinator: User
    portal_ticket: Ticket
    mail_ticket: Ticket
    mia_ticket: Ticket
    tom_upload: Attachment


@pytest.fixture(autouse=True)
def _isolated(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.API_RATE_LIMIT = ""
    monkeypatch.setattr("notifications.services.outbox.outbox_dispatch", lambda outbox_id: None)


def member(username: str, group: str) -> User:
    user = UserFactory(username=username, first_name=username.title())
    user.groups.add(Group.objects.get(name=group))
    return user


def mail_from_tom(subject: str, body: str, *, attachment: bytes | None = None) -> bytes:
    head = (
        f"From: {NAME} <{EMAIL}>\r\nTo: support@onitnow.nl\r\nSubject: {subject}\r\n"
        f"Message-ID: <{hashlib.sha256(subject.encode()).hexdigest()[:16]}@kuststroom.example>\r\n"
        "Date: Wed, 10 Jun 2026 09:00:00 +0200\r\nMIME-Version: 1.0\r\n"
    )
    text = body.replace("\n", "\r\n")
    if attachment is None:
        return (head + 'Content-Type: text/plain; charset="utf-8"\r\n\r\n' + text).encode()
    return (
        head
        + 'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\n'
        + 'Content-Type: text/plain; charset="utf-8"\r\n\r\n'
        + text
        + "\r\n--b1\r\nContent-Type: application/pdf\r\n"
        + 'Content-Disposition: attachment; filename="scan-tom-visser.pdf"\r\n'
        + "Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(attachment).decode()
        + "\r\n--b1--\r\n"
    ).encode()


def _tom_tickets(tom: Contact, engineer: User) -> tuple[Ticket, Ticket, Attachment]:
    portal = create_ticket(
        tom, NOW, subject="Koppeling staat stil", description=f"Niets komt door.\n\n{SIGNATURE}"
    )
    ticket_reply(
        ticket=portal, body=f"Beste Tom, kunt u {PHONE} opnemen?", now=NOW, author_user=engineer
    )
    ticket_reply(
        ticket=portal,
        body=f"Ja, bel maar.\n\n{SIGNATURE}\n\n> Beste Tom, kunt u opnemen?",
        now=NOW + timedelta(minutes=5),
        author_contact=tom,
    )
    upload = Attachment(
        ticket=portal,
        ticket_message=portal.messages.filter(author_contact=tom).last(),
        filename="logboek-tom-visser.pdf",
        content_type="application/pdf",
        size=20,
        sha256="0" * 64,
    )
    upload.file.save(upload.filename, ContentFile(f"%PDF-1.4 {NAME}".encode()), save=False)
    upload.save()
    inbound, _created = inbound_receive(
        raw=mail_from_tom(
            "Printer op kantoor weigert",
            f"De printer geeft een fout.\n\n{SIGNATURE}",
            attachment=b"%PDF-1.4 scan",
        ),
        transport="pipe",
        now=NOW + timedelta(minutes=10),
    )
    assert inbound.ticket is not None, inbound.reason
    return portal, inbound.ticket, upload


def _tom_requests(world: PersonWorld) -> None:
    tom, portal = world.tom, world.portal_ticket
    ticket_priority_request(
        ticket=portal, contact=tom, level="top", reason=f"Wij liggen plat.\n{SIGNATURE}", now=NOW
    )
    escalation_raise_by_customer(
        ticket=portal, contact=tom, reason=f"Geen reactie. {NAME}", now=NOW + timedelta(hours=1)
    )
    resolved = ticket_resolve(
        ticket=world.mail_ticket,
        kind="fix",
        text="Driver vervangen.",
        now=NOW + timedelta(hours=2),
        actor=world.engineer,
    )
    ticket_survey_answer(
        ticket=resolved,
        contact=tom,
        score=4,
        comment=f"Snel geholpen, groet {NAME}",
        now=NOW + timedelta(hours=3),
    )
    TimeEntry.objects.create(
        ticket=portal,
        user=world.engineer,
        started_at=NOW,
        minutes=15,
        category="in_subscription",
        note=f"Gebeld met {NAME} op 06-12345678",
        created_at=NOW,
    )


def _colleague_traces(world: PersonWorld) -> None:
    request = ContactChangeRequest.objects.create(
        customer=world.customer,
        requested_by=world.mia,
        action="remove",
        name=NAME,
        email=EMAIL,
        note=f"{NAME} is uit dienst.",
        created_at=NOW,
    )
    request.contracts.add(world.contract)
    RemoteAccessGrant.objects.create(
        customer=world.customer,
        system=f"Werkplek van {NAME}",
        scope="Printerdriver vervangen",
        granted_by=world.mia,
        granted_at=NOW,
        expires_at=NOW + timedelta(days=1),
    )
    service = MonitoredService.objects.create(
        contract=world.contract, name="Koppeling", kind="other", created_at=NOW
    )
    Outage.objects.create(
        service=service,
        start=NOW,
        end=NOW + timedelta(hours=1),
        description=f"Gemeld door {NAME}, {PHONE}.",
        recorded_at=NOW,
    )
    LogEntry.objects.create(
        user=world.coordinator,
        content_type=ContentType.objects.get_for_model(Contact),
        object_id=str(world.tom.pk),
        object_repr=str(world.tom),
        action_flag=CHANGE,
        change_message="[]",
    )


def _login_and_api(world: PersonWorld) -> None:
    Client().post(reverse("portal:login"), {"username": EMAIL, "password": "fout-wachtwoord"})
    client = APIClient(HTTP_ACCEPT_LANGUAGE="nl")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {contact_token(world.tom)}")
    answer = client.post(
        "/api/v1/tickets/",
        {
            "request_type": "incident",
            "subject": "Monitoring: schijf vol",
            "description": f"Melding namens {NAME}.",
            "impact_scope": "single_user",
            "impact_effect": "degraded",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="monitoring-1",
    )
    assert answer.status_code == 201, answer.content


def person_world_build() -> PersonWorld:
    customer = CustomerFactory(code="kuststroom", name="Kuststroom B.V.")
    contract = ContractFactory(customer=customer, provider_code="onitnow", package_code="ons")
    mia = contact_in_role(
        contract,
        ContactRoleKind.SUPPORT_SERVICES_MANAGER,
        name="Mia de Boer",
        email="mia@kuststroom.example",
    )
    tom = contact_in_role(
        contract, ContactRoleKind.NAMED_CONTACT, name=NAME, email=EMAIL, phone=PHONE
    )
    engineer = member("engineer", "Second line")
    coordinator = member("coordinator", "Support coordinator")
    portal, mail, upload = _tom_tickets(tom, engineer)
    mia_ticket = create_ticket(
        mia,
        NOW,
        subject="Account blokkeren",
        description=f"Blokkeer het account van {NAME} ({EMAIL}).",
    )
    world = PersonWorld(
        customer, contract, tom, mia, engineer, coordinator, portal, mail, mia_ticket, upload
    )
    _tom_requests(world)
    _colleague_traces(world)
    _login_and_api(world)
    return world


@pytest.fixture
def person(db: None) -> Iterator[PersonWorld]:
    yield person_world_build()
    axes_reset()
