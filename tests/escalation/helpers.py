"""Helpers for escalation tests: sweep at a moment, read the outbox."""

from datetime import datetime

from django.contrib.auth.models import Group

from escalation.models import Escalation
from escalation.services.sweep import escalation_sweep
from notifications.models import OutboxEmail
from tests.factories import UserFactory
from tests.tickets.helpers import ams


def sweep(when: str) -> int:
    return escalation_sweep(now=ams(when)).fired


def coordinator(email: str = "coordinator@provider.example"):
    user = UserFactory(username="coordinator", email=email)
    group, _ = Group.objects.get_or_create(name="Support coordinator")
    user.groups.add(group)
    return user


def fired(ticket) -> list[tuple[int, str]]:
    return list(
        Escalation.objects.filter(ticket=ticket)
        .order_by("raised_at", "level", "reason")
        .values_list("level", "reason")
    )


def mail(ticket) -> list[tuple[str, str]]:
    """(recipient, key kind) of every outbox row of the ticket, in order."""
    return [
        (row.to_email, row.key.split(":")[0])
        for row in OutboxEmail.objects.filter(ticket=ticket).order_by("created_at", "pk")
    ]


def at(value: datetime) -> str:
    return value.isoformat()
