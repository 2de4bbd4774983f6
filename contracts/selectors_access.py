"""Reads of remote-access grants (SPEC SEC-04; D17): who may grant them, a customer's grants as
the portal, the work page and the API list them, and the words for a grant's state.

The state itself (active, expired, revoked) is defined once, on the model
(`contracts.models.access`); everything here builds on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from contracts.models import Contact, GrantState, RemoteAccessGrant
from contracts.models.access import RemoteAccessGrantQuerySet
from contracts.selectors import contact_is_manager

# How far ahead a grant may run: access is asked for a piece of work, not for good.
GRANT_MAX_DAYS = 90
# Ended grants the work page still shows, newest first: what ran out recently explains a
# refused login; older history is in the admin's list.
ENDED_ON_WORK_PAGE = 5


def contact_may_grant_access(contact: Contact) -> bool:
    """The customer's active support services manager grants and revokes remote access."""
    return contact.is_active and contact_is_manager(contact)


def remote_access_grants_of(customer_id: int) -> RemoteAccessGrantQuerySet:
    return RemoteAccessGrant.objects.filter(customer_id=customer_id).select_related(
        "contract", "granted_by", "revoked_by_contact", "revoked_by_user"
    )


def _when(moment: datetime) -> str:
    return date_format(localtime(moment), "j F Y H:i")


def grant_state_words(grant: RemoteAccessGrant, now: datetime) -> str:
    """What a person reads about the grant's state: active with the time left, expired since
    when, revoked when and by whom."""
    state = grant.state(now)
    if state == GrantState.REVOKED:
        assert grant.revoked_at is not None
        who = grant.revoked_by_contact or grant.revoked_by_user
        if who is None:
            return _("Revoked on %(when)s.") % {"when": _when(grant.revoked_at)}
        return _("Revoked on %(when)s by %(who)s.") % {
            "when": _when(grant.revoked_at),
            "who": _person(who),
        }
    if state == GrantState.EXPIRED:
        return _("Expired on %(when)s.") % {"when": _when(grant.expires_at)}
    return grant_time_left(grant.expires_at, now)


def grant_time_left(expires_at: datetime, now: datetime) -> str:
    """'Active until ...' with the whole days left; on its last day, the time it ends."""
    ends, today = localtime(expires_at), localtime(now)
    if ends.date() == today.date():
        return _("Active until today %(time)s.") % {"time": date_format(ends, "H:i")}
    days = (ends.date() - today.date()).days
    return _("Active until %(when)s (days left: %(days)s).") % {
        "when": _when(expires_at),
        "days": days,
    }


def _person(who: object) -> str:
    name = getattr(who, "name", None)
    if name:
        return str(name)
    full = getattr(who, "get_full_name", lambda: "")()
    return str(full or getattr(who, "get_username", lambda: "")())


@dataclass(frozen=True)
class GrantRow:
    grant: RemoteAccessGrant
    state: str
    words: str

    @property
    def is_active(self) -> bool:
        return self.state == GrantState.ACTIVE

    @property
    def state_label(self) -> str:
        return str(GrantState(self.state).label)


def grant_rows(grants: QuerySet[RemoteAccessGrant], now: datetime) -> list[GrantRow]:
    return [GrantRow(g, g.state(now), grant_state_words(g, now)) for g in grants]


@dataclass(frozen=True)
class GrantPanel:
    """The work page's panel: every active grant, and the few that ended last."""

    active: list[GrantRow]
    ended: list[GrantRow]


def remote_access_panel(customer_id: int, now: datetime) -> GrantPanel:
    grants = remote_access_grants_of(customer_id)
    active = grants.active(now).order_by("expires_at", "pk")
    ended = grants.ended(now).order_by(Coalesce("revoked_at", "expires_at").desc(), "-pk")
    return GrantPanel(
        active=grant_rows(active, now), ended=grant_rows(ended[:ENDED_ON_WORK_PAGE], now)
    )
