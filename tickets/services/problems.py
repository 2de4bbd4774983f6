"""Problems and root cause analysis (SPEC §5, DECISIONS D21, A-38, A-39).

Every Top incident opens a problem whose RCA is due one calendar month after the incident is
resolved; a customer's written RCA request is due one calendar month after the request. Each
change is written as an event on every incident linked to the problem.
"""

from __future__ import annotations

import calendar
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files import File
from django.db import connection, transaction
from django.utils.translation import gettext as _

from contracts.models import Customer, RequestType
from contracts.text import display_line
from tickets.exceptions import InvalidTransition, TicketValidationError
from tickets.models import (
    Problem,
    ProblemCounter,
    ProblemOrigin,
    ProblemStatus,
    Ticket,
    TicketEvent,
)
from tickets.selectors import problem_suggestion
from tickets.services.guards import requires_aware_now
from tickets.services.problems_sql import top_problem_insert

# D21 / PRB-03: onITnow's "Top" level (rank 1 of its policies) opens a problem by itself.
TOP_LEVEL = "top"
RCA_MAX_BYTES = 20 * 1024 * 1024
RCA_EXTENSIONS = frozenset({".pdf", ".docx", ".odt", ".txt"})


def is_top_incident(ticket: Ticket) -> bool:
    return ticket.request_type == RequestType.INCIDENT and ticket.priority_level == TOP_LEVEL


def months_add(value: datetime, months: int) -> datetime:
    """The same wall-clock time `months` calendar months later on the provider's calendar,
    the day clamped to the month's end (31 Jan -> 28/29 Feb)."""
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    local = value.astimezone(zone)
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day).astimezone(value.tzinfo)


def _problem_year(now: datetime) -> int:
    return now.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE)).year


def problem_number_next(*, now: datetime) -> str:
    """PRB-<year>-<n>: one UPDATE ... RETURNING per problem, safe under concurrency."""
    year = _problem_year(now)
    table = ProblemCounter._meta.db_table
    sql = f"UPDATE {table} SET last = last + 1 WHERE year = %s RETURNING last"
    with connection.cursor() as cursor:
        cursor.execute(sql, [year])
        row = cursor.fetchone()
        if row is None:
            ProblemCounter.objects.bulk_create([ProblemCounter(year=year)], ignore_conflicts=True)
            cursor.execute(sql, [year])
            row = cursor.fetchone()
    return f"PRB-{year}-{row[0]:04d}"


def _events(
    ticket_ids: Iterable[int],
    kind: str,
    now: datetime,
    actor: User | None,
    data: dict[str, Any],
) -> None:
    TicketEvent.objects.bulk_create(
        TicketEvent(ticket_id=pk, kind=kind, actor_user=actor, data=data, created_at=now)
        for pk in ticket_ids
    )


def _incident_ids(problem: Problem) -> list[int]:
    return list(problem.incidents.values_list("pk", flat=True))


def _ref(problem: Problem) -> dict[str, Any]:
    return {"problem": problem.pk, "number": problem.number}


def _locked_problem(problem: Problem) -> Problem:
    return Problem.objects.select_for_update().get(pk=problem.pk)


def _problem_new(problem: Problem, now: datetime) -> Problem:
    """`problem` (unsaved, `_problem_unsaved`) with the next number, saved."""
    problem.number = problem_number_next(now=now)
    problem.save(force_insert=True)
    return problem


def _problem_unsaved(
    *,
    title: str,
    customer_id: int | None,
    product: str,
    origin: str,
    now: datetime,
    actor: User | None,
    source_ticket: Ticket | None = None,
) -> Problem:
    return Problem(
        title=display_line(title)[:250],
        customer_id=customer_id,
        product=display_line(product)[:200],
        origin=origin,
        source_ticket=source_ticket,
        opened_at=now,
        opened_by=actor,
        updated_at=now,
    )


def _ticket_problem(
    ticket: Ticket, origin: str, now: datetime, actor: User | None, *, source: bool = False
) -> Problem:
    """A new problem named after `ticket` (`source`: opened for it by itself, D21)."""
    return _problem_unsaved(
        title=f"{ticket.number}: {ticket.subject}",
        customer_id=ticket.customer_id,
        product=ticket.product,
        origin=origin,
        now=now,
        actor=actor,
        source_ticket=ticket if source else None,
    )


def _link(tickets: Sequence[Ticket], problem: Problem, now: datetime, actor: User | None) -> None:
    """Move locked tickets onto the problem; a ticket already elsewhere is unlinked first."""
    for ticket in tickets:
        if ticket.problem_id == problem.pk:
            continue
        if ticket.problem_id is not None:
            before = {"problem": ticket.problem_id, "reason": "moved to " + problem.number}
            _events([ticket.pk], "problem_unlinked", now, actor, before)
        ticket.problem = problem
        ticket.updated_at = now
        ticket.save(update_fields=["problem", "updated_at"])
        _events([ticket.pk], "problem_linked", now, actor, _ref(problem))


