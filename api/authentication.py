"""`Authorization: Bearer <token>` (issue #12 §1). Basic authentication is not offered; a
session still works for the project's own pages (DRF's SessionAuthentication, with CSRF)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from contracts.models import ApiToken
from contracts.services.tokens import api_token_find

KEYWORD = b"bearer"


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User | AnonymousUser, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Send the token as: Authorization: Bearer <token>."))
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed(_("This token is not valid.")) from exc
        token = api_token_find(raw, now=timezone.now())
        if token is None:
            raise AuthenticationFailed(_("This token is unknown, expired or revoked."))
        user: User | AnonymousUser | None = (
            token.user if token.user_id else (token.contact.user if token.contact else None)
        )
        return (user if user is not None else _TokenUser()), token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class _TokenUser(AnonymousUser):
    """A contact's token whose contact has no portal login: authenticated by the token."""

    @property
    def is_authenticated(self) -> bool:  # type: ignore[override]
        return True
