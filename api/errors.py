"""Errors as `application/problem+json` (RFC 9457, issue #12 §3), in the caller's language.

Every refusal has the same shape: `type`, `title`, `status`, `detail`, a stable `code` for
machines and, for input at fault, `errors` (field -> messages). A domain error (a rule refused
the change: `contracts.exceptions.DomainError`) is mapped here, once, for the whole API."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings

from contracts.exceptions import DomainError, SubmissionRefused
from tickets.exceptions import InvalidTransition, TicketNotAllowed, TicketValidationError

PROBLEM_TYPE = "application/problem+json"
API_PREFIX = "/api/"


def _titles() -> dict[int, str]:
    return {
        400: _("The request is not valid."),
        401: _("Authentication is needed."),
        403: _("This is not allowed."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        406: _("This response format is not available."),
        409: _("This conflicts with another request."),
        412: _("The resource has changed since you read it."),
        413: _("The request is too large."),
        415: _("This content type is not supported."),
        422: _("The change was refused."),
        428: _("A precondition is required."),
        429: _("Too many requests."),
    }


def problem(
    status_code: int,
    detail: str,
    *,
    code: str,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _titles().get(status_code, _("The request failed.")),
        "status": status_code,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_TYPE)


def _field_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail flattened to "field.sub" -> messages."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = api_settings.NON_FIELD_ERRORS_KEY if key == "non_field_errors" else str(key)
            out.update(
                _field_errors(value, f"{prefix}{name}" if not prefix else f"{prefix}.{name}")
            )
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                out.update(_field_errors(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out[prefix or api_settings.NON_FIELD_ERRORS_KEY] = [str(detail)]
    return out


def _domain(exc: DomainError) -> Response:
    message = str(exc)
    if isinstance(exc, TicketValidationError):
        return problem(400, message, code=exc.code, errors={exc.field: [message]})
    if isinstance(exc, SubmissionRefused | TicketNotAllowed):
        return problem(403, message, code=exc.code)
    if isinstance(exc, InvalidTransition):
        return problem(409, message, code=exc.code)
    field = getattr(exc, "field", "")
    errors = {str(field): [message]} if field else None
    per_field = getattr(exc, "errors", None)  # a refusal naming several fields (an AEM event)
    if isinstance(per_field, dict) and per_field:
        errors = {str(name): [str(text)] for name, text in per_field.items()}
    return problem(422, message, code=exc.code, errors=errors)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return _domain(exc)
    if isinstance(exc, Http404):
        return problem(404, _("Not found."), code="not_found")
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        return problem(400, _("The request is not valid."), code="invalid", errors=messages)
    if not isinstance(exc, exceptions.APIException):
        return None  # a 500: Django's handler logs it
    headers: dict[str, str] = {}
    wait = getattr(exc, "wait", None) if isinstance(exc, exceptions.Throttled) else None
    if wait is not None:
        headers["Retry-After"] = str(max(1, int(wait + 0.999)))
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        header = getattr(exc, "auth_header", None)
        if header:
            headers["WWW-Authenticate"] = str(header)
    if isinstance(exc, exceptions.ValidationError):
        return problem(
            status.HTTP_400_BAD_REQUEST,
            _("The request is not valid."),
            code="invalid",
            errors=_field_errors(exc.detail),
            headers=headers,
        )
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    codes = exc.get_codes()
    return problem(
        exc.status_code,
        str(detail),
        code=codes if isinstance(codes, str) else exc.default_code,
        headers=headers,
    )


def problem_outside_drf(request: HttpRequest, status_code: int, code: str) -> HttpResponse:
    """A problem answer for what fails before or outside a view of the API (an unknown URL, a
    NUL byte refused at the door, a server error): the same shape, in the caller's language."""
    language = getattr(request, "LANGUAGE_CODE", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        detail = {
            400: _("The request is not valid."),
            403: _("This is not allowed."),
            404: _("Not found."),
        }.get(status_code, _("The request failed."))
        body = {
            "type": "about:blank",
            "title": _titles().get(status_code, _("The request failed.")),
            "status": status_code,
            "detail": detail,
            "code": code,
        }
    return HttpResponse(
        json.dumps(body), status=status_code, content_type=f"{PROBLEM_TYPE}; charset=utf-8"
    )


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)
