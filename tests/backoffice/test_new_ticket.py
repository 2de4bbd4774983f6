"""New ticket in the back-office (issue #11 §3): the first line registers a phone call, a
walk-in or a request on someone's behalf, through the same service and refusals as every
channel; the clocks start when the call came in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from backoffice.selectors import contacts_search
from contracts.models import Contact
from tests.backoffice.conftest import english_client, staff
from tests.factories import ContactFactory, ContractFactory
from tests.intake.conftest import Desk
from tickets.exceptions import TicketValidationError
from tickets.models import Attachment, Channel, ClockSegment, Metric, Ticket, TicketEvent
from tickets.services.create import TicketCreateInput, ticket_create
from tickets.services.uploads import UploadRefused
from tickets.signals import ChangeKind, TicketChange, ticket_changed

pytestmark = pytest.mark.django_db

# A Tuesday: 12:00 in Amsterdam, inside business hours.
NOW = datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
CALL_LOCAL = "2026-03-10T11:40"  # Amsterdam (UTC+1): 10:40 UTC, 20 minutes before NOW
CALL_UTC = datetime(2026, 3, 10, 10, 40, tzinfo=UTC)
PAGE = "/admin/backoffice/tickets/new/"


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _client(role: str) -> Client:
    return english_client(staff(role))


def _form(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "received_how": "phone",
        "received_at": CALL_LOCAL,
        "request_type": "incident",
        "subject": "Outlook start niet",
        "description": "Sinds vanochtend start Outlook bij niemand.",
        "product": "Outlook",
        "reproduction_steps": "",
        "priority_level": "",
        "send_receipt": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _register(client: Client, contact: Contact, query: str = "", **changes: Any) -> Any:
    return client.post(f"{PAGE}?contact={contact.pk}{query}", _form(**changes))


# --- finding the caller ---------------------------------------------------------------------


def test_route_is_the_backoffice_new_ticket_page() -> None:
    assert reverse("backoffice:ticket-new") == PAGE


def test_caller_is_found_by_name_email_phone_or_customer(desk: Desk) -> None:
    desk.anna.phone = "+31 6 1234 5678"
    desk.anna.save(update_fields=["phone"])
    client = _client("first")
    for query in ("de vries", "ANNA@klant-a", "06-12345678", "0031612345678", "Klant A B.V."):
        html = client.get(PAGE, {"q": query}).content.decode()
        assert f"?contact={desk.anna.pk}" in html, query
        assert f"?contact={desk.piet.pk}" not in html, query


def test_search_reads_a_bounded_list_in_few_queries(
    desk: Desk, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        ContactFactory(customer=desk.customer_a, name=f"Jansen {n:02d}")
    user = staff("first")
    with django_assert_max_num_queries(2):
        found = contacts_search(user=user, query="jansen", limit=25)
        names = [c.customer.name for c in found.contacts]
    assert len(found.contacts) == 25
    assert found.more
    assert set(names) == {"Klant A B.V."}


def test_a_csam_finds_and_registers_only_for_customers_of_their_contracts(desk: Desk) -> None:
    csam = staff("csam")
    desk.customer_a.contracts.update(csam=csam)
    client = english_client(csam)
    html = client.get(PAGE, {"q": "klant"}).content.decode()
    assert f"?contact={desk.anna.pk}" in html
    assert f"?contact={desk.piet.pk}" not in html
    assert client.get(f"{PAGE}?contact={desk.piet.pk}").status_code == 404
    assert _register(client, desk.piet).status_code == 404
    assert _register(client, desk.anna).status_code == 302
    assert Ticket.objects.get().contact == desk.anna


def test_a_csam_registers_only_under_their_own_current_contract(desk: Desk) -> None:
    """Klant A's current contract is someone else's; the CSAM's own one has ended."""
    csam = staff("csam")
    ContractFactory(customer=desk.customer_a, csam=csam, end_date=date(2026, 1, 31))
    response = _register(english_client(csam), desk.anna)
    assert response.status_code == 400
    assert "None of your contracts with this customer is current" in response.content.decode()
    assert not Ticket.objects.exists()


def test_second_line_may_not_register_and_sees_no_link(desk: Desk) -> None:
    client = _client("second")
    assert client.get(PAGE).status_code == 403
    assert _register(client, desk.anna).status_code == 403
    queue = client.get(reverse("admin:tickets_ticket_changelist")).content.decode()
    assert PAGE not in queue
    assert not Ticket.objects.exists()


def test_first_line_finds_the_new_ticket_link_on_the_queue_and_the_index(desk: Desk) -> None:
    client = _client("first")
    assert PAGE in client.get(reverse("admin:tickets_ticket_changelist")).content.decode()
    assert PAGE in client.get(reverse("admin:index")).content.decode()


# --- the contract and the provider's questions ------------------------------------------------


