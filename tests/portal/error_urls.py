"""The site's URLs and error handlers plus views that fail, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from servicedesk.urls import handler403, handler404, handler500
from servicedesk.urls import urlpatterns as site_urls

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a failure nobody expected")


def _denied(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("not for you")


urlpatterns = [
    path("portal/boom/", _boom),
    path("admin/boom/", _boom),
    path("admin/denied/", _denied),
    *site_urls,
]
