"""The operator's endpoints, answered before the rest of the middleware: /healthz (liveness),
/readyz (readiness) and /metrics.

A load balancer or Prometheus asks over plain HTTP, by the machine's address, with no cookie
and no language: the HTTPS redirect, the Host check of ALLOWED_HOSTS, sessions, locale, CSRF and
logins are all beside the point for them, and each would turn a healthy answer into a redirect
or a 400. So `ProbeMiddleware` sits before SecurityMiddleware and answers these three exact
paths itself; every other path goes on as before. They build no URL from the Host header, so
skipping its check is safe; /metrics has its own access rule (metrics.metrics_allowed).

- /healthz: the process answers. No database, no broker: a restart does not cure those.
- /readyz: the database answers `SELECT 1` and the Celery broker accepts a connection within
  READYZ_TIMEOUT_SECONDS; else 503 with a small JSON body naming what failed."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase

from servicedesk.observability.metrics import metrics_view

logger = logging.getLogger(__name__)


def healthz_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


def database_ready() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # whatever the driver raises, the answer is "not ready"
        logger.warning("readyz: the database did not answer", exc_info=True)
        return False
    return True


def broker_ready() -> bool:
    """A new broker connection within the timeout (no retry): kombu's Redis transport pings on
    connecting; the filesystem transport only needs its folders."""
    from kombu import Connection

    timeout = float(settings.READYZ_TIMEOUT_SECONDS)
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {})
    url = str(settings.CELERY_BROKER_URL)
    if url.startswith(("redis://", "rediss://")):
        options.update(socket_connect_timeout=timeout, socket_timeout=timeout, max_retries=0)
    try:
        with Connection(url, connect_timeout=timeout, transport_options=options) as connection:
            connection.ensure_connection(max_retries=0, timeout=timeout)
    except Exception:  # any failure to connect is "not ready"
        logger.warning("readyz: the broker did not answer", exc_info=True)
        return False
    return True


def readyz_view(request: HttpRequest) -> HttpResponse:
    checks = {"database": database_ready(), "broker": broker_ready()}
    failed = sorted(name for name, ok in checks.items() if not ok)
    if failed:
        return JsonResponse({"status": "unavailable", "failed": failed}, status=503)
    return JsonResponse({"status": "ok"})


_PROBES: dict[str, tuple[str, Callable[[HttpRequest], HttpResponse]]] = {
    "/healthz": ("healthz", healthz_view),
    "/readyz": ("readyz", readyz_view),
    "/metrics": ("metrics", metrics_view),
}


class ProbeMiddleware:
    """Answers the three probe paths (GET and HEAD) before any other middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        probe = _PROBES.get(request.path_info)
        if probe is None:
            return self.get_response(request)
        name, view = probe
        request.observability_route = name  # type: ignore[attr-defined]
        if request.method not in ("GET", "HEAD"):
            response = HttpResponse(status=405)
            response["Allow"] = "GET, HEAD"
            return response
        response = view(request)
        response["Cache-Control"] = "no-store"
        return response
