"""Names with line breaks or address syntax are refused in every form and import, and by the
contact services themselves (issue #10 §2), so an odd name can never break or forge a header."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from contracts.catalogue_schema import parse_catalogue_file
from contracts.exceptions import ContactNameRefused
from contracts.models import (
    Contact,
    ContactChangeRequest,
    ContactChangeStatus,
    ContactRoleKind,
    Contract,
)
from contracts.services.contacts import (
    contact_change_approve,
    contact_change_request_record,
    contact_name_checked,
    contact_name_from_sender,
)
from notifications.models import OutboxEmail
from tests.factories import ContractFactory, CustomerFactory, UserFactory
from tests.portal.conftest import client_for, contact_in_role

# Messages are asserted in English (the default language is Dutch); pages follow their cookie.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)

BAD_NAMES = [
    "Eve\r\nBcc: everyone@evil.example",
    "Eve\nEvil",
    'Eve "the CEO" Evil',
    "Eve <eve@evil.example>",
    "eve@evil.example",
    "Eve > Evil",
]


@pytest.fixture(autouse=True)
def _isolated(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("notifications.services.outbox.outbox_dispatch", lambda outbox_id: None)


@pytest.fixture
def contract() -> Contract:
    customer = CustomerFactory(code="nam", name="Namen B.V.")
    return ContractFactory(customer=customer, provider_code="onitnow", package_code="ons")


@pytest.fixture
def manager(contract: Contract) -> Contact:
    return contact_in_role(
        contract,
        ContactRoleKind.SUPPORT_SERVICES_MANAGER,
        name="Mila Manager",
        email="mila@namen.example",
    )


def _admin() -> Client:
    client = Client()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(UserFactory(username="root-names", is_superuser=True))
    return client


@pytest.mark.parametrize("name", BAD_NAMES)
def test_the_service_refuses_the_name_with_a_clear_message(name: str) -> None:
    with pytest.raises(ContactNameRefused, match="line breaks, quotes or the characters"):
        contact_name_checked(name)


@pytest.mark.parametrize("name", BAD_NAMES)
def test_the_model_field_refuses_the_name(name: str, contract: Contract) -> None:
    contact = Contact(customer=contract.customer, name=name, email="x@namen.example")
    with pytest.raises(ValidationError) as refused:
        contact.full_clean()
    assert "name" in refused.value.message_dict


def test_a_good_name_is_kept_and_cleaned_of_invisible_characters() -> None:
    assert contact_name_checked("  Zoë\u200b van\u202e Dijk-Öztürk ") == "Zoë van Dijk-Öztürk"


@pytest.mark.parametrize("name", BAD_NAMES)
def test_the_portal_named_contact_request_refuses_the_name(name: str, manager: Contact) -> None:
    coordinator = UserFactory(username="coord-names", email="coord@provider.example")
    coordinator.groups.add(Group.objects.get(name="Support coordinator"))
    client = client_for(manager)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    data = {"action": "add", "name": name, "email": "nieuw@namen.example", "note": ""}
    response = client.post(reverse("portal:organisation"), data)
    assert response.status_code == 200
    assert "line breaks, quotes" in " ".join(response.context["form"].errors["name"])
    assert not ContactChangeRequest.objects.exists()
    assert not OutboxEmail.objects.exists()


@pytest.mark.parametrize("name", BAD_NAMES)
def test_the_change_request_service_refuses_the_name(
    name: str, manager: Contact, contract: Contract
) -> None:
    with pytest.raises(ContactNameRefused):
        contact_change_request_record(
            requested_by=manager,
            contracts=[contract],
            action="add",
            name=name,
            email="nieuw@namen.example",
            note="",
            now=NOW,
        )
    assert not ContactChangeRequest.objects.exists()


def test_approving_an_old_request_with_a_bad_name_makes_no_contact(
    manager: Contact, contract: Contract
) -> None:
    request = ContactChangeRequest.objects.create(  # stored before the rule existed
        customer=contract.customer,
        requested_by=manager,
        action="add",
        name="Eve\r\nBcc: everyone@evil.example",
        email="eve@namen.example",
        created_at=NOW,
    )
    request.contracts.set([contract])
    with pytest.raises(ContactNameRefused):
        contact_change_approve(request=request, now=NOW, actor=None)
    request.refresh_from_db()
    assert request.status == ContactChangeStatus.PENDING
    assert not Contact.objects.filter(email="eve@namen.example").exists()


@pytest.mark.parametrize("name", BAD_NAMES)
def test_the_back_office_contact_form_refuses_the_name(name: str, contract: Contract) -> None:
    response = _admin().post(
        reverse("admin:contracts_contact_add"),
        {
            "customer": contract.customer.pk,
            "name": name,
            "email": "nieuw@namen.example",
            "language": "nl",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "line breaks, quotes" in " ".join(response.context["adminform"].form.errors["name"])
    assert not Contact.objects.filter(email="nieuw@namen.example").exists()


def test_the_back_office_contact_form_stores_the_cleaned_name(contract: Contract) -> None:
    response = _admin().post(
        reverse("admin:contracts_contact_add"),
        {
            "customer": contract.customer.pk,
            "name": "Noa\u202e Smit\u200d",
            "email": "noa@namen.example",
            "language": "nl",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Contact.objects.get(email="noa@namen.example").name == "Noa Smit"


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_the_user_admin_refuses_a_first_or_last_name_with_address_syntax(field: str) -> None:
    user = UserFactory(username="engineer-names", first_name="Femke", last_name="Bos")
    data = {
        "username": user.username,
        "first_name": "Femke",
        "last_name": "Bos",
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "10:00:00",
        field: "Femke\r\nBcc: everyone@evil.example",
    }
    response = _admin().post(reverse("admin:auth_user_change", args=[user.pk]), data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Femke", "Bos")


def test_the_catalogue_import_refuses_an_escalation_contact_name(tmp_path: Path) -> None:
    source = (Path(django_settings.CATALOGUE_DIR) / "onitnow.toml").read_text()
    broken = source.replace('name = "Jan Blanke"', 'name = "Jan Blanke <ceo@evil.example>"')
    assert broken != source
    path = tmp_path / "onitnow.toml"
    path.write_text(broken)
    parsed, errors = parse_catalogue_file(path)
    assert parsed is None
    assert any("'name' may not contain line breaks" in error for error in errors)


@pytest.mark.parametrize(
    ("display_name", "email", "stored"),
    [
        ('Anna "IT" de Vries', "anna@x.example", "Anna IT de Vries"),
        ("anna@x.example", "anna@x.example", "anna x.example"),
        ("Anna\u202e\u200b de Vries", "anna@x.example", "Anna de Vries"),
        ("", "anna@x.example", "anna x.example"),
    ],
)
def test_a_contact_made_from_an_email_sender_gets_a_safe_name(
    display_name: str, email: str, stored: str
) -> None:
    name = contact_name_from_sender(display_name, email)
    assert name == stored
    contact_name_checked(name)  # would raise if unsafe


def test_triage_makes_a_contact_with_a_safe_name_from_an_odd_sender(
    contract: Contract, settings: Any, tmp_path: Path
) -> None:
    from intake.models import InboundMessage, Outcome
    from intake.services.triage import triage_contact_for_sender

    settings.MEDIA_ROOT = tmp_path
    inbound = InboundMessage.objects.create(
        dedupe_key="names-1",
        message_id="names-1@x",
        sha256="0" * 64,
        size=10,
        raw=b"x",
        transport="pipe",
        received_at=NOW,
        outcome=Outcome.TRIAGE,
        sender_email="odd@namen.example",
        sender_name="Odd <odd@namen.example>",
    )
    contact = triage_contact_for_sender(inbound=inbound, customer=contract.customer)
    assert contact.name == "Odd odd namen.example"
    contact.full_clean()
    assert Contact.objects.get(email="odd@namen.example").name == "Odd odd namen.example"
