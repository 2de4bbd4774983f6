"""One root for domain errors, mapped once per interface (issue #11 §1): a page message, a 400
page, the triage reason of an email, and a command's exit status."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from contracts.exceptions import ContractsError, DomainError
from contracts.management.base import DomainCommand
from escalation.exceptions import EscalationError
from intake.services.triage import TriageRefused
from portal.services import ContactChangeRefused
from servicedesk.middleware import DomainErrorMiddleware
from tickets.exceptions import TicketError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "error", [ContractsError, TicketError, EscalationError, TriageRefused, ContactChangeRefused]
)
def test_every_domain_error_has_the_one_root(error: type[Exception]) -> None:
    assert issubclass(error, DomainError)


def _request(method: str, path: str) -> HttpRequest:
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request = getattr(RequestFactory(), method.lower())(path)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _middleware() -> DomainErrorMiddleware:
    return DomainErrorMiddleware(lambda request: HttpResponse())


@pytest.mark.usefixtures("english")
def test_a_refused_form_returns_to_its_page_with_the_message() -> None:
    request = _request("POST", "/portal/tickets/SD-2026-000001/?tab=reply")
    response = _middleware().process_exception(request, TicketError("The message is empty."))
    assert response is not None
    assert (response.status_code, response["Location"]) == (
        302,
        "/portal/tickets/SD-2026-000001/?tab=reply",
    )
    assert [str(m) for m in get_messages(request)] == ["The message is empty."]


@pytest.mark.usefixtures("english")
def test_a_page_a_rule_will_not_show_answers_400_with_the_message() -> None:
    request = _request("GET", "/admin/backoffice/tickets/new/")
    request.user = AnonymousUser()
    response = _middleware().process_exception(request, ContractsError("No current contract."))
    assert response is not None
    assert response.status_code == 400
    assert "No current contract." in response.content.decode()


def test_other_errors_are_left_to_django() -> None:
    assert _middleware().process_exception(_request("POST", "/"), ValueError("x")) is None


class _Refusing(DomainCommand):
    def handle(self, *args: object, **options: object) -> None:
        raise TicketError("Ticket SD-2026-000001 is closed.")


def test_a_command_ends_with_the_message_and_status_1() -> None:
    with pytest.raises(CommandError, match="is closed") as raised:
        call_command(_Refusing())
    assert raised.value.returncode == 1
