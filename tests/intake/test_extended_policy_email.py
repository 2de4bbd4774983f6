"""Email intake and Microsoft's extended services: the subject names the product, the body may
say "AEM" during an event; the one rule of ticket_create picks the targets."""

import pytest
import time_machine

from tests.aem_support import microsoft_contract, planned_event
from tests.factories import named_contact
from tests.intake.mail import message, pipe
from tests.tickets.helpers import ams
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

SATURDAY_NIGHT = ams("2026-05-09 03:00")


@pytest.fixture
def sender():
    contract = microsoft_contract("rapid-response", "azure-event-management")
    planned_event(contract, "2026-05-08", "2026-05-10", now=ams("2026-03-02 10:00"))
    contract.customer.email_domains = ["noordzee.example"]
    contract.customer.save()
    named_contact(contract, email="daan@noordzee.example", name="Daan Smit")
    return "Daan Smit <daan@noordzee.example>"


def mail_in(sender, subject, body, message_id):
    raw = message(sender=sender, subject=subject, body=body, message_id=message_id)
    with time_machine.travel(SATURDAY_NIGHT, tick=False):
        assert pipe(raw)[0] == 0
    return Ticket.objects.get(subject=subject)


def test_an_aem_mail_during_the_event_gets_the_event_targets(sender):
    ticket = mail_in(sender, "Checkout geeft fouten", "AEM: de webshop valt om.", "<aem.1@x>")
    assert ticket.sla_policy.code == "ms-aem"


def test_an_azure_subject_gets_rapid_response_outside_an_event_window(sender):
    raw = message(
        sender=sender,
        subject="Azure SQL onbereikbaar",
        body="Geen verbinding.",
        message_id="<rr@x>",
    )
    with time_machine.travel(ams("2026-06-06 03:00"), tick=False):
        assert pipe(raw)[0] == 0
    assert Ticket.objects.get().sla_policy.code == "ms-rapid-response"


def test_a_mail_naming_nothing_keeps_the_package_targets(sender):
    ticket = mail_in(sender, "Outlook start niet", "Sinds vanochtend.", "<pkg@x>")
    assert ticket.sla_policy.code == "ms-performance"
