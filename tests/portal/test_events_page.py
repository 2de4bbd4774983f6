"""The support services manager plans Azure Event Management events in the portal and reads
each event's cases; nobody else sees them."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts.models import AemEvent, AemEventStatus, ContactRoleKind
from tests.aem_support import microsoft_contract, planned_event
from tests.portal.conftest import client_for, contact_in_role
from tests.tickets.helpers import ams, create_ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = ams("2026-03-02 10:00")
PAGE = "/events/"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def contract():
    return microsoft_contract("azure-event-management")


def manager_client(contract):
    """A client of the contract's one support services manager (made on first use)."""
    from contracts.models import ContactRole

    role = ContactRole.objects.filter(
        contract=contract, role=ContactRoleKind.SUPPORT_SERVICES_MANAGER
    ).first()
    if role is None:
        return client_for(contact_in_role(contract, ContactRoleKind.SUPPORT_SERVICES_MANAGER))
    return client_for(role.contact)


def plan(client, contract, starts, ends, **extra):
    data = {"contract": contract.pk, "solution": "Webshop", "starts_on": starts, "ends_on": ends}
    data.update(extra)
    return client.post(reverse("portal:events"), data, HTTP_ACCEPT_LANGUAGE="en")


def test_the_manager_plans_an_event_with_its_assessment(contract):
    document = SimpleUploadedFile("assessment.txt", b"Capacity fine.\n", "text/plain")
    response = plan(
        manager_client(contract), contract, "2026-05-04", "2026-05-08", assessment=document
    )
    assert response.status_code == 302
    event = AemEvent.objects.get()
    assert (event.status, event.assessment_filename) == (AemEventStatus.PLANNED, "assessment.txt")


def test_a_short_notice_event_is_planned_with_the_warning(contract):
    client = manager_client(contract)
    response = plan(client, contract, "2026-03-20", "2026-03-21")
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "needs the provider&#x27;s agreement" in page
    assert AemEvent.objects.get().status == AemEventStatus.AWAITING_AGREEMENT


def test_six_days_are_refused_on_the_form(contract):
    response = plan(manager_client(contract), contract, "2026-05-04", "2026-05-09")
    assert response.status_code == 200
    assert "at most 5 consecutive calendar days" in response.content.decode()
    assert not AemEvent.objects.exists()


def test_a_named_contact_has_no_events_page(contract):
    client = client_for(contact_in_role(contract, ContactRoleKind.NAMED_CONTACT))
    assert client.get(reverse("portal:events")).status_code == 404


def test_another_customers_assessment_answers_404(contract, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    other = microsoft_contract("azure-event-management")
    plan(
        manager_client(other),
        other,
        "2026-05-04",
        "2026-05-05",
        assessment=SimpleUploadedFile("secret.txt", b"B's plan\n", "text/plain"),
    )
    event = AemEvent.objects.get()
    url = reverse("portal:event_assessment", args=[event.pk])
    assert manager_client(contract).get(url).status_code == 404
    assert b"".join(manager_client(other).get(url).streaming_content) == b"B's plan\n"


def test_the_manager_reads_the_cases_of_an_event(contract):
    from tests.factories import named_contact

    event = planned_event(contract, "2026-03-03", "2026-03-04", now=ams("2026-01-02 10:00"))
    create_ticket(
        named_contact(contract),
        ams("2026-03-03 09:00"),
        subject="Checkout down",
        description="AEM storing",
        priority_level="1",
    )
    with time_machine.travel(ams("2026-03-05 10:00"), tick=False):
        page = manager_client(contract).get(reverse("portal:events"), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert f"Cases of the event {event.solution}" in html
    assert "Checkout down" in html
    assert "Sev 1" in html
