"""The 403, 404 and 500 pages (issue #11 §5): styled, in the reader's language, with the
portal's look for customers and the admin's look for staff (under /admin/, the back-office too).

The 500 page is rendered without a RequestContext: context processors query the database and
could fail again while the site is failing, so it gets a few plain values only and falls back
to a fixed text if even that fails.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.utils import translation

from api.errors import is_api_request, problem_outside_drf

logger = logging.getLogger(__name__)

STAFF_PREFIX = "/admin/"
PORTAL_HOME = "/portal/"


def _for_staff(request: HttpRequest) -> bool:
    return request.path.startswith(STAFF_PREFIX)


def _language(request: HttpRequest) -> str:
    """The language the reader chose (the cookie), else a signed-in contact's own, else the
    one LocaleMiddleware took from the browser."""
    languages = dict(settings.LANGUAGES)
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in languages:
        return chosen
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and not user.is_staff:
        contact = getattr(user, "contact", None)
        if contact is not None and contact.language in languages:
            return str(contact.language)
    return getattr(request, "LANGUAGE_CODE", "") or settings.LANGUAGE_CODE


def _page(request: HttpRequest, template: str, status: int, message: str = "") -> HttpResponse:
    staff = _for_staff(request)
    user = getattr(request, "user", None)
    context = {
        "error_layout": "admin/base_site.html" if staff else "portal/base.html",
        "error_for_staff": staff,
        "home_url": STAFF_PREFIX if staff else PORTAL_HOME,
        # After a language switch on an error page, go home: the failed URL is not repeated
        # in the page (it may name another organisation's ticket).
        "language_next": PORTAL_HOME,
        # The admin's base shows its user links only with this flag (as admin views set it).
        "has_permission": bool(staff and user is not None and user.is_active and user.is_staff),
        "message": message,
    }
    with translation.override(_language(request)):
        return render(request, template, context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return problem_outside_drf(request, 400, "invalid")
    from django.views.defaults import bad_request as django_bad_request

    return django_bad_request(request, exception or Exception())


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return problem_outside_drf(request, 403, "permission_denied")
    return _page(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return problem_outside_drf(request, 404, "not_found")
    return _page(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return problem_outside_drf(request, 500, "server_error")
    try:
        staff = _for_staff(request)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or getattr(
            request, "LANGUAGE_CODE", settings.LANGUAGE_CODE
        )
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        context = {
            "stylesheet": static("admin/css/base.css" if staff else "portal/portal.css"),
            "home_url": STAFF_PREFIX if staff else PORTAL_HOME,
            "error_for_staff": staff,
            "language": language,
        }
        with translation.override(language):
            body = loader.get_template("500.html").render(context)
    except Exception:  # the error page itself must never fail
        logger.exception("the 500 page could not be rendered")
        return HttpResponseServerError(
            b"<!DOCTYPE html><title>Server error</title><h1>Server error (500)</h1>",
            content_type="text/html",
        )
    return HttpResponseServerError(body)


def refused(request: HttpRequest, message: str) -> HttpResponse:
    """A page a rule would not show (a domain error on GET): 400 with the rule's message, in
    the look of the portal or the admin, as the 403 and 404 pages."""
    return _page(request, "400.html", 400, message=message)
