"""Remote-access grants (SPEC SEC-04, SEC-09; D17): the customer's written permission for the
provider's engineers to examine one of its systems, per customer system, with an expiry.

Staff examine only systems the customer has authorised, so an engineer opens a remote session
only against an active grant. A grant is never edited or deleted: it runs out at `expires_at`
or is revoked (who, when, why), and the rows stay as the record of who allowed what and when.

Its state is derived from time, never stored, and defined once, here: `RemoteAccessGrant.state`
for one row and the queryset's `active` / `expired` / `revoked` for many (the same conditions).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from contracts.models.agreements import Contract
from contracts.models.parties import Contact, Customer


class GrantState(models.TextChoices):
    ACTIVE = "active", _("active")
    EXPIRED = "expired", _("expired")
    REVOKED = "revoked", _("revoked")


def _active(now: datetime) -> Q:
    return Q(revoked_at__isnull=True, expires_at__gt=now)


def _expired(now: datetime) -> Q:
    return Q(revoked_at__isnull=True, expires_at__lte=now)


class RemoteAccessGrantQuerySet(models.QuerySet["RemoteAccessGrant"]):
    def active(self, now: datetime) -> RemoteAccessGrantQuerySet:
        return self.filter(_active(now))

    def expired(self, now: datetime) -> RemoteAccessGrantQuerySet:
        return self.filter(_expired(now))

    def revoked(self) -> RemoteAccessGrantQuerySet:
        return self.filter(revoked_at__isnull=False)

    def ended(self, now: datetime) -> RemoteAccessGrantQuerySet:
        """Expired or revoked: everything that is not active."""
        return self.exclude(_active(now))

    def in_state(self, state: str, now: datetime) -> RemoteAccessGrantQuerySet:
        if state == GrantState.ACTIVE:
            return self.active(now)
        if state == GrantState.EXPIRED:
            return self.expired(now)
        return self.revoked()


class RemoteAccessGrant(models.Model):
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="remote_access_grants",
        verbose_name=_("customer"),
    )
    # The contract the access serves, when the customer named one.
    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remote_access_grants",
        verbose_name=_("contract"),
    )
    system = models.CharField(_("system"), max_length=200)
    scope = models.CharField(_("what may be done"), max_length=500)
    granted_by = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="+", verbose_name=_("granted by")
    )
    granted_at = models.DateTimeField(_("granted at"))
    expires_at = models.DateTimeField(_("until"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by_contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by (customer)"),
    )
    revoked_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by (staff)"),
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=500, blank=True)

    objects = RemoteAccessGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-granted_at", "-pk"]
        verbose_name = _("remote-access grant")
        verbose_name_plural = _("remote-access grants")
        indexes = [
            models.Index(fields=["customer", "expires_at"], name="grant_customer_expiry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("granted_at")), name="grant_expires_after_granted"
            ),
            models.CheckConstraint(
                condition=Q(revoked_by_contact__isnull=True) | Q(revoked_by_user__isnull=True),
                name="grant_revoked_by_one",
            ),
        ]

    def __str__(self) -> str:
        return self.system

    def state(self, now: datetime) -> str:
        """The one definition for a row; the queryset's filters say the same."""
        if self.revoked_at is not None:
            return str(GrantState.REVOKED)
        if self.expires_at <= now:
            return str(GrantState.EXPIRED)
        return str(GrantState.ACTIVE)
