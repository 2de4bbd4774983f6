"""Senior executive notifications on a critical situation (SPEC §3.10, ESC-15)."""

import pytest

from contracts.models import ContactRole, ContactRoleKind, EscalationContact
from escalation.exceptions import EscalationError
from escalation.services.executives import executives_offered, ticket_executives_notify
from notifications.models import OutboxEmail
from tests.factories import ContactFactory, ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket

pytestmark = pytest.mark.django_db

COO = "coo@microsoft.example"


def _critical(package: str = "performance", level: str = "critical"):
    contract = ContractFactory(provider_code="microsoft", package_code=package)
    EscalationContact.objects.create(
        contract=contract, level=2, role="Director of Support", name="Dirk de Wit", email=COO
    )
    return create_ticket(named_contact(contract), ams("2026-06-13 03:00"), priority_level=level)


def _role(ticket, role, email):
    contact = ContactFactory(customer=ticket.customer, email=email)
    ContactRole.objects.create(contact=contact, contract=ticket.contract, role=role)


def _notify(ticket, side, when="2026-06-13 03:30"):
    return ticket_executives_notify(
        ticket=ticket, side=side, actor=UserFactory(), note="Productie ligt plat", now=ams(when)
    )


def test_the_providers_executives_are_notified_once_and_it_is_recorded():
    ticket = _critical()
    event = _notify(ticket, "provider")
    assert event.kind == "executives_notified"
    assert event.data["recipients"] == [COO]
    assert event.actor_user is not None
    with pytest.raises(EscalationError):
        _notify(ticket, "provider", when="2026-06-13 04:00")
    rows = OutboxEmail.objects.filter(ticket=ticket, key__startswith="executives:")
    assert [r.to_email for r in rows] == [COO]
    assert "Productie ligt plat" in rows[0].body_text


def test_the_customers_senior_executives_are_told_or_else_the_support_services_manager():
    ticket = _critical()
    _role(ticket, ContactRoleKind.SUPPORT_SERVICES_MANAGER, "ssm@klant.example")
    _notify(ticket, "customer")
    other = _critical()
    _role(other, ContactRoleKind.SUPPORT_SERVICES_MANAGER, "ssm2@klant.example")
    _role(other, ContactRoleKind.SENIOR_EXECUTIVE, "ceo@klant.example")
    _notify(other, "customer")
    told = OutboxEmail.objects.filter(key__startswith="executives:").values_list(
        "ticket_id", "to_email"
    )
    assert sorted(told) == sorted(
        [(ticket.pk, "ssm@klant.example"), (other.pk, "ceo@klant.example")]
    )


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("package", "level", "side"),
    [("advanced", "critical", "provider"), ("advanced", "critical", "customer")],
)
def test_notifications_the_service_does_not_offer_are_refused(package, level, side):
    ticket = _critical(package, level)
    assert executives_offered(ticket) == []
    with pytest.raises(EscalationError, match="not part of the service"):
        _notify(ticket, side)
    assert not OutboxEmail.objects.filter(key__startswith="executives:").exists()


@pytest.mark.usefixtures("english")
def test_nobody_on_file_is_a_clear_refusal():
    ticket = _critical()
    with pytest.raises(EscalationError, match="names nobody with an email address"):
        _notify(ticket, "customer")