def test_several_current_contracts_are_chosen_and_the_questions_follow_the_provider(
    desk: Desk,
) -> None:
    cbg = ContractFactory(customer=desk.customer_a, provider_code="cbg", package_code="extra")
    onitnow = desk.customer_a.contracts.exclude(pk=cbg.pk).get()
    client = _client("first")
    choice = client.get(f"{PAGE}?contact={desk.anna.pk}").content.decode()
    assert f"contract={cbg.pk}" in choice
    assert f"contract={onitnow.pk}" in choice
    assert 'name="subject"' not in choice

    cbg_page = client.get(f"{PAGE}?contact={desk.anna.pk}&contract={cbg.pk}").content.decode()
    assert 'name="check_no_user_can_login"' in cbg_page
    assert 'name="impact_scope"' not in cbg_page
    onitnow_page = client.get(f"{PAGE}?contact={desk.anna.pk}&contract={onitnow.pk}")
    assert 'name="impact_scope"' in onitnow_page.content.decode()
    assert 'name="check_no_user_can_login"' not in onitnow_page.content.decode()

    response = _register(client, desk.anna, f"&contract={cbg.pk}")
    assert response.status_code == 302
    assert Ticket.objects.get().contract == cbg


def test_a_posted_form_without_a_chosen_contract_is_refused(desk: Desk) -> None:
    ContractFactory(customer=desk.customer_a, provider_code="cbg", package_code="extra")
    response = _register(_client("first"), desk.anna)
    assert response.status_code == 400
    assert "Choose the contract" in response.content.decode()
    assert not Ticket.objects.exists()


def test_scope_and_effect_set_the_level_as_in_the_portal(desk: Desk) -> None:
    _register(_client("first"), desk.anna, impact_scope="multiple_users", impact_effect="down")
    ticket = Ticket.objects.get()
    assert (ticket.impact_scope, ticket.impact_effect) == ("multiple_users", "down")
    assert ticket.priority_rank == 1


