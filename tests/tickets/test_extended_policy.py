"""Rapid Response, AEM and Retail targets are chosen by the service the ticket is about
(the one rule in contracts.selectors_events, applied by ticket_create for every channel)."""

import pytest

from contracts.models import AemEventStatus
from contracts.services.events import aem_event_agree
from tests.aem_support import microsoft_contract, planned_event
from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket, local

pytestmark = pytest.mark.django_db

PLANNED_AT = ams("2026-03-02 10:00")
# An AEM event Mon 4 - Fri 8 May 2026; Saturday 9 May 03:00 is after it.
DURING = ams("2026-05-06 03:00")
AFTER = ams("2026-05-09 03:00")


def policy_of(ticket):
    return ticket.sla_policy.code if ticket.sla_policy else None


@pytest.fixture
def noordzee():
    contract = microsoft_contract("rapid-response", "azure-event-management")
    planned_event(contract, "2026-05-04", "2026-05-08", now=PLANNED_AT)
    return contract


def test_an_azure_incident_gets_rapid_response_targets():
    contract = microsoft_contract("rapid-response")
    ticket = create_ticket(
        named_contact(contract), ams("2026-06-06 03:00"), service_area="azure", priority_level="1"
    )
    assert policy_of(ticket) == "ms-rapid-response"
    assert local(ticket.response_due_at) == "2026-06-06 03:15 +0200"


def test_an_azure_product_field_is_enough_for_rapid_response():
    contract = microsoft_contract("rapid-response")
    ticket = create_ticket(named_contact(contract), AFTER, product="Azure SQL Database")
    assert policy_of(ticket) == "ms-rapid-response"


def test_without_the_service_an_azure_incident_keeps_the_package_targets():
    contract = microsoft_contract()
    ticket = create_ticket(named_contact(contract), AFTER, service_area="azure")
    assert policy_of(ticket) == "ms-performance"


def test_a_non_azure_incident_keeps_the_package_targets(noordzee):
    ticket = create_ticket(named_contact(noordzee), AFTER, product="Exchange Online")
    assert policy_of(ticket) == "ms-performance"


def test_during_the_event_an_aem_description_gets_the_event_targets(noordzee):
    ticket = create_ticket(
        named_contact(noordzee),
        DURING,
        description="AEM: de checkout geeft fouten",
        priority_level="1",
    )
    assert policy_of(ticket) == "ms-aem"
    assert local(ticket.response_due_at) == "2026-05-06 03:15 +0200"
    assert ticket.events.get(kind="created").data["policy_reason"] == "aem_event"


def test_during_the_event_an_azure_incident_gets_the_event_targets(noordzee):
    ticket = create_ticket(named_contact(noordzee), DURING, service_area="azure")
    assert policy_of(ticket) == "ms-aem"


def test_after_the_event_the_same_incident_gets_rapid_response_again(noordzee):
    ticket = create_ticket(
        named_contact(noordzee), AFTER, service_area="azure", description="AEM checkout"
    )
    assert policy_of(ticket) == "ms-rapid-response"


def test_after_the_event_an_aem_description_gets_the_package_targets():
    contract = microsoft_contract("azure-event-management")
    planned_event(contract, "2026-05-04", "2026-05-08", now=PLANNED_AT)
    ticket = create_ticket(named_contact(contract), AFTER, description="AEM checkout traag")
    assert policy_of(ticket) == "ms-performance"


def test_a_short_notice_event_applies_only_once_agreed():
    contract = microsoft_contract("azure-event-management")
    event = planned_event(contract, "2026-05-04", "2026-05-08", now=ams("2026-04-01 10:00"))
    assert event.status == AemEventStatus.AWAITING_AGREEMENT
    before = create_ticket(named_contact(contract), DURING, description="AEM storing")
    aem_event_agree(event=event, user=UserFactory(), now=ams("2026-04-02 10:00"))
    after = create_ticket(named_contact(contract), DURING, description="AEM storing")
    assert (policy_of(before), policy_of(after)) == ("ms-performance", "ms-aem")


def test_a_d365_incident_during_a_retail_event_gets_the_d365_event_plan():
    contract = microsoft_contract("retail-event-management")
    planned_event(contract, "2026-05-04", "2026-05-08", now=PLANNED_AT, is_retail=True)
    ticket = create_ticket(
        named_contact(contract), DURING, service_area="solution_center", priority_level="b"
    )
    assert policy_of(ticket) == "ms-retail"
    assert ticket.priority_level == "b"


def test_a_d365_subject_during_a_retail_event_is_read_as_the_solution_center():
    contract = microsoft_contract("retail-event-management")
    planned_event(contract, "2026-05-04", "2026-05-08", now=PLANNED_AT, is_retail=True)
    ticket = create_ticket(named_contact(contract), DURING, subject="D365 Commerce kassa's")
    assert policy_of(ticket) == "ms-retail"


def test_a_d365_incident_outside_a_retail_event_keeps_the_package_targets():
    contract = microsoft_contract("retail-event-management")
    planned_event(contract, "2026-05-04", "2026-05-08", now=PLANNED_AT, is_retail=True)
    ticket = create_ticket(named_contact(contract), AFTER, service_area="solution_center")
    assert policy_of(ticket) == "ms-performance"


def test_a_request_for_information_keeps_the_package_policy(noordzee):
    ticket = create_ticket(
        named_contact(noordzee), DURING, service_area="azure", request_type="information"
    )
    assert policy_of(ticket) != "ms-aem"


def test_an_unknown_service_area_is_refused(noordzee):
    from tickets.exceptions import TicketValidationError

    with pytest.raises(TicketValidationError):
        create_ticket(named_contact(noordzee), DURING, service_area="mainframe")


def test_other_providers_pay_no_query_for_the_rule(django_assert_max_num_queries):
    contract = ContractFactory(provider_code="onitnow", package_code="ons")
    contact = named_contact(contract)
    create_ticket(contact, ams("2026-06-01 08:00"))  # warms the catalogue cache
    with django_assert_max_num_queries(15):
        create_ticket(contact, ams("2026-06-01 09:00"), priority_level="hoog")


def test_a_package_level_set_by_staff_keeps_the_package_targets():
    contract = microsoft_contract("rapid-response")
    ticket = create_ticket(
        named_contact(contract), AFTER, service_area="azure", priority_level="critical"
    )
    assert (policy_of(ticket), ticket.priority_level) == ("ms-performance", "critical")


def test_the_services_are_read_with_the_contract_and_a_change_counts_at_once():
    """The purchased services come with the contract's own row (no query of their own per
    ticket, issue #16), read anew for every ticket: a service added is used by the next one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.aem_support import contract_with_service

    contract = microsoft_contract()
    contact = named_contact(contract)
    create_ticket(contact, AFTER, service_area="azure")  # warm caches
    with CaptureQueriesContext(connection) as ctx:
        before = create_ticket(contact, AFTER, service_area="azure")
    assert policy_of(before) == "ms-performance"
    services = [q["sql"] for q in ctx.captured_queries if "contracts_contract_services" in q["sql"]]
    assert len(services) == 1
    assert services[0].startswith("SELECT c.id, c.reference")  # the contract's own query
    contract_with_service(contract, "rapid-response")
    after = create_ticket(contact, AFTER, service_area="azure")
    assert policy_of(after) == "ms-rapid-response"