def _check_linkable(ticket: Ticket, problem_customer_id: int | None) -> None:
    if ticket.request_type != RequestType.INCIDENT:
        raise TicketValidationError(
            "tickets",
            _("%(n)s is not an incident; only incidents belong to a problem.")
            % {"n": ticket.number},
        )
    if problem_customer_id is not None and ticket.customer_id != problem_customer_id:
        raise TicketValidationError(
            "tickets",
            _("%(n)s is another customer's ticket; open a problem without a customer for both.")
            % {"n": ticket.number},
        )


@requires_aware_now
@transaction.atomic
def problem_open(
    *,
    title: str,
    customer: Customer | None,
    tickets: Sequence[Ticket],
    origin: str,
    now: datetime,
    actor: User | None,
    product: str = "",
) -> Problem:
    """Open a problem and link incidents to it (PRB-01; A-39: the coordinator's prompt)."""
    title = display_line(title)  # issue #10 §2: a title of invisible characters is empty
    if not title:
        raise TicketValidationError("title", _("Give the problem a title."))
    if origin not in (ProblemOrigin.COORDINATOR, ProblemOrigin.CUSTOMER_RCA_REQUEST):
        raise TicketValidationError(
            "origin", _("Automatic problems are opened by the Top incident itself.")
        )
    locked = list(
        Ticket.objects.select_for_update(of=("self",)).filter(pk__in=[t.pk for t in tickets])
    )
    customer_id = customer.pk if customer is not None else None
    for ticket in locked:
        _check_linkable(ticket, customer_id)
    products = {t.product for t in locked}
    if not product and len(products) == 1:
        product = products.pop()
    problem = _problem_new(
        _problem_unsaved(
            title=title,
            customer_id=customer_id,
            product=product,
            origin=origin,
            now=now,
            actor=actor,
        ),
        now,
    )
    _link(locked, problem, now, actor)
    return problem


@requires_aware_now
def problem_open_for_top_incident(
    *, ticket: Ticket, now: datetime, actor: User | None, new: bool = False
) -> Problem | None:
    """D21: a Top incident without a problem gets one, once in its life. The caller holds the
    ticket (`new`: it was just created, so it cannot have had one); the unique constraint on
    (source ticket, automatic) is the backstop. Every new ticket asks: the answer for all the
    others costs no query."""
    if not is_top_incident(ticket) or ticket.problem_id is not None:
        return None
    return _problem_open_for_top_incident(ticket=ticket, now=now, actor=actor, new=new)


# No savepoint: every caller holds the ticket in its own transaction, and an error here is an
# error of that whole change.
@transaction.atomic(savepoint=False)
def _problem_open_for_top_incident(
    *, ticket: Ticket, now: datetime, actor: User | None, new: bool
) -> Problem | None:
    earlier = Problem.objects.filter(source_ticket=ticket, origin=ProblemOrigin.AUTOMATIC_TOP)
    if not new and earlier.exists():
        return None
    problem = _ticket_problem(ticket, ProblemOrigin.AUTOMATIC_TOP, now, actor, source=True)
    if connection.vendor == "postgresql":  # the same rows in one statement (problems_sql)
        top_problem_insert(problem, ticket=ticket, year=_problem_year(now), now=now, actor=actor)
        ticket.problem = problem
        return problem
    _problem_new(problem, now)
    Ticket.objects.filter(pk=ticket.pk).update(problem=problem)
    ticket.problem = problem
    _events([ticket.pk], "problem_opened", now, actor, {**_ref(problem), "automatic": True})
    return problem


@requires_aware_now
@transaction.atomic
def problem_open_from_ticket(
    *, ticket: Ticket, title: str, with_suggested: bool, now: datetime, actor: User
) -> Problem:
    """The coordinator opens a problem from an incident (A-39), with the recurring incidents
    of D21's suggestion linked too when asked."""
    incidents = [ticket]
    suggestion = problem_suggestion(ticket) if with_suggested else None
    if suggestion is not None:
        incidents += [t for t in suggestion.tickets if t.pk != ticket.pk]
    return problem_open(
        title=title,
        customer=ticket.customer,
        tickets=incidents,
        origin=ProblemOrigin.COORDINATOR,
        now=now,
        actor=actor,
        product=ticket.product,
    )


