"""Set-password links (invitations and resets) that die with the contact (issue #10 §6).

Django's token already changes when the password or the last login changes. Ours also hashes
whether the user and its contact are active and which contact it is: a link issued before the
contact was deactivated (or moved to another contact) no longer validates. The form refuses an
inactive contact as well, so a deactivation between opening the link and saving is refused too.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.translation import gettext_lazy as _

INACTIVE_ACCOUNT = _(
    "This account is no longer an active contact of a customer, so no password can be set. "
    "Ask your organisation's manager or the service desk."
)


def portal_account_active(user: Any) -> bool:
    """May this login use the portal at all: an active, non-staff user of an active contact."""
    if user is None:
        return False
    contact = getattr(user, "contact", None)
    return bool(user.is_active and not user.is_staff and contact is not None and contact.is_active)


class ContactTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "servicedesk.portal.tokens.ContactTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        contact = getattr(user, "contact", None)
        contact_state = f"{contact.pk}:{contact.is_active}" if contact is not None else "-"
        active = getattr(user, "is_active", False)
        return f"{super()._make_hash_value(user, timestamp)}|{active}|{contact_state}"

    def check_token(self, user: User | None, token: str | None) -> bool:
        return portal_account_active(user) and super().check_token(user, token)


contact_token_generator = ContactTokenGenerator()


class ContactSetPasswordForm(SetPasswordForm):
    """Django's set-password form, refused for a login that is not an active contact."""

    def clean(self) -> dict[str, Any]:
        if not portal_account_active(self.user):
            raise forms.ValidationError(INACTIVE_ACCOUNT, code="inactive")
        return super().clean() or {}
