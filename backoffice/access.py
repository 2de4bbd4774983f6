"""Who may do what on the back-office pages (issue #6 §1, DECISIONS D15).

Model permissions come from the role groups (escalation/migrations/0002_provider_roles.py);
on top of them the second line works the tickets that are theirs: assigned to them or at the
second line. Everyone with view permission may read.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from contracts.staff_scope import staff_csam_only, staff_rows
from tickets.models import Ticket
from tickets.selectors import (
    SECOND_LINE_GROUP,
    WORK_GROUPS_BEYOND_ASSIGNMENT,
    ticket_workable,
)

# The rule of who works a ticket lives in tickets, so the API (beside the back-office) asks it too.
__all__ = [
    "SECOND_LINE_GROUP",
    "WORK_GROUPS_BEYOND_ASSIGNMENT",
    "csam_only",
    "require_perm",
    "staff_user",
    "ticket_workable",
    "tickets_in_scope",
]


def staff_user(request: HttpRequest) -> User:
    user = cast(AbstractBaseUser | AnonymousUser, request.user)
    if not user.is_authenticated or not getattr(user, "is_staff", False):
        raise PermissionDenied
    return cast(User, user)


def require_perm(request: HttpRequest, perm: str) -> User:
    user = staff_user(request)
    if not user.has_perm(perm):
        raise PermissionDenied
    return user


def csam_only(user: User) -> bool:
    """A customer success account manager without another provider role reads only what their
    contracts cover (issue #6 §1, issue #10 §5); the rule lives in contracts.staff_scope."""
    return staff_csam_only(user)


def tickets_in_scope(user: User, queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return staff_rows(user, queryset)
