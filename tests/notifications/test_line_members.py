"""Whose work a new ticket is (its line's group) is cached per process; a change to the staff
in this process is seen at once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from notifications.models import OutboxEmail, StaffProfile
from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket

pytestmark = pytest.mark.django_db


def _notified(ticket) -> set[str]:
    rows = OutboxEmail.objects.filter(key__startswith=f"staff:created:{ticket.pk}:")
    return set(rows.values_list("to_email", flat=True))


def test_a_new_member_of_the_line_hears_of_the_next_ticket() -> None:
    contact = named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))
    first_line, _ = Group.objects.get_or_create(name="First line")
    anna = UserFactory(username="anna", email="anna@provider.example")
    anna.groups.add(first_line)
    first = create_ticket(contact, ams("2026-06-01 09:00"))
    assert _notified(first) == {"anna@provider.example"}
    bert = UserFactory(username="bert", email="bert@provider.example")
    bert.groups.add(first_line)
    anna.groups.remove(first_line)
    second = create_ticket(contact, ams("2026-06-01 09:05"))
    assert _notified(second) == {"bert@provider.example"}


def test_a_changed_language_is_used_at_once() -> None:
    contact = named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))
    bert = UserFactory(username="bert", email="bert@provider.example")
    bert.groups.add(Group.objects.get_or_create(name="First line")[0])
    create_ticket(contact, ams("2026-06-01 09:00"))
    StaffProfile.objects.create(user=bert, language="en")
    ticket = create_ticket(contact, ams("2026-06-01 09:05"))
    row = OutboxEmail.objects.get(key__startswith=f"staff:created:{ticket.pk}:")
    assert row.language == "en"