@requires_aware_now
@transaction.atomic
def problem_link(*, ticket: Ticket, problem: Problem, now: datetime, actor: User) -> Ticket:
    """Link an incident to a problem (moving it from another problem if need be)."""
    problem = _locked_problem(problem)
    if problem.status == ProblemStatus.CLOSED:
        raise InvalidTransition(
            _("Problem %(n)s is closed; open a new one.") % {"n": problem.number}
        )
    ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
    _check_linkable(ticket, problem.customer_id)
    _link([ticket], problem, now, actor)
    return ticket


@requires_aware_now
@transaction.atomic
def problem_unlink(*, ticket: Ticket, now: datetime, actor: User) -> Ticket:
    ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
    if ticket.problem_id is None:
        raise TicketValidationError(
            "problem", _("%(n)s is not linked to a problem.") % {"n": ticket.number}
        )
    before = ticket.problem_id
    ticket.problem = None
    ticket.updated_at = now
    ticket.save(update_fields=["problem", "updated_at"])
    _events([ticket.pk], "problem_unlinked", now, actor, {"problem": before})
    return ticket


def _rca_due(problem: Problem, *candidates: datetime | None) -> datetime | None:
    """The earliest RCA obligation: each request and Top resolution has its own month."""
    values = [c for c in candidates if c is not None]
    if problem.rca_requested_at is not None:
        values.append(months_add(problem.rca_requested_at, 1))
    return min(values) if values else None


@requires_aware_now
@transaction.atomic
def problem_ticket_resolved(*, ticket: Ticket, now: datetime, actor: User | None) -> Problem | None:
    """A-38: the RCA of a Top incident is due one calendar month after its resolution. The
    incident that opened an automatic problem sets that month itself (again after a reopen);
    another Top incident can only bring the due date forward."""
    if ticket.problem_id is None or ticket.resolved_at is None:
        return None
    problem = Problem.objects.select_for_update().get(pk=ticket.problem_id)
    own = problem.origin == ProblemOrigin.AUTOMATIC_TOP and problem.source_ticket_id == ticket.pk
    if not (own or is_top_incident(ticket)) or problem.rca_delivered_at is not None:
        return None
    if problem.status == ProblemStatus.CLOSED:
        return None
    earlier = None if own else problem.rca_due_at
    problem.rca_due_at = _rca_due(problem, months_add(ticket.resolved_at, 1), earlier)
    problem.updated_at = now
    problem.save(update_fields=["rca_due_at", "updated_at"])
    data = {**_ref(problem), "rca_due_at": _iso(problem.rca_due_at)}
    _events([ticket.pk], "rca_due_set", now, actor, data)
    return problem


def _target_breached(ticket: Ticket, at: datetime) -> bool:
    return any(
        clock.met is False
        or (clock.stopped_at is None and clock.due_at is not None and clock.due_at < at)
        for clock in ticket.clocks.all()
    )


@requires_aware_now
@transaction.atomic
def problem_rca_request(
    *, ticket: Ticket, requested_at: datetime, now: datetime, actor: User
) -> Problem:
    """PRB-05/07: the customer's written RCA request, due one calendar month after the request.
    The ticket's open problem takes the request; without one a problem is opened for it."""
    if requested_at.tzinfo is None or requested_at.utcoffset() is None:
        raise TicketValidationError("requested_at", _("Give the request time with a time zone."))
    if requested_at > now:
        raise TicketValidationError("requested_at", _("The request time is in the future."))
    ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
    problem = None
    if ticket.problem_id is not None:
        problem = Problem.objects.select_for_update().get(pk=ticket.problem_id)
    if problem is None or problem.status == ProblemStatus.CLOSED:
        _check_linkable(ticket, None)
        problem = _problem_new(
            _ticket_problem(ticket, ProblemOrigin.CUSTOMER_RCA_REQUEST, now, actor), now
        )
        _link([ticket], problem, now, actor)
    if problem.rca_requested_at is None or requested_at < problem.rca_requested_at:
        problem.rca_requested_at = requested_at
    problem.rca_due_at = _rca_due(problem, problem.rca_due_at)
    problem.updated_at = now
    problem.save(update_fields=["rca_requested_at", "rca_due_at", "updated_at"])
    data = {
        **_ref(problem),
        "requested_at": requested_at.isoformat(),
        "rca_due_at": _iso(problem.rca_due_at),
        # PRB-05 is about a breached target; recorded, not enforced (availability counts too).
        "target_breached": _target_breached(ticket, requested_at),
    }
    _events([ticket.pk], "rca_requested", now, actor, data)
    return problem


def _open_problem(problem: Problem) -> Problem:
    problem = _locked_problem(problem)
    if problem.status == ProblemStatus.CLOSED:
        raise InvalidTransition(_("Problem %(n)s is closed.") % {"n": problem.number})
    return problem


