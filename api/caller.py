"""Who is calling (issue #12 §1): a provider's staff member or a customer's contact.

A token says it; a session (the project's own pages, the docs page) says it through its user.
Every view asks `caller_of(request)` once and hands the caller to the scope functions."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.request import Request

from contracts.models import ApiToken, Contact, TokenScope


@dataclass(frozen=True)
class Caller:
    user: User | None
    contact: Contact | None
    # A provider token's provider; None for a staff session (every provider the user sees).
    provider_id: int | None
    token: ApiToken | None
    can_write: bool

    @property
    def is_customer(self) -> bool:
        return self.contact is not None

    @property
    def is_staff(self) -> bool:
        return self.contact is None

    @property
    def customer_id(self) -> int | None:
        return self.contact.customer_id if self.contact is not None else None

    @property
    def key(self) -> str:
        """Stable per credential: scopes idempotency keys and rate limits."""
        if self.token is not None:
            return f"token:{self.token.pk}"
        return f"user:{self.user.pk if self.user else 0}"


def caller_of(request: Request) -> Caller:
    cached = getattr(request, "_api_caller", None)
    if cached is not None:
        return cached
    caller = _caller(request)
    request._api_caller = caller  # type: ignore[attr-defined]
    return caller


def _caller(request: Request) -> Caller:
    token = request.auth if isinstance(request.auth, ApiToken) else None
    if token is not None:
        return _token_caller(token)
    user = request.user
    if not user or not user.is_authenticated:
        raise NotAuthenticated()
    user = User.objects.get(pk=user.pk) if not isinstance(user, User) else user
    if user.is_staff and user.is_active:
        return Caller(user=user, contact=None, provider_id=None, token=None, can_write=True)
    contact = getattr(user, "contact", None)
    if contact is None:
        raise PermissionDenied(_("This account has no access to the API."))
    _contact_active_check(contact)
    return Caller(user=user, contact=contact, provider_id=None, token=None, can_write=True)


def _token_caller(token: ApiToken) -> Caller:
    can_write = token.scope == TokenScope.WRITE
    if token.contact is not None:
        _contact_active_check(token.contact)
        return Caller(
            user=token.contact.user,
            contact=token.contact,
            provider_id=None,
            token=token,
            can_write=can_write,
        )
    user = token.user
    if user is None or not (user.is_active and user.is_staff):
        raise PermissionDenied(_("The staff member of this token no longer has access."))
    return Caller(
        user=user, contact=None, provider_id=token.provider_id, token=token, can_write=can_write
    )


def _contact_active_check(contact: Contact) -> None:
    """D14: an inactive contact is refused with the message the portal and intake give."""
    if not contact.is_active:
        raise PermissionDenied(
            _("Contact %(email)s is inactive and cannot submit tickets.")
            % {"email": contact.email},
            code="contact_inactive",
        )
