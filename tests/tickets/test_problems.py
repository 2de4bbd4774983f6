"""Problems and RCA (D21, SPEC §5, A-38, A-39): automatic problems for Top incidents, RCA due
dates, the customer's RCA request, root cause, report and close, and the coordinator's prompt."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket, local
from tickets.exceptions import InvalidTransition, TicketValidationError
from tickets.models import Problem, ProblemCounter, ProblemOrigin, ProblemStatus, Status, Ticket
from tickets.selectors import problem_suggestion, problems_rca_open, problems_with_counts
from tickets.services import ticket_change_priority, ticket_resolve, ticket_transition
from tickets.services.problems import (
    months_add,
    problem_attach_rca,
    problem_close,
    problem_link,
    problem_open,
    problem_rca_request,
    problem_record_root_cause,
    problem_unlink,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


SERVICE = "IV Integratiedienst"


@pytest.fixture
def contact():
    return named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))


@pytest.fixture
def agent():
    return UserFactory()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _incident(contact, when, level, **kwargs):
    return create_ticket(contact, ams(when), priority_level=level, product=SERVICE, **kwargs)


def _raise(ticket, level, when, agent):
    return ticket_change_priority(
        ticket=ticket, level=level, reason="impact re-assessed", now=ams(when), actor=agent
    )


def _resolve(ticket, when, agent):
    return ticket_resolve(
        ticket=ticket, kind="workaround", text="Service herstart", now=ams(when), actor=agent
    )


# --- D21: every Top incident opens a problem, exactly once -----------------------------------


def test_a_top_incident_opens_an_automatic_problem_when_registered(contact):
    ticket = _incident(contact, "2026-06-01 09:00", "top")
    problem = Problem.objects.get()
    assert ticket.problem == problem
    assert problem.number == "PRB-2026-0001"
    assert (problem.origin, problem.status) == (ProblemOrigin.AUTOMATIC_TOP, ProblemStatus.OPEN)
    assert (problem.customer, problem.product, problem.source_ticket) == (
        contact.customer,
        SERVICE,
        ticket,
    )
    assert problem.title == f"{ticket.number}: Integratie staat stil"
    assert problem.rca_due_at is None  # due one month after the resolution, not before
    event = ticket.events.get(kind="problem_opened")
    assert event.data == {"problem": problem.pk, "number": "PRB-2026-0001", "automatic": True}


def test_problem_numbers_follow_each_other(contact):
    _incident(contact, "2026-06-01 09:00", "top")
    _incident(contact, "2026-06-01 10:00", "top")
    numbers = sorted(Problem.objects.values_list("number", flat=True))
    assert numbers == ["PRB-2026-0001", "PRB-2026-0002"]


def test_a_problem_number_past_four_digits_grows(contact):
    _incident(contact, "2026-06-01 09:00", "top")
    ProblemCounter.objects.filter(year=2026).update(last=9999)
    ticket = _incident(contact, "2026-06-01 10:00", "top")
    assert ticket.problem.number == "PRB-2026-10000"
    event = ticket.events.get(kind="problem_opened")
    assert event.data == {
        "problem": ticket.problem_id,
        "number": "PRB-2026-10000",
        "automatic": True,
    }


def test_a_top_incident_opens_its_problem_with_one_statement_on_postgresql(contact):
    _incident(contact, "2026-06-01 09:00", "top")  # the year's counter row exists now
    with CaptureQueriesContext(connection) as ctx:
        ticket = _incident(contact, "2026-06-01 10:00", "top")
    problem_writes = [q["sql"] for q in ctx.captured_queries if "tickets_problem" in q["sql"]]
    assert len(problem_writes) == (1 if connection.vendor == "postgresql" else 2)
    assert Ticket.objects.get(pk=ticket.pk).problem_id == ticket.problem_id
    assert ticket.problem.number == "PRB-2026-0002"


def test_raising_an_incident_to_top_opens_its_problem(contact, agent):
    ticket = _incident(contact, "2026-06-01 09:00", "hoog")
    assert not Problem.objects.exists()
    ticket = _raise(ticket, "top", "2026-06-01 10:00", agent)
    problem = Problem.objects.get()
    assert (ticket.problem_id, problem.source_ticket_id) == (problem.pk, ticket.pk)
    assert problem.opened_by == agent


def test_a_ticket_never_gets_a_second_automatic_problem(contact, agent):
    ticket = _incident(contact, "2026-06-01 09:00", "top")
    ticket = _raise(ticket, "hoog", "2026-06-01 10:00", agent)
    ticket = _raise(ticket, "top", "2026-06-01 11:00", agent)
    problem_unlink(ticket=ticket, now=ams("2026-06-01 12:00"), actor=agent)
    ticket = _raise(ticket, "hoog", "2026-06-01 13:00", agent)
    ticket = _raise(ticket, "top", "2026-06-01 14:00", agent)
    assert Problem.objects.count() == 1
    assert ticket.problem_id is None
    assert ticket.events.filter(kind="problem_opened").count() == 1


def test_the_database_refuses_a_second_automatic_problem_for_one_ticket(contact):
    ticket = _incident(contact, "2026-06-01 09:00", "top")
    first = Problem.objects.get()
    with pytest.raises(IntegrityError):
        Problem.objects.create(
            number="PRB-2026-9999",
            title="twice",
            origin=ProblemOrigin.AUTOMATIC_TOP,
            source_ticket=ticket,
            opened_at=first.opened_at,
            updated_at=first.opened_at,
        )


def test_a_top_incident_already_linked_to_a_problem_keeps_it(contact, agent):
    ticket = _incident(contact, "2026-06-01 09:00", "hoog")
    problem = problem_open(
        title="Koppeling valt steeds uit",
        customer=contact.customer,
        tickets=[ticket],
        origin=ProblemOrigin.COORDINATOR,
        now=ams("2026-06-01 09:30"),
        actor=agent,
    )
    ticket = _raise(ticket, "top", "2026-06-01 10:00", agent)
    assert ticket.problem_id == problem.pk
    assert list(Problem.objects.values_list("number", flat=True)) == [problem.number]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"priority_level": "hoog"},
        {"priority_level": "gemiddeld"},
        {"request_type": "information"},
        {"request_type": "change"},
    ],
)
def test_no_automatic_problem_below_top_or_for_requests(contact, kwargs):
    ticket = create_ticket(contact, ams("2026-06-01 09:00"), product=SERVICE, **kwargs)
    assert ticket.problem_id is None
    assert not Problem.objects.exists()


# --- RCA due one calendar month after the resolution -----------------------------------


@pytest.mark.parametrize(
    ("registered", "resolved", "due"),
    [
        ("2026-06-01 09:00", "2026-06-03 10:00", "2026-07-03 10:00 +0200"),
        # The day is clamped at the month's end.
        ("2026-01-29 09:00", "2026-01-31 11:00", "2026-02-28 11:00 +0100"),
        ("2028-01-28 09:00", "2028-01-31 11:00", "2028-02-29 11:00 +0100"),
        # A calendar month on the Amsterdam calendar: the wall-clock time survives DST.
        ("2026-03-09 09:00", "2026-03-10 10:00", "2026-04-10 10:00 +0200"),
        # Late evening in Amsterdam is already the next day in UTC.
        ("2026-08-28 09:00", "2026-08-31 23:30", "2026-09-30 23:30 +0200"),
    ],
)
def test_rca_is_due_one_calendar_month_after_the_top_incident_is_resolved(
    contact, agent, registered, resolved, due
):
    ticket = _incident(contact, registered, "top")
    _resolve(ticket, resolved, agent)
    problem = Problem.objects.get()
    assert local(problem.rca_due_at) == due
    event = ticket.events.get(kind="rca_due_set")
    assert event.data["number"] == problem.number


def test_months_add_clamps_to_the_last_day_of_the_month():
    assert local(months_add(ams("2026-01-31 12:00"), 1)) == "2026-02-28 12:00 +0100"
    assert local(months_add(ams("2026-12-31 12:00"), 2)) == "2027-02-28 12:00 +0100"


def test_a_resolved_hoog_incident_sets_no_rca_due_date(contact, agent):
    ticket = _incident(contact, "2026-06-01 09:00", "hoog")
    problem = problem_open(
        title="Herhaalde storing",
        customer=contact.customer,
        tickets=[ticket],
        origin=ProblemOrigin.COORDINATOR,
        now=ams("2026-06-01 09:30"),
        actor=agent,
    )
    _resolve(ticket, "2026-06-02 10:00", agent)
    problem.refresh_from_db()
    assert problem.rca_due_at is None


def test_a_reopened_top_incident_moves_its_rca_due_date_to_the_new_resolution(contact, agent):
    ticket = _incident(contact, "2026-06-01 09:00", "top")
    _resolve(ticket, "2026-06-02 10:00", agent)
    ticket_transition(
        ticket=ticket, to_status=Status.IN_PROGRESS, now=ams("2026-06-03 09:00"), actor=agent
    )
    _resolve(ticket, "2026-06-04 15:00", agent)
    assert local(Problem.objects.get().rca_due_at) == "2026-07-04 15:00 +0200"


# --- PRB-05/07: the customer's written RCA request -------------------------------------------


def test_a_customer_rca_request_opens_a_problem_due_a_month_after_the_request(contact, agent):
    # Hoog: 9 business hours to respond from Mon 09:00, so breached by Wednesday.
    ticket = _incident(contact, "2026-06-01 09:00", "hoog")
    problem = problem_rca_request(
        ticket=ticket,
        requested_at=ams("2026-06-10 14:00"),
        now=ams("2026-06-10 15:00"),
        actor=agent,
    )
    ticket.refresh_from_db()
    assert ticket.problem_id == problem.pk
    assert problem.origin == ProblemOrigin.CUSTOMER_RCA_REQUEST
    assert local(problem.rca_requested_at) == "2026-06-10 14:00 +0200"
    assert local(problem.rca_due_at) == "2026-07-10 14:00 +0200"
    event = ticket.events.get(kind="rca_requested")
    assert event.data["target_breached"] is True


def test_a_request_before_the_resolution_keeps_the_earlier_due_date(contact, agent):
    ticket = _incident(contact, "2026-06-01 09:00", "top")
    problem = problem_rca_request(
        ticket=ticket,
        requested_at=ams("2026-06-02 09:00"),
        now=ams("2026-06-02 09:05"),
        actor=agent,
    )
    assert problem.origin == ProblemOrigin.AUTOMATIC_TOP  # the request joins the Top problem
    _resolve(ticket, "2026-06-05 16:00", agent)
    problem.refresh_from_db()
    assert local(problem.rca_due_at) == "2026-07-02 09:00 +0200"
    assert Problem.objects.count() == 1


def test_an_rca_request_cannot_lie_in_the_future(contact, agent):
    ticket = _incident(contact, "2026-06-01 09:00", "hoog")
    with pytest.raises(TicketValidationError, match="future"):
        problem_rca_request(
            ticket=ticket,
            requested_at=ams("2026-06-02 10:00"),
            now=ams("2026-06-02 09:00"),
            actor=agent,
        )


# --- Root cause, RCA report and closing ------------------------------------------------------


def _pdf(name="rca.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% RCA report\n", content_type="application/pdf")


def _zip(name, entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry, content in entries.items():
            archive.writestr(entry, content)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_a_problem_closes_only_with_root_cause_and_rca_report(contact, agent):
    ticket = _incident(contact, "2026-06-01 09:00", "top")
    problem = Problem.objects.get()
    with pytest.raises(InvalidTransition, match="without a root cause"):
        problem_close(problem=problem, now=ams("2026-06-02 09:00"), actor=agent)
    problem = problem_record_root_cause(
        problem=problem, text="Verlopen certificaat", now=ams("2026-06-02 09:00"), actor=agent
    )
    assert problem.status == ProblemStatus.ROOT_CAUSE_KNOWN
    with pytest.raises(InvalidTransition, match="RCA report"):
        problem_close(problem=problem, now=ams("2026-06-02 10:00"), actor=agent)
    problem = problem_attach_rca(
        problem=problem, file=_pdf(), now=ams("2026-06-03 09:00"), actor=agent
    )
    assert local(problem.rca_delivered_at) == "2026-06-03 09:00 +0200"
    assert problem.rca_report.name.startswith("rca/2026/")
    problem = problem_close(problem=problem, now=ams("2026-06-03 10:00"), actor=agent)
    assert problem.status == ProblemStatus.CLOSED
    kinds = list(ticket.events.filter(kind__startswith="problem_").values_list("kind", flat=True))
    assert kinds == ["problem_opened", "problem_root_cause_recorded", "problem_closed"]
    assert ticket.events.get(kind="rca_delivered").data["on_time"] is True


def test_a_coordinator_problem_without_rca_obligation_closes_with_its_root_cause(contact, agent):
    ticket = _incident(contact, "2026-06-01 09:00", "hoog")
    problem = problem_open(
        title="Herhaalde storing",
        customer=contact.customer,
        tickets=[ticket],
        origin=ProblemOrigin.COORDINATOR,
        now=ams("2026-06-01 09:30"),
        actor=agent,
    )
    problem_record_root_cause(problem=problem, text="Disk vol", now=ams("2026-06-02"), actor=agent)
    problem = problem_close(problem=problem, now=ams("2026-06-02 10:00"), actor=agent)
    assert (problem.status, local(problem.closed_at)) == (
        ProblemStatus.CLOSED,
        "2026-06-02 10:00 +0200",
    )


@pytest.mark.parametrize(
    "upload",
    [
        _zip("rca.docx", {"word/document.xml": "<w:document/>"}),
        _zip("rca.odt", {"mimetype": "application/vnd.oasis.opendocument.text"}),
        SimpleUploadedFile("rca.txt", b"Hoofdoorzaak: verlopen certificaat"),
    ],
    ids=["docx", "odt", "txt"],
)
def test_rca_reports_in_docx_odt_and_text_are_accepted(contact, agent, upload):
    _incident(contact, "2026-06-01 09:00", "top")
    problem = problem_attach_rca(
        problem=Problem.objects.get(), file=upload, now=ams("2026-06-03 09:00"), actor=agent
    )
    assert problem.rca_report.name.endswith(upload.name[-4:])


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("rca.exe", b"MZ\x90\x00"), "PDF, DOCX, ODT or TXT"),
        (SimpleUploadedFile("rca.pdf", b"not a pdf at all"), "is not a PDF file"),
        (_zip("rca.docx", {"content.xml": "x"}), "is not a DOCX file"),
        (SimpleUploadedFile("rca.txt", b"\x00\x01binary"), "is not a TXT file"),
        (SimpleUploadedFile("rca.pdf", b""), "empty"),
        (SimpleUploadedFile("rca.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024)), "limit is 20 MB"),
    ],
    ids=["exe", "fake-pdf", "fake-docx", "binary-txt", "empty", "too-big"],
)
def test_rca_reports_of_the_wrong_kind_or_size_are_refused(contact, agent, upload, message):
    _incident(contact, "2026-06-01 09:00", "top")
    with pytest.raises(TicketValidationError, match=message):
        problem_attach_rca(
            problem=Problem.objects.get(), file=upload, now=ams("2026-06-03 09:00"), actor=agent
        )
    assert Problem.objects.get().rca_delivered_at is None


# --- Linking ---------------------------------------------------------------------------------


def test_linking_moves_an_incident_between_problems_with_events(contact, agent):
    first = _incident(contact, "2026-06-01 09:00", "top")
    second = _incident(contact, "2026-06-02 09:00", "top")
    target = first.problem
    second = problem_link(ticket=second, problem=target, now=ams("2026-06-02 10:00"), actor=agent)
    assert second.problem_id == target.pk
    assert set(target.incidents.values_list("number", flat=True)) == {first.number, second.number}
    unlinked = second.events.get(kind="problem_unlinked")
    assert unlinked.data["reason"] == f"moved to {target.number}"
    assert second.events.get(kind="problem_linked").data["number"] == target.number


def test_only_incidents_of_the_problems_customer_can_be_linked(contact, agent):
    other = named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))
    problem = _incident(contact, "2026-06-01 09:00", "top").problem
    foreign = _incident(other, "2026-06-01 09:00", "hoog")
    question = create_ticket(contact, ams("2026-06-01 09:00"), request_type="information")
    with pytest.raises(TicketValidationError, match="another customer"):
        problem_link(ticket=foreign, problem=problem, now=ams("2026-06-01 10:00"), actor=agent)
    with pytest.raises(TicketValidationError, match="not an incident"):
        problem_link(ticket=question, problem=problem, now=ams("2026-06-01 10:00"), actor=agent)


def test_a_problem_without_customer_takes_incidents_of_several_customers(contact, agent):
    other = named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))
    tickets = [
        _incident(contact, "2026-06-01 09:00", "hoog"),
        _incident(other, "2026-06-01 09:10", "hoog"),
    ]
    problem = problem_open(
        title="Xurrent storing",
        customer=None,
        tickets=tickets,
        origin=ProblemOrigin.COORDINATOR,
        now=ams("2026-06-01 10:00"),
        actor=agent,
    )
    assert problem.product == SERVICE
    assert problem.incidents.count() == 2


def test_a_closed_problem_takes_no_more_incidents(contact, agent):
    ticket = _incident(contact, "2026-06-01 09:00", "hoog")
    problem = problem_open(
        title="x",
        customer=contact.customer,
        tickets=[],
        origin=ProblemOrigin.COORDINATOR,
        now=ams("2026-06-01 09:00"),
        actor=agent,
    )
    problem_record_root_cause(problem=problem, text="y", now=ams("2026-06-01 10:00"), actor=agent)
    problem_close(problem=problem, now=ams("2026-06-01 11:00"), actor=agent)
    with pytest.raises(InvalidTransition, match="closed"):
        problem_link(ticket=ticket, problem=problem, now=ams("2026-06-01 12:00"), actor=agent)


def test_automatic_problems_are_not_opened_by_hand(contact, agent):
    with pytest.raises(TicketValidationError, match="Top incident itself"):
        problem_open(
            title="x",
            customer=contact.customer,
            tickets=[],
            origin=ProblemOrigin.AUTOMATIC_TOP,
            now=ams("2026-06-01 09:00"),
            actor=agent,
        )


# --- the coordinator's prompt ----------------------------------------------------------


def test_two_hoog_incidents_on_one_service_within_30_days_prompt_a_problem(
    contact, django_assert_max_num_queries
):
    first = _incident(contact, "2026-06-01 09:00", "hoog")
    second = _incident(contact, "2026-06-30 09:00", "hoog")
    _incident(contact, "2026-06-15 09:00", "gemiddeld")  # not production-disrupting
    with django_assert_max_num_queries(1):
        suggestion = problem_suggestion(second)
    assert suggestion is not None
    assert [t.number for t in suggestion.tickets] == [first.number, second.number]
    assert suggestion.problems == []


def test_the_prompt_names_the_open_problem_of_a_top_incident(contact):
    top = _incident(contact, "2026-06-01 09:00", "top")
    hoog = _incident(contact, "2026-06-03 09:00", "hoog")
    suggestion = problem_suggestion(hoog)
    assert suggestion is not None
    assert [t.number for t in suggestion.tickets] == [top.number, hoog.number]
    assert [p.number for p in suggestion.problems] == [top.problem.number]


def test_one_incident_prompts_nothing(contact):
    ticket = _incident(contact, "2026-06-01 09:00", "hoog")
    assert problem_suggestion(ticket) is None


def test_incidents_31_days_apart_prompt_nothing(contact):
    _incident(contact, "2026-06-01 09:00", "hoog")
    later = _incident(contact, "2026-07-02 09:00", "hoog")
    assert problem_suggestion(later) is None


def test_incidents_of_two_customers_prompt_nothing(contact):
    other = named_contact(ContractFactory(provider_code="onitnow", package_code="ons"))
    _incident(other, "2026-06-01 09:00", "hoog")
    ticket = _incident(contact, "2026-06-02 09:00", "hoog")
    assert problem_suggestion(ticket) is None


def test_incidents_on_other_services_prompt_nothing(contact):
    create_ticket(contact, ams("2026-06-01 09:00"), priority_level="hoog", product="Xurrent")
    ticket = _incident(contact, "2026-06-02 09:00", "hoog")
    assert problem_suggestion(ticket) is None


def test_incidents_all_linked_to_one_problem_prompt_nothing(contact, agent):
    tickets = [
        _incident(contact, "2026-06-01 09:00", "hoog"),
        _incident(contact, "2026-06-02 09:00", "hoog"),
    ]
    problem_open(
        title="Herhaalde storing",
        customer=contact.customer,
        tickets=tickets,
        origin=ProblemOrigin.COORDINATOR,
        now=ams("2026-06-02 10:00"),
        actor=agent,
    )
    assert problem_suggestion(tickets[1]) is None


# --- Lists -----------------------------------------------------------------------------------


def test_problem_lists_count_incidents_and_flag_overdue_rcas(
    contact, agent, django_assert_max_num_queries
):
    first = _incident(contact, "2026-06-01 09:00", "top")
    second = _incident(contact, "2026-06-01 10:00", "top")
    problem_link(ticket=second, problem=first.problem, now=ams("2026-06-01 11:00"), actor=agent)
    _resolve(first, "2026-06-01 12:00", agent)
    with django_assert_max_num_queries(1):
        rows = [(p.number, p.incident_count) for p in problems_with_counts()]
    assert sorted(rows) == [("PRB-2026-0001", 2), ("PRB-2026-0002", 0)]
    overdue = {p.number: p.rca_overdue for p in problems_rca_open(ams("2026-07-02 09:00"))}
    assert overdue == {"PRB-2026-0001": True}


# --- Back-office ------------------------------------------------------------------------------


def test_the_problem_admin_lists_flags_and_records_through_the_services(client, contact):
    coordinator = UserFactory(is_superuser=True)
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    ticket = _incident(contact, "2026-01-05 09:00", "top")
    _resolve(ticket, "2026-01-06 09:00", coordinator)  # RCA due 6 Feb 2026: long overdue
    problem = Problem.objects.get()
    listing = client.get("/admin/tickets/problem/").content.decode()
    assert "rca-overdue" in listing
    url = f"/admin/tickets/problem/{problem.pk}/change/"
    assert ticket.number in client.get(url).content.decode()
    form = {"title": problem.title, "root_cause": "Verlopen certificaat", "workaround": ""}
    refused = client.post(url, {**form, "rca_report": SimpleUploadedFile("r.pdf", b"nope")})
    assert "is not a PDF file" in refused.content.decode()
    assert client.post(url, form).status_code == 302
    problem.refresh_from_db()
    assert (problem.status, problem.root_cause) == (
        ProblemStatus.ROOT_CAUSE_KNOWN,
        "Verlopen certificaat",
    )
    assert ticket.events.filter(kind="problem_root_cause_recorded").count() == 1