@requires_aware_now
@transaction.atomic
def problem_update(
    *, problem: Problem, title: str, workaround: str, now: datetime, actor: User
) -> Problem:
    """Change the title and the workaround known for the problem's incidents."""
    if not title.strip():
        raise TicketValidationError("title", _("Give the problem a title."))
    problem = _open_problem(problem)
    changed = problem.workaround != workaround
    problem.title, problem.workaround, problem.updated_at = title.strip()[:250], workaround, now
    problem.save(update_fields=["title", "workaround", "updated_at"])
    if changed:
        _events(_incident_ids(problem), "problem_workaround_recorded", now, actor, _ref(problem))
    return problem


@requires_aware_now
@transaction.atomic
def problem_record_root_cause(
    *, problem: Problem, text: str, now: datetime, actor: User
) -> Problem:
    """The problem's root cause; the incidents' own SLA clocks are not touched (that is
    ticket_record_root_cause, per ticket, D5)."""
    if not text.strip():
        raise TicketValidationError("root_cause", _("Describe the root cause."))
    problem = _open_problem(problem)
    problem.root_cause = text.strip()
    if problem.root_cause_identified_at is None:
        problem.root_cause_identified_at = now
    problem.status = ProblemStatus.ROOT_CAUSE_KNOWN
    problem.updated_at = now
    problem.save()
    _events(_incident_ids(problem), "problem_root_cause_recorded", now, actor, _ref(problem))
    return problem


def rca_file_check(file: File[Any]) -> None:
    """PDF, DOCX, ODT or plain text of at most 20 MB, judged by the bytes, not only the name."""
    extension = PurePath(file.name or "").suffix.lower()
    if extension not in RCA_EXTENSIONS:
        raise TicketValidationError(
            "rca_report", _("The RCA report must be a PDF, DOCX, ODT or TXT file.")
        )
    if not file.size:
        raise TicketValidationError("rca_report", _("The RCA report is empty."))
    if file.size > RCA_MAX_BYTES:
        raise TicketValidationError(
            "rca_report",
            _("The RCA report is %(mb).1f MB; the limit is 20 MB.") % {"mb": file.size / 2**20},
        )
    file.seek(0)
    if not _content_matches(file, extension):
        raise TicketValidationError(
            "rca_report",
            _("The content of %(name)s is not a %(ext)s file.")
            % {"name": PurePath(file.name or "").name, "ext": extension[1:].upper()},
        )
    file.seek(0)


def _content_matches(file: File[Any], extension: str) -> bool:
    if extension == ".pdf":
        return bytes(file.read(5)) == b"%PDF-"
    if extension == ".txt":
        head = bytes(file.read(64 * 1024))
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:  # a cut multi-byte character at the end is fine
            if exc.start < len(head) - 3:
                return False
        return b"\x00" not in head
    try:
        with zipfile.ZipFile(file) as archive:
            if extension == ".docx":
                return "word/document.xml" in archive.namelist()
            return archive.read("mimetype") == b"application/vnd.oasis.opendocument.text"
    except (zipfile.BadZipFile, KeyError):
        return False


@requires_aware_now
@transaction.atomic
def problem_attach_rca(*, problem: Problem, file: File[Any], now: datetime, actor: User) -> Problem:
    """PRB-04: the RCA report is attached to the problem; attaching it delivers the RCA."""
    rca_file_check(file)
    problem = _open_problem(problem)
    problem.rca_report.save(PurePath(file.name or "rca").name, file, save=False)
    problem.rca_delivered_at = now
    problem.updated_at = now
    problem.save()
    data = {**_ref(problem), "on_time": problem.rca_due_at is None or now <= problem.rca_due_at}
    _events(_incident_ids(problem), "rca_delivered", now, actor, data)
    return problem


def rca_required(problem: Problem) -> bool:
    """PRB-06: Top incidents always get an RCA; PRB-05: so does a customer's request."""
    return (
        problem.origin != ProblemOrigin.COORDINATOR
        or problem.rca_requested_at is not None
        or problem.rca_due_at is not None
    )


@requires_aware_now
@transaction.atomic
def problem_close(*, problem: Problem, now: datetime, actor: User) -> Problem:
    problem = _open_problem(problem)
    if not problem.root_cause.strip():
        raise InvalidTransition(
            _("Problem %(n)s cannot be closed without a root cause.") % {"n": problem.number}
        )
    if rca_required(problem) and problem.rca_delivered_at is None:
        raise InvalidTransition(
            _("Problem %(n)s needs its RCA report before it can be closed.") % {"n": problem.number}
        )
    problem.status = ProblemStatus.CLOSED
    problem.closed_at = problem.updated_at = now
    problem.save()
    _events(_incident_ids(problem), "problem_closed", now, actor, _ref(problem))
    return problem


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
