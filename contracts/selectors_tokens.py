"""Reads of API tokens (issue #12 §1) for the pages that make and revoke them and for the
service's own checks: whose tokens a person may see, which providers a staff member may make a
token for, and which contacts a customer's token may be bound to.

A staff member sees their own tokens; with the permission to manage every token
(`MANAGE_ALL_PERMISSION`, the support coordinators' by backoffice.0003_api_token_roles) also the
other staff's tokens of the providers they see. A customer's support services manager sees the
organisation's tokens. Nobody ever reads `secret_hash` through these pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from contracts.models import ApiToken, Contact, ContactRole, Provider
from contracts.selectors import SUBMITTER_ROLES
from contracts.staff_scope import StaffUser, staff_rows

# Revoking is a change of the row; the admin's change page stays read-only all the same.
MANAGE_ALL_PERMISSION = "contracts.change_apitoken"

STATE_ACTIVE = "active"
STATE_EXPIRED = "expired"
STATE_REVOKED = "revoked"


def api_token_state(token: ApiToken, now: datetime) -> str:
    """Revoked wins over expired: a revoked token stays revoked whatever its date."""
    if token.revoked_at is not None:
        return STATE_REVOKED
    if token.expires_at <= now:
        return STATE_EXPIRED
    return STATE_ACTIVE


def api_token_state_label(state: str) -> str:
    labels = {
        STATE_ACTIVE: _("active"),
        STATE_EXPIRED: _("expired"),
        STATE_REVOKED: _("revoked"),
    }
    return labels[state]


@dataclass(frozen=True)
class TokenRow:
    """A token as the pages list it, with its state at the time of the request."""

    token: ApiToken
    state: str
    state_label: str


def api_token_rows(tokens: Iterable[ApiToken], now: datetime) -> list[TokenRow]:
    rows = []
    for token in tokens:
        state = api_token_state(token, now)
        rows.append(TokenRow(token, state, api_token_state_label(state)))
    return rows


def token_providers_for(user: StaffUser) -> QuerySet[Provider]:
    """The providers a staff member may make a token for: those they see (a CSAM-only user
    the providers of their own contracts)."""
    return staff_rows(user, Provider.objects.order_by("name"))


def token_contacts_for(customer_id: int) -> QuerySet[Contact]:
    """The contacts a customer's token may act as: the organisation's active named contacts
    and its support services manager (the people who may submit, D14)."""
    holders = ContactRole.objects.filter(role__in=SUBMITTER_ROLES).values("contact_id")
    return Contact.objects.filter(customer_id=customer_id, is_active=True, pk__in=holders).order_by(
        "name"
    )


def api_tokens_of_staff(user: User, *, everyone: bool = False) -> QuerySet[ApiToken]:
    """The staff member's own tokens; with `everyone` (and the permission) every staff
    member's tokens of the providers the user sees."""
    rows = ApiToken.objects.select_related("provider", "user", "created_by")
    if everyone and user.has_perm(MANAGE_ALL_PERMISSION):
        return rows.filter(provider__in=token_providers_for(user).values("pk"))
    return rows.filter(user=user)


def api_tokens_of_customer(customer_id: int) -> QuerySet[ApiToken]:
    """The organisation's tokens, whoever of it they are bound to."""
    return ApiToken.objects.select_related("contact", "created_by").filter(
        contact__customer_id=customer_id
    )
