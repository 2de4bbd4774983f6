"""API tokens (issue #12 §1): made, checked and revoked here, for the back-office, the portal
and the API alike. The raw token is returned once by `api_token_create` and never stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from contracts.exceptions import ContractsError
from contracts.joined import joined_fetch, joined_select
from contracts.models import (
    ApiToken,
    Contact,
    ContactRole,
    ContactRoleKind,
    Customer,
    Provider,
    TokenScope,
)
from contracts.selectors_tokens import (
    STATE_ACTIVE,
    api_token_state,
    token_contacts_for,
    token_providers_for,
)

TOKEN_PREFIX = "sd"
MAX_LIFETIME = timedelta(days=366)
# A token's last use is written at most this often: no row written per call of a busy client.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenRefused(ContractsError):
    code = "token_refused"


@dataclass(frozen=True)
class TokenCreateInput:
    name: str
    scope: str
    expires_at: datetime
    created_by: User
    provider: Provider | None = None
    contact: Contact | None = None


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _validate(data: TokenCreateInput, now: datetime) -> None:
    if not data.name.strip():
        raise TokenRefused(_("Give the token a name."))
    if data.scope not in TokenScope.values:
        raise TokenRefused(_("Choose the scope: read, or read and write."))
    if data.expires_at <= now:
        raise TokenRefused(_("The expiry date must lie in the future."))
    if data.expires_at > now + MAX_LIFETIME:
        raise TokenRefused(_("A token is valid for at most a year."))
    if (data.provider is None) == (data.contact is None):
        raise TokenRefused(_("A token belongs to a provider or to a contact."))


def _customer_manager_check(creator: User, contact: Contact) -> None:
    """D15: only the customer's support services manager makes tokens, for its own people."""
    manager: Contact | None = getattr(creator, "contact", None)
    if not (
        manager is not None
        and manager.is_active
        and ContactRole.objects.filter(
            contact=manager, role=ContactRoleKind.SUPPORT_SERVICES_MANAGER
        ).exists()
    ):
        raise TokenRefused(_("Only the support services manager can make API tokens."))
    if contact.customer_id != manager.customer_id:
        raise TokenRefused(_("Choose a contact of your own organisation."))
    if not contact.is_active:
        raise TokenRefused(_("This contact is inactive."))
    # The page offers exactly these contacts (one definition for the choice and the rule).
    if not token_contacts_for(manager.customer_id).filter(pk=contact.pk).exists():
        raise TokenRefused(_("A token is bound to a named contact; this contact is not one."))


def _provider_staff_check(creator: User, provider: Provider) -> None:
    """A provider token acts as its maker, for a provider the maker works with (a CSAM-only
    user: the providers of their own contracts)."""
    if not (creator.is_active and creator.is_staff):
        raise TokenRefused(_("Only provider staff can make provider tokens."))
    if not token_providers_for(creator).filter(pk=provider.pk).exists():
        raise TokenRefused(_("Choose a provider you work for."))


@transaction.atomic
def api_token_create(*, data: TokenCreateInput, now: datetime) -> tuple[ApiToken, str]:
    """A new token and its raw value (shown once)."""
    _validate(data, now)
    if data.provider is not None:
        _provider_staff_check(data.created_by, data.provider)
    elif data.contact is not None:
        _customer_manager_check(data.created_by, data.contact)
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=data.name.strip()[:100],
        prefix=prefix,
        secret_hash=_hash(raw),
        scope=data.scope,
        provider=data.provider,
        user=data.created_by if data.provider is not None else None,
        contact=data.contact,
        created_by=data.created_by,
        created_at=now,
        expires_at=data.expires_at,
    )
    return token, raw


def api_token_revoke(*, token: ApiToken, now: datetime) -> ApiToken:
    """Revoked at once; revoking twice keeps the first time."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
    token.refresh_from_db(fields=["revoked_at"])
    return token


# The rows a token lookup reads (contracts.joined), by their alias in its query.
_OWNER: dict[str, type[Model]] = {"t": ApiToken, "u": User, "c": Contact, "k": Customer, "cu": User}


def _token_with_owner(prefix: str) -> ApiToken | None:
    """Every API request asks this: one unique-index lookup with what the caller needs (its
    staff member; or its contact, the contact's customer and login; the provider by id only)."""
    sql = (
        f"SELECT {joined_select(_OWNER)} FROM {ApiToken._meta.db_table} t "
        f"LEFT JOIN {User._meta.db_table} u ON u.id = t.user_id "
        f"LEFT JOIN {Contact._meta.db_table} c ON c.id = t.contact_id "
        f"LEFT JOIN {Customer._meta.db_table} k ON k.id = c.customer_id "
        f"LEFT JOIN {User._meta.db_table} cu ON cu.id = c.user_id "
        "WHERE t.prefix = %s"
    )
    found = joined_fetch(sql, [prefix], _OWNER)
    if not found:
        return None
    rows = found[0][0]
    token: ApiToken = rows["t"]
    token.user = rows["u"]
    contact = rows["c"]
    if contact is not None:
        contact.customer = rows["k"]
        contact.user = rows["cu"]
    token.contact = contact
    return token


def api_token_find(raw: str, *, now: datetime) -> ApiToken | None:
    """The live token with this raw value, or None (unknown, wrong secret, revoked, expired,
    or its staff member no longer active). Notes its use at minute precision."""
    # The secret is URL-safe base64, which has "_" too: split off the two leading parts only.
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1].isalnum():
        return None
    token = _token_with_owner(parts[1])
    if token is None:
        return None
    if not hmac.compare_digest(token.secret_hash, _hash(raw)):
        return None
    if api_token_state(token, now) != STATE_ACTIVE:
        return None
    # A provider token acts as its staff member: it stops when they leave (inactive, no longer
    # staff). A contact's token is found; the API refuses an inactive contact with the portal's
    # own message.
    if token.user is not None and not (token.user.is_active and token.user.is_staff):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
