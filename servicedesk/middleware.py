"""Show times in the viewer's zone (DECISIONS D2, D16); storage stays UTC."""

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class DisplayTimeZoneMiddleware:
    """Activate the session's chosen zone, else the display default (Europe/Amsterdam)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = request.session.get("time_zone") if hasattr(request, "session") else None
        try:
            timezone.activate(ZoneInfo(zone or settings.DISPLAY_TIME_ZONE))
        except (ValueError, KeyError):
            timezone.activate(ZoneInfo(settings.DISPLAY_TIME_ZONE))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
