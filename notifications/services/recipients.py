"""Who a mail goes to: a name, an address, the language the mail is written in, and the role
the person is told in (the reason they get it)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import CharField, Expression, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

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


def staff_language_column(email: str = "email") -> Expression:
    """The language of the address in the row's `email` column, as `staff_languages_by_email`
    finds it (the first active staff member with that address, case-insensitive, else the
    desk's default), for the row's own query: an escalation contact's language costs no query
    of its own."""
    profile = (
        StaffProfile.objects.filter(user__email__iexact=OuterRef(email), user__is_active=True)
        .exclude(user__email="")  # a contact with no address (a phone) is nobody's
        .order_by("user_id")
    )
    language = Subquery(profile.values("language")[:1], output_field=CharField())
    default = Value(str(settings.LANGUAGE_CODE), output_field=CharField())
    return Coalesce(NullIf(language, Value("")), default)


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
        f"WHERE u.is_active AND u.email <> '' AND "
    )


# A line's members, per process: (monotonic expiry, members). A change to users, their groups or
# their language in this process clears it at once (notifications.apps connects the signals);
# another process sees it within LINE_MEMBERS_CACHE_SECONDS. Every new ticket asks for them.
_LINE_MEMBERS: dict[str, tuple[float, list[StaffMember]]] = {}
LINE_MEMBERS_CACHE_SECONDS = 10.0


def line_members_cache_clear(**kwargs: Any) -> None:
    _LINE_MEMBERS.clear()


def _members(where: str, *params: int | str) -> list[StaffMember]:
    with connection.cursor() as cursor:
        cursor.execute(f"{_staff_members_sql()}{where} ORDER BY u.id", list(params))
        rows = cursor.fetchall()
    default = str(settings.LANGUAGE_CODE)
    return [
        StaffMember(pk, f"{first} {last}".strip() or username, email, language or default)
        for pk, username, first, last, email, language in rows
    ]


def _line_members(group_name: str) -> list[StaffMember]:
    cached = _LINE_MEMBERS.get(group_name)
    clock = time.monotonic()
    if cached is not None and cached[0] > clock:
        return cached[1]
    groups = get_user_model().groups.through._meta.db_table
    group = Group._meta.db_table
    members = _members(
        f"u.id IN (SELECT ug.user_id FROM {groups} ug JOIN {group} g ON g.id = ug.group_id "
        "WHERE g.name = %s)",
        group_name,
    )
    _LINE_MEMBERS[group_name] = (clock + LINE_MEMBERS_CACHE_SECONDS, members)
    return members


def staff_members(pks: Iterable[int]) -> dict[int, StaffMember]:
    """The active staff members with an address among `pks`, in one query."""
    wanted = sorted(set(pks))
    if not wanted:
        return {}
    members = _members(f"u.id IN ({', '.join(['%s'] * len(wanted))})", *wanted)
    return {member.pk: member for member in members}


def ticket_staff_recipients(ticket: Ticket, *, exclude: Any = None) -> list[StaffMember]:
    """Whose work the ticket is: its assignee, or the members of its line's group when nobody is
    assigned; active, with an address, never the person who made the change."""
    excluded = getattr(exclude, "pk", None)
    if ticket.assignee_id is not None:
        members = _members("u.id = %s", ticket.assignee_id)
    else:
        members = _line_members(LINE_GROUPS.get(ticket.line, LINE_GROUPS["first"]))
    return [member for member in members if member.pk != excluded]


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
