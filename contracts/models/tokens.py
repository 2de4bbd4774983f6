"""API tokens (issue #12 §1): who may call the REST API, and for whom.

A token belongs either to a provider (made by a staff member in the back-office, acting as that
staff member, for that provider's customers) or to a customer's named contact (made by the
customer's support services manager in the portal; it sees what that contact sees). The secret
is shown once and only its SHA-256 is stored: a token is 32 random bytes, so a slow password hash
adds nothing. `prefix` finds the row; the hash comparison is constant-time.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TokenScope(models.TextChoices):
    READ = "read", _("read")
    WRITE = "write", _("read and write")


class ApiToken(models.Model):
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    scope = models.CharField(
        _("scope"), max_length=10, choices=TokenScope.choices, default=TokenScope.READ
    )
    provider = models.ForeignKey(
        "contracts.Provider",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("provider"),
    )
    # Provider tokens act as this staff member (their roles decide what they may do).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("staff member"),
    )
    # Customer tokens act as this contact (D15: they see what the contact sees in the portal).
    contact = models.ForeignKey(
        "contracts.Contact",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("contact"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"))
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(provider__isnull=False, user__isnull=False, contact__isnull=True)
                    | Q(provider__isnull=True, user__isnull=True, contact__isnull=False)
                ),
                name="api_token_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
