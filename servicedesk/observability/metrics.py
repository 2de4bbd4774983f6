"""The Prometheus endpoint's figures: request latency from a middleware, and gauges computed
from the database and the broker when Prometheus scrapes (`gauges.py`).

Several gunicorn workers: prometheus-client's multiprocess mode, switched on by the environment
variable PROMETHEUS_MULTIPROC_DIR (a directory, emptied at gunicorn's start and written by every
worker; `servicedesk/gunicorn_config.py` marks the files of a worker that exited). Then a scrape,
answered by any one worker, adds up the histograms of all of them. Without that variable (one
process: `runserver`, tests, a single gunicorn worker) the process's own values are reported.

Labels stay bounded: the route is the URL resolver's view name, never the raw path."""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.multiprocess import MultiProcessCollector

from portal.lockout import client_address

# Not in prometheus-client's default registry: the scrape builds its own (multiprocess or not).
REQUEST_LATENCY = Histogram(
    "servicedesk_http_request_duration_seconds",
    "Time from the request reaching Django to its response, by method, route and status class.",
    ["method", "route", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=None,
)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# A request no URL pattern answered (a 404, or a redirect made before resolving).
UNMATCHED = "unmatched"


def route_name(request: HttpRequest) -> str:
    """The bounded label of a request: a probe's own name, the resolver's view name, or
    `unmatched`."""
    own = getattr(request, "observability_route", None)
    if own:
        return str(own)
    match = getattr(request, "resolver_match", None)
    return str(match.view_name) if match is not None and match.view_name else UNMATCHED


class RequestLatencyMiddleware:
    """Times every request, probes included, into REQUEST_LATENCY. Early in MIDDLEWARE, so a
    redirect or refusal by a later middleware is counted too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in _METHODS else "other"
        REQUEST_LATENCY.labels(
            method=method,
            route=route_name(request),
            status=f"{response.status_code // 100}xx",
        ).observe(time.perf_counter() - started)
        return response


def metrics_allowed(request: HttpRequest) -> bool:
    """A scrape is allowed from METRICS_ALLOWED_NETWORKS (the client address as portal.lockout
    reads it: behind our own proxies, TRUSTED_PROXY_COUNT) or with `Authorization: Bearer
    <METRICS_TOKEN>` (compared in constant time; an empty token allows nothing)."""
    token = str(getattr(settings, "METRICS_TOKEN", "") or "")
    header = str(request.META.get("HTTP_AUTHORIZATION", ""))
    scheme, _sep, offered = header.partition(" ")
    bearer = scheme.lower() == "bearer"
    if token and bearer and hmac.compare_digest(offered.strip().encode(), token.encode()):
        return True
    address = client_address(request)
    if address is None:
        return False
    client = ipaddress.ip_address(address)
    for network in settings.METRICS_ALLOWED_NETWORKS:
        if client in ipaddress.ip_network(str(network), strict=False):
            return True
    return False


def scrape_registry() -> CollectorRegistry:
    """A registry for one scrape: every worker's latency (multiprocess mode) or this process's,
    and the database and broker gauges read now."""
    from servicedesk.observability.gauges import BrokerCollector, DatabaseCollector

    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_LATENCY)
    registry.register(DatabaseCollector())
    registry.register(BrokerCollector())
    return registry


def metrics_view(request: HttpRequest) -> HttpResponse:
    """/metrics in Prometheus' text format; 403 unless allowed. Reads only."""
    if not metrics_allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    body = generate_latest(scrape_registry())
    return HttpResponse(body, content_type=CONTENT_TYPE_PLAIN_0_0_4)
