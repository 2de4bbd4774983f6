"""Who may use the portal: active contacts with a login, never provider staff (D15)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from contracts.models import Contact


def request_contact(request: HttpRequest) -> Contact | None:
    user = request.user
    if not user.is_authenticated or user.is_staff:
        return None
    contact = getattr(user, "contact", None)
    return contact if contact is not None and contact.is_active else None


def contact_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view gets `request.contact`; staff and contact-less users are turned away."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        contact = request_contact(request)
        if contact is None:
            raise PermissionDenied(
                "The portal is for customers' contacts; provider staff use the back-office."
            )
        request.contact = contact  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
