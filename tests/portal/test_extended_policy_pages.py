"""The portal's and the back-office's new-ticket forms ask what a ticket under a contract with
Microsoft's extended services is about; the chosen targets are shown on the ticket pages."""

import pytest
import time_machine
from django.urls import reverse

from contracts.models import ContactRoleKind
from tests.aem_support import microsoft_contract, planned_event
from tests.backoffice.conftest import english_client, staff
from tests.factories import ContractFactory
from tests.portal.conftest import client_for, contact_in_role, created_ticket, new_ticket_post
from tests.tickets.helpers import ams
from tickets.models import Ticket

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SATURDAY_NIGHT = ams("2026-05-09 03:00")


@pytest.fixture
def contract():
    contract = microsoft_contract("rapid-response", "azure-event-management")
    planned_event(contract, "2026-05-08", "2026-05-10", now=ams("2026-03-02 10:00"))
    return contract


def test_the_portal_asks_what_the_ticket_is_about_only_where_it_matters(contract):
    asked = contact_in_role(contract, ContactRoleKind.NAMED_CONTACT)
    other = contact_in_role(ContractFactory(), ContactRoleKind.NAMED_CONTACT)
    assert (
        "service_area" in client_for(asked).get(reverse("portal:ticket_new")).context["form"].fields
    )
    assert (
        "service_area"
        not in client_for(other).get(reverse("portal:ticket_new")).context["form"].fields
    )


@time_machine.travel(SATURDAY_NIGHT, tick=False)
def test_an_azure_incident_in_the_portal_during_the_event_gets_the_event_targets(contract):
    contact = contact_in_role(contract, ContactRoleKind.NAMED_CONTACT)
    client = client_for(contact, HTTP_ACCEPT_LANGUAGE="en")
    ticket = created_ticket(new_ticket_post(client, contract, service_area="azure"))
    assert ticket.sla_policy.code == "ms-aem"
    page = client.get(reverse("portal:ticket", args=[ticket.number])).content.decode()
    assert "Azure Event Management targets during your event" in page


@time_machine.travel(ams("2026-06-06 03:00"), tick=False)
def test_an_azure_incident_in_the_portal_after_the_event_gets_rapid_response(contract):
    contact = contact_in_role(contract, ContactRoleKind.NAMED_CONTACT)
    ticket = created_ticket(new_ticket_post(client_for(contact), contract, service_area="azure"))
    assert ticket.sla_policy.code == "ms-rapid-response"


@time_machine.travel(SATURDAY_NIGHT, tick=False)
def test_a_phone_registration_naming_azure_gets_the_event_targets_shown_to_the_engineer(contract):
    contact = contact_in_role(contract, ContactRoleKind.NAMED_CONTACT)
    client = english_client(staff("first"))
    page = f"/admin/backoffice/tickets/new/?contact={contact.pk}"
    assert "service_area" in client.get(page).context["form"].fields
    response = client.post(
        page,
        {
            "received_how": "phone",
            "received_at": "2026-05-09T02:55",
            "request_type": "incident",
            "subject": "Checkout valt om",
            "description": "De webshop geeft 500-fouten.",
            "service_area": "azure",
            "priority_level": "1",
            "send_receipt": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    ticket = Ticket.objects.get()
    assert (ticket.sla_policy.code, ticket.priority_level) == ("ms-aem", "1")
    work = client.get(reverse("admin:tickets_ticket_change", args=[ticket.pk])).content.decode()
    assert "Azure Event Management targets during your event" in work


@time_machine.travel(SATURDAY_NIGHT, tick=False)
def test_a_package_ticket_shows_the_package_targets(contract):
    contact = contact_in_role(contract, ContactRoleKind.NAMED_CONTACT)
    client = client_for(contact, HTTP_ACCEPT_LANGUAGE="en")
    ticket = created_ticket(new_ticket_post(client, contract, product="Exchange Online"))
    page = client.get(reverse("portal:ticket", args=[ticket.number])).content.decode()
    assert 'id="policy-label">The Performance Support package&#x27;s targets</dd>' in page
