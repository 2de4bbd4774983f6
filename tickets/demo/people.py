"""Provider-side role groups and staff users, and the demo login table."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from tickets.demo.data import (
    CUSTOMERS,
    DEMO_PASSWORD,
    GROUPS,
    OTHER_CONTACTS_ROW,
    SSM,
    STAFF,
    ContactSpec,
    contact_email,
)


def groups_ensure(counts: Counter[str]) -> None:
    """The provider-side role groups (D15); missing ones are added, without permissions.

    The groups and their permissions come from the migration `escalation.0002_provider_roles`;
    this only brings back a group that was deleted (or flushed) so the staff users have their
    group. `migrate escalation 0001 && migrate escalation` restores the permissions.
    """
    for name in GROUPS:
        _, created = Group.objects.get_or_create(name=name)
        counts["groups"] += created


def staff_ensure(password_hash: str) -> int:
    """The demo staff users that are missing, each in their group; returns how many."""
    user_model = get_user_model()
    created = 0
    for spec in STAFF:
        if user_model.objects.filter(username=spec.username).exists():
            continue
        first, _, last = spec.name.partition(" ")
        user = user_model(
            username=spec.username,
            email=f"{spec.username}@servicedesk.example",
            first_name=first,
            last_name=last,
            is_staff=True,
            is_superuser=spec.superuser,
        )
        user.password = (
            password_hash if spec.password == DEMO_PASSWORD else make_password(spec.password)
        )
        user.save()
        if spec.group:
            user.groups.add(Group.objects.get(name=spec.group))
        created += 1
    return created


def logins_table() -> str:
    """The demo logins as a markdown table (the README lists the same table)."""
    rows = [("Role", "Username", "Password", "What they see")]
    rows += [(s.group or "Administrator", s.username, s.password, s.sees) for s in STAFF]
    for customer in CUSTOMERS:
        rows += [
            (_contact_role_label(c), contact_email(c.key, customer.domain), DEMO_PASSWORD, c.sees)
            for c in customer.contacts
            if c.sees
        ]
    rows.append(OTHER_CONTACTS_ROW)
    lines = [f"| {' | '.join(row)} |" for row in rows]
    lines.insert(1, "|---|---|---|---|")
    return "\n".join(lines)


def _contact_role_label(contact: ContactSpec) -> str:
    if not contact.active:
        return "Customer: inactive contact"
    if contact.role is None:
        return "Customer: no named-contact role"
    return "Customer: " + ("support services manager" if contact.role == SSM else "named contact")
