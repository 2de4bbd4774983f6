"""Who a mail goes to: a name, an address, the language the mail is written in, and the role
the person is told in (the reason they get it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
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


def ticket_staff_recipients(ticket: Ticket, *, exclude: Any = None) -> list[Any]:
    """Whose work the ticket is: its assignee, or the members of its line's group when nobody is
    assigned; active, with an address, never the person who made the change."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if ticket.assignee_id is not None:
        users = users.filter(pk=ticket.assignee_id)
    else:
        users = users.filter(groups__name=LINE_GROUPS.get(ticket.line, LINE_GROUPS["first"]))
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return list(users.select_related("staff_profile").distinct().order_by("pk"))


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
