"""The request id: one token per web request, in every log record written while it is served
(logs.request_id_var) and in the response's X-Request-ID header.

A proxy in front (nginx's $request_id, HAProxy's unique-id) may send one in X-Request-ID: it is
kept when it is a short token of safe characters, so the proxy's log and ours name the same
request; anything else (too long, spaces, quotes, newlines that would forge log lines) is
replaced by a fresh one."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from servicedesk.observability.logs import request_id_var

HEADER = "X-Request-ID"
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


def request_id_for(offered: str | None) -> str:
    if offered and _SAFE.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


def _request_done(**_: Any) -> None:
    request_id_var.set(None)


class RequestIdMiddleware:
    """First in MIDDLEWARE, so every later middleware's records carry the id too.

    The id stays set after the middleware returns: Django logs a 4xx or 5xx answer ("Not Found:
    /x") only after the whole middleware chain, and that line must carry it too. It is cleared
    when the response is finished (request_finished), and replaced by the next request's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        request_finished.connect(_request_done, dispatch_uid="servicedesk-request-id-done")

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = request_id_for(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        request_id_var.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response
