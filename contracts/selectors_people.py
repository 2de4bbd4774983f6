"""The people a back-office form may pick. Every contact invited to the portal has a login, so a
choice among all users grows with the customers; these grow with the provider's staff, or hold
only the logins no contact has yet (issue #16: no page loads a whole table into Python)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from contracts.models import Contact


def staff_choices(*, keep: int | None = None) -> QuerySet[User]:
    """Active provider staff, and the person already chosen (`keep`), so a form showing someone
    who has left still saves unchanged."""
    return User.objects.filter(Q(is_staff=True, is_active=True) | Q(pk=keep)).order_by("username")


def contact_login_choices(contact: Contact) -> QuerySet[User]:
    """The logins a contact may be linked to: its own, and customer logins no contact holds
    (staff never log in to the portal)."""
    free = Q(is_staff=False, contact__isnull=True)
    return User.objects.filter(free | Q(pk=contact.user_id)).order_by("username")
