"""Who may share a ticket with the customer's colleagues, or stop sharing it (D15)."""

from __future__ import annotations

import pytest

from contracts.models import ContactRole, ContactRoleKind
from tests.factories import ContactFactory, ContractFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import Ticket, TicketEvent
from tickets.services.sharing import SharingNotAllowed, ticket_sharing_set

pytestmark = pytest.mark.django_db

NOW = ams("2026-06-01 10:00")
LATER = ams("2026-06-01 11:00")


@pytest.fixture
def contract():
    return ContractFactory(provider_code="onitnow", package_code="ons")


@pytest.fixture
def ticket(contract):
    return create_ticket(named_contact(contract), NOW, shared_with_organisation=True)


def _manager(contract):
    contact = ContactFactory(customer=contract.customer)
    ContactRole.objects.create(
        contact=contact, contract=contract, role=ContactRoleKind.SUPPORT_SERVICES_MANAGER
    )
    return contact


def test_the_tickets_own_contact_stops_sharing_and_it_is_logged(ticket):
    ticket_sharing_set(ticket=ticket, shared=False, contact=ticket.contact, now=LATER)
    assert Ticket.objects.get(pk=ticket.pk).shared_with_organisation is False
    event = TicketEvent.objects.get(ticket=ticket, kind="sharing_changed")
    assert (event.actor_contact, event.data, event.created_at) == (
        ticket.contact,
        {"shared": False},
        LATER,
    )


def test_the_support_services_manager_of_the_contract_may_change_it(contract, ticket):
    ticket_sharing_set(ticket=ticket, shared=False, contact=_manager(contract), now=LATER)
    assert Ticket.objects.get(pk=ticket.pk).shared_with_organisation is False


@pytest.mark.usefixtures("english")
def test_a_colleague_who_sees_the_shared_ticket_may_not_change_it(contract, ticket):
    colleague = named_contact(contract)
    with pytest.raises(SharingNotAllowed, match="support services manager"):
        ticket_sharing_set(ticket=ticket, shared=False, contact=colleague, now=LATER)
    assert Ticket.objects.get(pk=ticket.pk).shared_with_organisation is True
    assert not TicketEvent.objects.filter(ticket=ticket, kind="sharing_changed").exists()


def test_the_manager_of_another_contract_may_not_change_it(contract, ticket):
    other = ContractFactory(customer=contract.customer, provider_code="cbg", package_code="extra")
    with pytest.raises(SharingNotAllowed):
        ticket_sharing_set(ticket=ticket, shared=False, contact=_manager(other), now=LATER)


def test_someone_of_another_organisation_may_not_change_it(ticket):
    stranger = _manager(ContractFactory())
    with pytest.raises(SharingNotAllowed):
        ticket_sharing_set(ticket=ticket, shared=False, contact=stranger, now=LATER)


def test_an_unchanged_choice_writes_no_event(ticket):
    ticket_sharing_set(ticket=ticket, shared=True, contact=ticket.contact, now=LATER)
    assert not TicketEvent.objects.filter(ticket=ticket, kind="sharing_changed").exists()


def test_a_new_ticket_takes_the_contracts_default(contract):
    contract.tickets_shared_by_default = False
    contract.save(update_fields=["tickets_shared_by_default"])
    assert create_ticket(named_contact(contract), NOW).shared_with_organisation is False
