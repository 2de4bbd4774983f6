"""The base of every API view: idempotent writes, preconditions and the caller.

HackSoft style: one view per operation; the view parses with an InputSerializer, calls one
service or selector and answers with an OutputSerializer. Nothing here knows a business rule."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from api.caller import Caller, caller_of
from api.errors import problem
from api.idempotency import Claim, idempotency_claim
from api.pagination import ApiCursorPagination

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
IDEMPOTENT_METHODS = ("POST", "PATCH")


class CallerPermission(BasePermission):
    """A known caller; writes need a token with the write scope."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        caller = caller_of(request)
        if request.method in UNSAFE and not caller.can_write:
            raise PermissionDenied(
                _("This token may only read; make a token with the write scope."),
                code="read_only_token",
            )
        if getattr(view, "staff_only", False) and not caller.is_staff:
            raise PermissionDenied(_("Only provider staff may do this."), code="staff_only")
        return True


class ApiView(APIView):
    permission_classes = [CallerPermission]
    # True: customers' callers are refused (403) before the view runs.
    staff_only = False
    # What drf-spectacular describes a list answer (`many=True`) as: a cursor page, as
    # `api.views.listing.list_response` answers it. A view answering a plain list sets None.
    pagination_class: type[ApiCursorPagination] | None = ApiCursorPagination

    @property
    def caller(self) -> Caller:
        return caller_of(self.request)

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        """DRF's dispatch, with the handler of a POST/PATCH run under its Idempotency-Key."""
        self.args, self.kwargs = args, kwargs
        request = self.initialize_request(request, *args, **kwargs)
        self.request = request
        self.headers = self.default_response_headers
        try:
            self.initial(request, *args, **kwargs)
            handler = self._handler(request)
            claim = None
            if request.method in IDEMPOTENT_METHODS:
                claim = idempotency_claim(request, caller_key=self.caller.key, now=timezone.now())
            if isinstance(claim, Claim):
                return self._run_claimed(claim, handler, request, *args, **kwargs)
            response = claim if claim is not None else handler(request, *args, **kwargs)
        except Exception as exc:
            response = self.handle_exception(exc)
        self.response = self.finalize_response(request, response, *args, **kwargs)  # type: ignore[arg-type]
        return self.response

    def _handler(self, request: Request) -> Any:
        method = (request.method or "").lower()
        if method in self.http_method_names:
            return getattr(self, method, self.http_method_not_allowed)
        return self.http_method_not_allowed

    def _run_claimed(
        self, claim: Claim, handler: Any, request: Request, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        try:
            with transaction.atomic():
                try:
                    response = handler(request, *args, **kwargs)
                except Exception as exc:
                    response = self.handle_exception(exc)
                response = self.finalize_response(request, response, *args, **kwargs)
                rendered = getattr(response, "render", None)
                if rendered is not None:
                    response = rendered()
                claim.store(response)
        except BaseException:
            claim.release()
            raise
        self.response = response
        return response

    # --- Preconditions (issue #12 §3): ETag on reads, If-Match on writes --------------------

    @staticmethod
    def etag_of(*parts: object) -> str:
        digest = hashlib.sha256("\0".join(str(p) for p in parts).encode()).hexdigest()
        return f'"{digest[:32]}"'

    def if_match_check(self, current: str) -> None:
        """412 when the caller's If-Match names another version (absent: no condition)."""
        header = self.request.headers.get("If-Match")
        if header is None:
            return
        wanted = [tag.strip() for tag in header.split(",") if tag.strip()]
        if "*" in wanted or current in wanted:
            return
        raise PreconditionFailed()


class PreconditionFailed(PermissionDenied):
    status_code = 412
    default_code = "precondition_failed"

    def __init__(self) -> None:
        super().__init__(
            _("Someone changed this since you read it; read it again and retry."),
            code="precondition_failed",
        )


def problem_response(status_code: int, detail: str, code: str) -> Any:
    return problem(status_code, detail, code=code)
