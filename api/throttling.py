"""Rate limits per token (issue #12 §1): a sliding window in the cache (Redis in production,
so every web process counts together), answered with 429 and `Retry-After`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class CallerRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self) -> str | None:
        # Read per request, not at import: tests and deployments change it.
        return str(settings.API_RATE_LIMIT) if settings.API_RATE_LIMIT else None

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        from contracts.models import ApiToken  # not at import: DRF loads this with its settings

        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
