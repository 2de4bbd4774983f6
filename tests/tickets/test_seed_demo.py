"""`manage.py seed_demo`: the demo data set is complete, idempotent and usable for logging in."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import RequestFactory

from contracts.models import (
    Contact,
    ContactRole,
    ContactRoleKind,
    Contract,
    Customer,
    Provider,
    RequestType,
    SlaTarget,
)
from tickets.demo.data import DEMO_PASSWORD, GROUPS
from tickets.models import Status, Ticket, TicketEvent, TicketMessage

pytestmark = pytest.mark.django_db

DEMO_NOW = "2026-11-21T12:00:00+01:00"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*extra: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--now", DEMO_NOW, *extra, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = (Customer, Contact, Contract, ContactRole, Ticket, TicketEvent, TicketMessage, Group)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["User"] = get_user_model().objects.count()
    return counts


def test_seed_demo_creates_tickets_in_every_status_for_every_provider():
    seed()

    assert Ticket.objects.count() >= 55
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Ticket.objects.values_list("provider__code", flat=True)) == set(
        Provider.objects.values_list("code", flat=True)
    )


def test_seed_demo_covers_every_incident_level_of_every_catalogue_policy():
    seed()

    used = set(
        Ticket.objects.filter(sla_policy__isnull=False).values_list(
            "sla_policy__code", "priority_level"
        )
    )
    offered = set(
        SlaTarget.objects.filter(
            policy__release__is_current=True, request_type=RequestType.INCIDENT
        ).values_list("policy__code", "level")
    )
    assert used == offered


def test_seed_demo_second_run_creates_nothing_and_says_so():
    seed()
    before = row_counts()

    output = seed()

    assert row_counts() == before
    assert "nothing changed" in output


def test_seed_demo_logins_prints_the_table_and_writes_nothing():
    before = row_counts()

    output = seed("--logins")

    assert row_counts() == before
    assert output.startswith("| Role | Username | Password | What they see |")
    assert "| coordinator | demo-pass-2026 |" in output


def test_every_demo_contact_can_log_in_with_the_demo_password():
    seed()

    contacts = list(Contact.objects.select_related("user"))

    assert len(contacts) >= 20
    assert all(
        c.user.username == c.email and c.user.check_password(DEMO_PASSWORD) for c in contacts
    )


def test_each_microsoft_contract_has_exactly_one_support_services_manager():
    seed()

    per_contract = [
        contract.contact_roles.filter(role=ContactRoleKind.SUPPORT_SERVICES_MANAGER).count()
        for contract in Contract.objects.filter(provider__code="microsoft")
    ]

    assert per_contract == [1, 1, 1]


def test_seed_demo_creates_the_provider_role_groups_and_staff():
    seed()

    assert set(Group.objects.values_list("name", flat=True)) >= set(GROUPS)
    coordinator = authenticate(
        RequestFactory().post("/admin/login/"), username="coordinator", password=DEMO_PASSWORD
    )
    assert not coordinator.is_superuser  # the demo shows the role as it is
    assert coordinator.has_perm("tickets.add_problem")
    assert coordinator.has_perm("contracts.change_businesscalendar")
    assert authenticate(
        RequestFactory().post("/admin/login/"), username="firstline", password=DEMO_PASSWORD
    ).has_perm("tickets.change_ticket")
