"""Request-wide behaviour: times in the viewer's zone (DECISIONS D2, D16; storage stays UTC)
and no stored copies of logged-in pages or files (issue #10 §6)."""

from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone

from contracts.exceptions import DomainError


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


# Directives that allow a copy to be kept; dropped when a response must not be stored.
_STORABLE = ("public", "max-age", "s-maxage", "immutable", "stale-while-revalidate")


class PrivateNoStoreMiddleware:
    """Logged-in pages and every file download say `Cache-Control: private, no-store`
    (issue #10 §6): no browser history, shared computer or proxy keeps a copy of a customer's
    ticket or file. A response that already says no-store keeps its own header (made private);
    static files (served by WhiteNoise before this runs, or under STATIC_URL) are left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return response
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or _is_download(response):
            _private_no_store(response)
        return response


def _is_download(response: HttpResponseBase) -> bool:
    """A file: an attachment, a raw message, an export (served as a file or with a
    Content-Disposition, inline or as attachment)."""
    return isinstance(response, FileResponse) or response.has_header("Content-Disposition")


def _private_no_store(response: HttpResponseBase) -> None:
    current = [d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()]
    names = {d.split("=", 1)[0].lower() for d in current}
    if "no-store" in names and "private" in names:
        return
    kept = [d for d in current if d.split("=", 1)[0].lower() not in (*_STORABLE, "private")]
    extra = [] if "no-store" in names else ["no-store"]
    response["Cache-Control"] = ", ".join(["private", *extra, *kept])


class NulByteGuardMiddleware:
    """A NUL byte never belongs in a URL (issue #10 §6). PostgreSQL refuses it in any string,
    so a search or filter carrying one would fail deep inside a query with a 500: it is refused
    at the door instead, 404 in the path and 400 (a bad request) in the query string."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if "\x00" in request.path_info:
            raise Http404("No such page.")
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query:
            raise BadRequest("A NUL byte in the query string.")
        return self.get_response(request)


class DomainErrorMiddleware:
    """The web mapping of domain errors (issue #11 §1): a rule that refused a change becomes a
    message on the page, in the reader's language, never a server error. A form sent by POST
    returns to its page (the change was rolled back with the view's transaction); a page that
    cannot be shown answers 400 with the message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        if request.method == "POST":
            messages.error(request, str(exception))
            return redirect(request.get_full_path())
        from servicedesk.errors import refused

        return refused(request, str(exception))
