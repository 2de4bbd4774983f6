"""Who a mail goes to: a name, an address, the language the mail is written in, and the role
the person is told in (the reason they get it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import Q

from notifications.models import StaffProfile
from tickets.models import Ticket

# The staff group told of configuration problems, alerts and refused escalation mails.
COORDINATOR_GROUP = "Support coordinator"


@dataclass(frozen=True)
class Recipient:
    role: str
    name: str
    email: str
    language: str = "nl"

    def as_json(self) -> dict[str, str]:
        return {
            "role": self.role,
            "name": self.name,
            "email": self.email,
            "language": self.language,
        }


def staff_language(user: Any) -> str:
    """The language a staff member's mails and pages are written in (issue #11 §2, D16): their
    own preference, else the desk's default (Dutch). Reads `user.staff_profile`, so a caller
    that loads many users selects it along."""
    try:
        profile = user.staff_profile
    except (ObjectDoesNotExist, AttributeError):
        return str(settings.LANGUAGE_CODE)
    return str(profile.language or settings.LANGUAGE_CODE)


def staff_languages_by_email(emails: Iterable[str]) -> dict[str, str]:
    """The language of each address that belongs to an active staff member with a preference
    (escalation contacts are addresses, not users); lower-cased keys. One query."""
    wanted = {e.lower() for e in emails if e}
    if not wanted:
        return {}
    matches = Q()
    for email in sorted(wanted):
        matches |= Q(user__email__iexact=email)
    rows = (
        StaffProfile.objects.filter(matches, user__is_active=True)
        .order_by("user_id")
        .values_list("user__email", "language")
    )
    found: dict[str, str] = {}
    for email, language in rows:
        found.setdefault(email.lower(), language or settings.LANGUAGE_CODE)
    return found


# The staff groups of the two lines: a ticket nobody is assigned to is their work.
LINE_GROUPS = {"first": "First line", "second": "Second line"}


def staff_recipient(user: Any, role: str) -> Recipient:
    return Recipient(
        role, user.get_full_name() or user.get_username(), user.email, staff_language(user)
    )


@dataclass(frozen=True)
class StaffMember:
    """A staff member to write to: enough to address and word the mail."""

    pk: int
    name: str
    email: str
    language: str

    def recipient(self, role: str) -> Recipient:
        return Recipient(role, self.name, self.email, self.language)


def _staff_members_sql() -> str:
    user = get_user_model()._meta.db_table
    profile = StaffProfile._meta.db_table
    return (
        f"SELECT u.id, u.username, u.first_name, u.last_name, u.email, p.language "
        f"FROM {user} u LEFT JOIN {profile} p ON p.user_id = u.id "
        f"WHERE u.is_active AND u.email <> '' AND u.id <> %s AND "
    )


def ticket_staff_recipients(ticket: Ticket, *, exclude: Any = None) -> list[StaffMember]:
    """Whose work the ticket is: its assignee, or the members of its line's group when nobody is
    assigned; active, with an address, never the person who made the change. One plain query:
    it runs with every new ticket and every customer reply (bench_ticket_create)."""
    excluded = getattr(exclude, "pk", None) or 0
    param: int | str
    if ticket.assignee_id is not None:
        where, param = "u.id = %s", ticket.assignee_id
    else:
        groups = get_user_model().groups.through._meta.db_table
        group = Group._meta.db_table
        where = (
            f"u.id IN (SELECT ug.user_id FROM {groups} ug JOIN {group} g ON g.id = ug.group_id "
            "WHERE g.name = %s)"
        )
        param = LINE_GROUPS.get(ticket.line, LINE_GROUPS["first"])
    with connection.cursor() as cursor:
        cursor.execute(f"{_staff_members_sql()}{where} ORDER BY u.id", [excluded, param])
        rows = cursor.fetchall()
    default = str(settings.LANGUAGE_CODE)
    return [
        StaffMember(pk, f"{first} {last}".strip() or username, email, language or default)
        for pk, username, first, last, email, language in rows
    ]


def coordinators() -> list[Any]:
    """The active support coordinators with an address, with their language preference."""
    users = (
        get_user_model()
        .objects.filter(groups__name=COORDINATOR_GROUP, is_active=True)
        .exclude(email="")
        .select_related("staff_profile")
        .distinct()
        .order_by("pk")
    )
    return list(users)
