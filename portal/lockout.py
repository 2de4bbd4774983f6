"""Login lock-outs for both doors, the portal and the back-office (issue #10 §5).

django-axes counts failed logins. The rules here, in one place:

- A lock-out locks one person, not an office: the count that locks is per account *and* client
  address (AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]], AXES_FAILURE_LIMIT). An address
  alone is locked only by its own, much higher threshold (AXES_ADDRESS_FAILURE_LIMIT) across all
  accounts, which stops guessing over many accounts without locking a whole office at the fifth
  typo.
- The two doors keep separate records: the username axes stores is prefixed with the door
  ("portal:" or "staff:"), so failures at the portal for a staff username never lock the staff
  account, and a customer hammering the portal from the office's address never counts towards
  the staff door's address threshold.
- The client address is REMOTE_ADDR unless TRUSTED_PROXY_COUNT says how many reverse proxies
  of our own stand in front; only then is X-Forwarded-For read, from the right, skipping exactly
  the entries those proxies appended. A header is never believed by default.
- The lock-out page names what the person typed: their email address at the portal, their
  username at the back-office, or the network address when the address itself is locked.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

PORTAL = "portal"
STAFF = "staff"
USERNAME_LENGTH = 255  # axes' AccessAttempt.username


def login_door(request: HttpRequest) -> str:
    """Which door the request knocks on: the back-office (admin) or the customers' portal."""
    path = getattr(request, "path", "") or ""
    return STAFF if path.startswith(reverse("admin:index")) else PORTAL


def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's address (AXES_CLIENT_IP_CALLABLE).

    With TRUSTED_PROXY_COUNT = n > 0, each of our n proxies appended the address it saw to
    X-Forwarded-For, so the client is the n-th entry from the right; anything further left was
    written by the client and is not believed. A header with fewer entries than proxies, or an
    entry that is not an address, means the request did not come through them: REMOTE_ADDR.
    """
    remote = _valid_address(str(request.META.get("REMOTE_ADDR", "")))
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if count <= 0:
        return remote
    entries = [e for e in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if e.strip()]
    if len(entries) < count:
        return remote
    return _valid_address(entries[-count]) or remote


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The account as axes records it (AXES_USERNAME_CALLABLE): the door, then the name typed,
    whatever its capitalisation, so the two doors never share a count."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return f"{login_door(request)}:{str(value).strip().lower()}"[:USERNAME_LENGTH]


def address_failures(request: HttpRequest) -> int:
    """Failed logins from the request's address at its door, across all accounts, within the
    cool-off period."""
    address = getattr(request, "axes_ip_address", None)
    if address is None:
        return 0
    rows = AccessAttempt.objects.filter(
        ip_address=address, username__startswith=f"{login_door(request)}:"
    )
    cool_off = get_cool_off(request)
    if cool_off is not None:
        rows = rows.filter(attempt_time__gte=request.axes_attempt_time - cool_off)  # type: ignore[attr-defined]
    total = rows.aggregate(n=Sum("failures_since_start"))["n"]
    return int(total or 0)


def address_locked(request: HttpRequest) -> bool:
    return address_failures(request) >= int(settings.AXES_ADDRESS_FAILURE_LIMIT)


class DoorLockoutHandler(AxesDatabaseHandler):
    """axes' database handler with the second, per-address threshold (AXES_HANDLER).

    axes compares one failure count with one limit; an address over its own threshold counts
    as having reached that limit, so axes' own flow (refuse, signal, lock-out page) applies."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        failures = int(super().get_failures(request, credentials))
        if address_locked(request):
            return max(failures, int(get_failure_limit(request, credentials)))
        return failures


def _duration_minutes(request: HttpRequest) -> int:
    cool_off = get_cool_off(request) or timedelta(0)
    return max(1, round(cool_off.total_seconds() / 60))


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The lock-out page of the door (AXES_LOCKOUT_CALLABLE), saying what is blocked."""
    door = login_door(request)
    template = "backoffice/locked_out.html" if door == STAFF else "portal/locked_out.html"
    context = {
        "address_locked": address_locked(request),
        "minutes": _duration_minutes(request),
    }
    return render(
        request, template, context, status=int(getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429))
    )
