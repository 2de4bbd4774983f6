"""Remote-access grants (SPEC SEC-04, SEC-09; D17): the customer's support services manager
grants the provider's engineers access to one system until a moment, and revokes it.

Granting is serialised per customer (a row lock on the customer), so a form sent twice cannot
record the same access twice: an identical active grant (same system, same scope) is refused
with its end. Revoking is a compare-and-set on `revoked_at IS NULL AND expires_at > now`:
two revocations racing (two tabs, an API retry without its Idempotency-Key) record one, and the
second is told when and by whom it was revoked. Every change is logged without the scope's text
on the `contracts.access` logger; the grant rows themselves are never edited or deleted, so
they remain the record of who allowed what, when.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from contracts.exceptions import ContractsError
from contracts.models import Contact, Contract, Customer, GrantState, RemoteAccessGrant
from contracts.selectors_access import (
    GRANT_MAX_DAYS,
    contact_may_grant_access,
    grant_state_words,
)
from contracts.text import display_line

logger = logging.getLogger("contracts.access")

SYSTEM_MAX = 200
SCOPE_MAX = 500
REASON_MAX = 500


class RemoteAccessRefused(ContractsError):
    """A grant or a revocation was refused; `field` names the input at fault, if one is."""

    code = "remote_access_refused"

    def __init__(self, message: str, *, field: str = "") -> None:
        self.field = field
        super().__init__(message)


def _when(moment: datetime) -> str:
    return date_format(localtime(moment), "j F Y H:i")


def _aware(**moments: datetime) -> None:
    for name, moment in moments.items():
        if timezone.is_naive(moment):
            raise ValueError(f"{name} must be an aware datetime (D2)")


def _text(value: str, *, field: str, limit: int, missing: str) -> str:
    cleaned = display_line(value)
    if not cleaned:
        raise RemoteAccessRefused(missing, field=field)
    if len(cleaned) > limit:
        raise RemoteAccessRefused(
            _("Use at most %(limit)s characters.") % {"limit": limit}, field=field
        )
    return cleaned


def _expiry_check(expires_at: datetime, now: datetime) -> None:
    if expires_at <= now:
        raise RemoteAccessRefused(_("The access must end in the future."), field="expires_at")
    latest = now + timedelta(days=GRANT_MAX_DAYS)
    if expires_at > latest:
        raise RemoteAccessRefused(
            _(
                "Access is granted for at most %(days)s days at a time: until %(latest)s at "
                "the latest. Grant it again when it runs out."
            )
            % {"days": GRANT_MAX_DAYS, "latest": _when(latest)},
            field="expires_at",
        )


@transaction.atomic
def remote_access_grant(
    *,
    contact: Contact,
    system: str,
    scope: str,
    expires_at: datetime,
    now: datetime,
    contract: Contract | None = None,
) -> RemoteAccessGrant:
    """The manager allows the provider's engineers into `system` for `scope` until
    `expires_at` (at most GRANT_MAX_DAYS ahead), optionally for one of its contracts."""
    _aware(now=now, expires_at=expires_at)
    if not contact_may_grant_access(contact):
        raise RemoteAccessRefused(
            _("Only your organisation's support services manager can grant remote access.")
        )
    system = _text(system, field="system", limit=SYSTEM_MAX, missing=_("Name the system or host."))
    scope = _text(
        scope, field="scope", limit=SCOPE_MAX, missing=_("Say what our engineers may do.")
    )
    _expiry_check(expires_at, now)
    if contract is not None and contract.customer_id != contact.customer_id:
        raise RemoteAccessRefused(_("That contract is not your organisation's."), field="contract")
    Customer.objects.select_for_update().filter(pk=contact.customer_id).first()
    same = (
        RemoteAccessGrant.objects.active(now)
        .filter(customer_id=contact.customer_id, system__iexact=system, scope__iexact=scope)
        .first()
    )
    if same is not None:
        raise RemoteAccessRefused(
            _(
                "%(system)s already has this access until %(when)s. Revoke that grant first "
                "to give it another end."
            )
            % {"system": same.system, "when": _when(same.expires_at)}
        )
    grant = RemoteAccessGrant.objects.create(
        customer_id=contact.customer_id,
        contract=contract,
        system=system,
        scope=scope,
        granted_by=contact,
        granted_at=now,
        expires_at=expires_at,
    )
    logger.info(
        "remote access granted: grant %s, customer %s, contact %s, until %s",
        grant.pk,
        grant.customer_id,
        contact.pk,
        expires_at.isoformat(),
    )
    return grant


def _revoker(grant: RemoteAccessGrant, by: Contact | User) -> dict[str, object]:
    """Who revokes: the customer's manager, or a member of the provider's staff."""
    if isinstance(by, Contact):
        if by.customer_id != grant.customer_id or not contact_may_grant_access(by):
            raise RemoteAccessRefused(
                _("Only your organisation's support services manager can revoke remote access.")
            )
        return {"revoked_by_contact": by}
    if not (by.is_active and by.is_staff):
        raise RemoteAccessRefused(_("Only the provider's staff can revoke this access."))
    return {"revoked_by_user": by}


@transaction.atomic
def remote_access_revoke(
    *, grant: RemoteAccessGrant, by: Contact | User, now: datetime, reason: str = ""
) -> RemoteAccessGrant:
    """Ends an active grant at once. A grant revoked or expired before is refused with when
    (and by whom), and nothing is written twice."""
    _aware(now=now)
    who = _revoker(grant, by)
    reason = display_line(reason)[:REASON_MAX]
    done = RemoteAccessGrant.objects.filter(
        pk=grant.pk, revoked_at__isnull=True, expires_at__gt=now
    ).update(revoked_at=now, revoke_reason=reason, **who)
    grant = RemoteAccessGrant.objects.select_related("revoked_by_contact", "revoked_by_user").get(
        pk=grant.pk
    )
    if not done:
        raise _already_ended(grant, now)
    logger.info(
        "remote access revoked: grant %s, customer %s, by %s %s",
        grant.pk,
        grant.customer_id,
        "contact" if isinstance(by, Contact) else "user",
        by.pk,
    )
    return grant


def _already_ended(grant: RemoteAccessGrant, now: datetime) -> RemoteAccessRefused:
    if grant.state(now) == GrantState.REVOKED:
        return RemoteAccessRefused(
            _("This access was revoked already. %(state)s")
            % {"state": grant_state_words(grant, now)}
        )
    return RemoteAccessRefused(
        _("This access has run out already: it needs no revoking. %(state)s")
        % {"state": grant_state_words(grant, now)}
    )
