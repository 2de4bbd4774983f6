"""Fixtures of the portal proofs (issue #5): two organisations, logins, a clean axes state.

Organisation A (onITnow ONS) has a support services manager (Mia) and a named contact (Noor);
Mia's ticket "private" is not shared with the organisation, Noor's "own" neither; Mia's
"shared" is. Organisation B is another customer whose identifying strings must never show up
in A's pages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from contracts.models import Contact, ContactRole, ContactRoleKind, Contract, Customer
from intake.models import InboundMessage
from tests.factories import ContactFactory, ContractFactory, CustomerFactory, UserFactory
from tests.tickets.helpers import create_ticket
from tickets.models import Attachment, Ticket
from tickets.services import ticket_reply

PASSWORD = "Zeer-geheim-portaal-2026!"


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fast hasher, attachments under the test's directory, no broker for outbox rows."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr("notifications.services.outbox.outbox_dispatch", lambda outbox_id: None)


@pytest.fixture(autouse=True)
def _axes_clean(db: None) -> Iterator[None]:
    axes_reset()
    yield
    axes_reset()


def login_for(contact: Contact, password: str = PASSWORD) -> Contact:
    """Give the contact a portal login (username = email, as contact_invite does)."""
    user = get_user_model().objects.create_user(
        username=contact.email.lower(), email=contact.email, password=password
    )
    contact.user = user
    contact.save(update_fields=["user"])
    return contact


def contact_in_role(contract: Contract, role: str, **kwargs: Any) -> Contact:
    contact = ContactFactory(customer=contract.customer, **kwargs)
    ContactRole.objects.create(contact=contact, contract=contract, role=role)
    return login_for(contact)


def attachment_add(
    ticket: Ticket | None,
    name: str,
    content: bytes,
    *,
    inbound: InboundMessage | None = None,
) -> Attachment:
    """A stored file: of the ticket's opening message, or of an email when `inbound` is given
    (linked to the email and, once routed, its ticket, as the intake stores one)."""
    attachment = Attachment(
        inbound=inbound,
        ticket=ticket,
        ticket_message=ticket.messages.first() if ticket is not None and inbound is None else None,
        filename=name,
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


def ticket_with_thread(contact: Contact, now: datetime, subject: str, *, shared: bool) -> Ticket:
    """A ticket with a customer message and a PDF attachment."""
    ticket = create_ticket(contact, now, subject=subject)
    ticket_reply(ticket=ticket, body=f"Bericht over {subject}", now=now, author_contact=contact)
    attachment_add(ticket, f"{ticket.number}.pdf", b"%PDF-1.4 " + subject.encode())
    if not shared:
        Ticket.objects.filter(pk=ticket.pk).update(shared_with_organisation=False)
    return Ticket.objects.get(pk=ticket.pk)


@dataclass
class Org:
    customer: Customer
    contract: Contract
    manager: Contact
    named: Contact
    tickets: dict[str, Ticket] = field(default_factory=dict)

    def attachment(self, key: str) -> Attachment:
        return Attachment.objects.get(ticket=self.tickets[key])


def org_a_build(now: datetime) -> Org:
    customer = CustomerFactory(code="alfa", name="Alfa Zorg B.V.")
    contract = ContractFactory(customer=customer, provider_code="onitnow", package_code="ons")
    manager = contact_in_role(
        contract,
        ContactRoleKind.SUPPORT_SERVICES_MANAGER,
        name="Mia Manager",
        email="mia@alfa.example",
    )
    named = contact_in_role(
        contract, ContactRoleKind.NAMED_CONTACT, name="Noor Named", email="noor@alfa.example"
    )
    org = Org(customer, contract, manager, named)
    org.tickets["private"] = ticket_with_thread(manager, now, "Mia prive", shared=False)
    org.tickets["shared"] = ticket_with_thread(manager, now, "Mia gedeeld", shared=True)
    org.tickets["own"] = ticket_with_thread(named, now, "Noor eigen", shared=False)
    return org


def org_b_build(now: datetime) -> Org:
    customer = CustomerFactory(code="bravo", name="Bravo Geheim Holding N.V.")
    contract = ContractFactory(
        customer=customer, provider_code="onitnow", package_code="ons", reference="BRAVO-777"
    )
    manager = contact_in_role(
        contract,
        ContactRoleKind.SUPPORT_SERVICES_MANAGER,
        name="Boris Bravo",
        email="boris@bravo-geheim.example",
    )
    named = contact_in_role(
        contract, ContactRoleKind.NAMED_CONTACT, name="Bea Bravo", email="bea@bravo-geheim.example"
    )
    org = Org(customer, contract, manager, named)
    org.tickets["secret"] = ticket_with_thread(manager, now, "Bravo salarisrun", shared=True)
    agent = UserFactory(username="agent-portal")
    ticket_reply(
        ticket=org.tickets["secret"],
        body="Bravo vertrouwelijk antwoord",
        now=now,
        author_user=agent,
    )
    return org


@pytest.fixture
def now() -> datetime:
    return timezone.now() - timedelta(hours=1)


@pytest.fixture
def org_a(db: None, now: datetime) -> Org:
    return org_a_build(now)


@pytest.fixture
def org_b(db: None, now: datetime) -> Org:
    return org_b_build(now)


def client_for(contact: Contact | None = None, user: Any = None, **defaults: Any) -> Client:
    """A client logged in as the contact's user (or `user`), without going through axes."""
    client = Client(**defaults)
    who = user if user is not None else contact.user
    client.force_login(who, backend="django.contrib.auth.backends.ModelBackend")
    return client


def b_strings(org: Org) -> list[str]:
    """What identifies organisation B: none of it may appear in A's pages."""
    ticket = org.tickets["secret"]
    return [
        ticket.number,
        ticket.subject,
        org.customer.name,
        org.contract.reference,
        org.manager.email,
        org.manager.name,
        org.named.email,
        "Bravo vertrouwelijk antwoord",
        org.attachment("secret").filename,
    ]


def leaked(body: bytes, strings: list[str]) -> list[str]:
    text = body.decode(errors="replace")
    return [s for s in strings if s in text]


def new_ticket_post(client: Client, contract: Any, **fields: object) -> Any:
    """POST the portal's new-ticket form for `contract` with a subject and description."""
    from django.urls import reverse

    data = {
        "contract": contract.pk,
        "request_type": "incident",
        "subject": "Niemand kan werken",
        "description": "Sinds 9 uur ligt alles stil.",
        **fields,
    }
    return client.post(reverse("portal:ticket_new"), data)


def created_ticket(response: Any) -> Ticket:
    """The ticket a successful new-ticket POST redirected to."""
    assert response.status_code == 302, response.context["form"].errors
    return Ticket.objects.get(number=response["Location"].rstrip("/").rsplit("/", 1)[-1])