def test_staff_set_a_microsoft_severity_directly(desk: Desk) -> None:
    response = _register(
        _client("first"), desk.nina, priority_level="critical", business_impact="Alles ligt stil."
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.priority_level == "critical"
    assert ticket.business_impact == "Alles ligt stil."
    assert not ticket.priority_requests.exists()


# --- the time the call came in ----------------------------------------------------------------


def test_clocks_start_when_the_call_came_in_and_the_registration_is_logged(desk: Desk) -> None:
    user = staff("first")
    response = _register(english_client(user), desk.anna, received_how="walk_in")
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:tickets_ticket_change", args=[ticket.pk])
    assert ticket.channel == Channel.PHONE
    assert ticket.created_by == user
    assert ticket.created_at == CALL_UTC
    assert ticket.clocks.get(metric=Metric.RESPONSE).started_at == CALL_UTC
    assert ClockSegment.objects.get(ticket=ticket).started_at == CALL_UTC
    event = TicketEvent.objects.get(ticket=ticket, kind="created")
    assert event.created_at == NOW  # registered now ...
    assert event.data["received_at"] == CALL_UTC.isoformat()  # ... after the call
    assert event.data["received_how"] == "walk_in"
    assert event.actor_user == user


def test_the_success_message_names_the_ticket_number(desk: Desk) -> None:
    response = _register(_client("first"), desk.anna)
    page = _client("first").get(response["Location"])
    ticket = Ticket.objects.get()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [f"Ticket {ticket.number} registered for Anna de Vries."]
    assert page.status_code == 200


def test_a_call_time_in_the_future_is_refused_clearly(desk: Desk) -> None:
    response = _register(_client("first"), desk.anna, received_at="2026-03-10T12:05")
    assert response.status_code == 400
    html = response.content.decode()
    assert "10-03-2026 12:05 is in the future: enter the time the request came in." in html
    assert not Ticket.objects.exists()


def test_the_service_refuses_a_received_time_after_its_registration(desk: Desk) -> None:
    data = TicketCreateInput(
        contact=desk.anna,
        request_type="incident",
        channel=Channel.PHONE,
        subject="s",
        description="d",
        received_at=NOW + timedelta(seconds=1),
    )
    with pytest.raises(TicketValidationError) as refused:
        ticket_create(data=data, now=NOW)
    assert refused.value.field == "received_at"
    assert not Ticket.objects.exists()


def test_the_contract_day_is_the_day_of_the_call(desk: Desk) -> None:
    """A call on a contract's last day registered after midnight still falls under it."""
    contract = desk.customer_a.contracts.get()
    contract.end_date = date(2026, 3, 9)
    contract.save(update_fields=["end_date"])
    data = TicketCreateInput(
        contact=desk.anna,
        request_type="incident",
        channel=Channel.PHONE,
        subject="s",
        description="d",
        received_at=datetime(2026, 3, 9, 22, 50, tzinfo=UTC),  # 23:50 in Amsterdam
    )
    ticket = ticket_create(data=data, now=datetime(2026, 3, 9, 23, 10, tzinfo=UTC))
    assert ticket.contract == contract


# --- refusals and the named-contact override ---------------------------------------------------


def test_an_inactive_contact_is_refused_as_a_form_error(desk: Desk) -> None:
    desk.anna.is_active = False
    desk.anna.save(update_fields=["is_active"])
    client = _client("first")
    assert (
        "inactive and cannot submit"
        in client.get(f"{PAGE}?contact={desk.anna.pk}").content.decode()
    )
    response = _register(client, desk.anna)
    assert response.status_code == 400
    assert "Contact anna@klant-a.example is inactive and cannot submit tickets." in (
        response.content.decode()
    )
    assert not Ticket.objects.exists()


def test_a_customer_without_a_current_contract_is_refused(desk: Desk) -> None:
    desk.customer_a.contracts.update(end_date=date(2026, 1, 31))
    response = _register(_client("first"), desk.anna)
    assert response.status_code == 400
    assert "Klant A B.V. has no current contract on 2026-03-10." in response.content.decode()
    assert not Ticket.objects.exists()


def test_first_line_cannot_accept_someone_who_is_not_a_named_contact(desk: Desk) -> None:
    client = _client("first")
    page = client.get(f"{PAGE}?contact={desk.otto.pk}").content.decode()
    assert "is not a named contact" in page
    assert 'name="named_contact_override"' not in page
    plain = _register(client, desk.otto)
    assert plain.status_code == 400
    assert "otto@ms-klant.example is not a named contact" in plain.content.decode()
    forced = _register(client, desk.otto, named_contact_override="Belde namens Nina")
    assert forced.status_code == 400
    assert "Only a support coordinator may accept" in forced.content.decode()
    assert not Ticket.objects.exists()


def test_a_coordinator_accepts_with_a_reason_logged_and_shown_on_the_ticket(desk: Desk) -> None:
    client = _client("coordinator")
    assert (
        'name="named_contact_override"'
        in client.get(f"{PAGE}?contact={desk.otto.pk}").content.decode()
    )
    without = _register(client, desk.otto)
    assert without.status_code == 400
    response = _register(client, desk.otto, named_contact_override="Nina is op vakantie")
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.named_contact_override == "Nina is op vakantie"
    event = TicketEvent.objects.get(ticket=ticket, kind="created")
    assert event.data["named_contact_override"] == "Nina is op vakantie"
    work = client.get(response["Location"]).content.decode()
    assert 'id="named-contact-override"' in work
    assert "Nina is op vakantie" in work


# --- files and the receipt ---------------------------------------------------------------------


def test_files_are_stored_on_the_new_ticket(desk: Desk) -> None:
    response = _register(
        _client("first"),
        desk.anna,
        attachments=[SimpleUploadedFile("foutmelding.txt", b"Fout 0x800\n")],
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    stored = Attachment.objects.get(ticket=ticket)
    assert stored.filename == "foutmelding.txt"
    assert stored.ticket_message is None


def test_a_refused_file_keeps_no_ticket(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ticket and files are one transaction: a refusal after the ticket was written undoes it."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise UploadRefused("foutmelding.txt: refused for the test.")

    monkeypatch.setattr("backoffice.views.new_ticket.uploads_store", refuse)
    response = _register(
        _client("first"),
        desk.anna,
        attachments=[SimpleUploadedFile("foutmelding.txt", b"Fout 0x800\n")],
    )
    assert response.status_code == 400
    assert "refused for the test" in response.content.decode()
    assert not Ticket.objects.exists()
    assert not TicketEvent.objects.exists()


@pytest.fixture
def receipts() -> Iterator[list[bool]]:
    seen: list[bool] = []

    def receiver(sender: Any, change: TicketChange, **kwargs: Any) -> None:
        if change.kind == ChangeKind.CREATED:
            seen.append(change.data["receipt"])

    ticket_changed.connect(receiver, dispatch_uid="test-new-ticket-receipts")
    yield seen
    ticket_changed.disconnect(dispatch_uid="test-new-ticket-receipts")


def test_the_receipt_is_on_by_default_and_can_be_turned_off(
    desk: Desk, receipts: list[bool]
) -> None:
    client = _client("first")
    page = client.get(f"{PAGE}?contact={desk.anna.pk}").content.decode()
    assert 'name="send_receipt" id="id_send_receipt" checked' in page
    _register(client, desk.anna)
    _register(client, desk.anna, send_receipt=None)
    assert receipts == [True, False]


def test_visible_to_colleagues_follows_the_form(desk: Desk) -> None:
    client = _client("first")
    _register(client, desk.anna, shared_with_organisation="on")
    _register(client, desk.anna)
    assert list(
        Ticket.objects.order_by("pk").values_list("shared_with_organisation", flat=True)
    ) == [
        True,
        False,
    ]


def test_the_timeline_tells_when_and_how_the_request_came_in(desk: Desk) -> None:
    client = _client("first")
    response = _register(client, desk.anna, received_how="walk_in")
    work = client.get(response["Location"]).content.decode()
    assert "How: Walk-in at the desk." in work
    assert "The request came in at" in work
    assert "11:40" in work  # the call time, in the display zone
    assert "walk_in" not in work
