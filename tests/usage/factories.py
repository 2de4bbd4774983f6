"""Factories and helpers of the usage tests: contract rates, time entries, coordinators."""

from datetime import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from tests.factories import ContractFactory, UserFactory
from tickets.models import Ticket, TimeEntry
from usage.models import ContractBilling


class ContractBillingFactory(factory.django.DjangoModelFactory):
    """Rates of a quote: 90.00 an hour, 0.40 a km, 7.50 a licence a month for 12 licences."""

    class Meta:
        model = ContractBilling

    contract = factory.SubFactory(ContractFactory, provider_code="cbg", package_code="basis")
    hourly_rate = Decimal("90.00")
    km_rate = Decimal("0.40")
    licence_fee = Decimal("7.50")
    licence_count = 12
    new_licence_fee = Decimal("25.00")


def work(ticket: Ticket, start: datetime, minutes: int, category: str = "in_subscription", **kw):
    """A time entry written directly (the categories of issue #14 before tickets validates them)."""
    return TimeEntry.objects.create(
        ticket=ticket,
        user=kw.pop("user", None) or UserFactory(),
        started_at=start,
        minutes=minutes,
        category=category,
        created_at=start,
        **kw,
    )


def coordinator():
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name="Support coordinator")[0])
    return user
