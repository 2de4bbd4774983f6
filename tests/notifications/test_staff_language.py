"""Every staff mail is in the recipient's language (issue #11 §2): a coordinator who reads
English gets the upload-quota alert and a named-contact request in English, one without a
preference in Dutch."""

from __future__ import annotations

import pytest

from notifications.models import OutboxEmail, StaffProfile
from notifications.services.upload_alerts import upload_quota_alert
from portal.services import contact_change_request
from tests.escalation.helpers import coordinator
from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket

pytestmark = pytest.mark.django_db

NOW = ams("2026-06-01 10:00")


@pytest.fixture
def coordinators() -> tuple[object, object]:
    english = coordinator("en@provider.example")
    StaffProfile.objects.create(user=english, language="en")
    dutch = UserFactory(username="nl-coordinator", email="nl@provider.example")
    dutch.groups.add(*english.groups.all())
    return english, dutch


def _subjects(prefix: str) -> dict[str, str]:
    rows = OutboxEmail.objects.filter(key__startswith=prefix)
    return {row.to_email: row.subject for row in rows}


def test_the_upload_quota_alert_is_in_each_coordinators_language(coordinators) -> None:
    contact = named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))
    ticket = create_ticket(contact, NOW, send_receipt=False)
    upload_quota_alert(customer=contact.customer, ticket=ticket, scope="ticket", now=NOW)
    subjects = _subjects("upload-quota:")
    assert "quota" in subjects["en@provider.example"].lower()
    assert "quota" not in subjects["nl@provider.example"].lower()
    assert OutboxEmail.objects.get(to_email="en@provider.example").language == "en"


def test_a_named_contact_request_is_in_each_coordinators_language(coordinators) -> None:
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    manager = named_contact(contract)
    contact_change_request(
        contact=manager,
        contracts=[contract],  # type: ignore[list-item]
        action="add",
        name="Nieuwe Collega",
        email="nieuw@klant.example",
        note="",
        now=NOW,
    )
    subjects = _subjects("contact-change:")
    assert "named contact: add" in subjects["en@provider.example"]
    assert "named contact" not in subjects["nl@provider.example"]
