"""Reads of tickets, for the back-office and (later) the portal and API."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.contrib.auth.models import User
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Model,
    OrderBy,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from contracts.models import Contact, RequestType, ResolutionStart
from contracts.selectors import contact_is_manager
from tickets.event_kinds import CUSTOMER_EVENT_DATA
from tickets.models import (
    Line,
    MessageKind,
    Metric,
    Problem,
    ProblemStatus,
    SlaClock,
    Status,
    Ticket,
    TicketEvent,
    TicketMessage,
    TimeEntry,
    VendorEscalation,
    queue_order,
)

QUEUE_ORDER: list[OrderBy] = queue_order()

# --- Who works a ticket (SPEC §1.3, PTY-20/21): the rule of the back-office and the API ------

SECOND_LINE_GROUP = "Second line"
WORK_GROUPS_BEYOND_ASSIGNMENT = ("First line", "Support coordinator")
# The provider-side groups whose members can be assigned a ticket.
ASSIGNABLE_GROUPS = ("First line", "Second line", "Support coordinator")


def ticket_workable(user: User, ticket: Ticket) -> bool:
    """May change the ticket: the first line and coordinators any ticket, the second line the
    tickets assigned to them or at the second line (SPEC §1.3)."""
    if not user.has_perm("tickets.change_ticket"):
        return False
    if user.is_superuser:
        return True
    groups = {g.name for g in user.groups.all()}
    if groups & set(WORK_GROUPS_BEYOND_ASSIGNMENT):
        return True
    if SECOND_LINE_GROUP in groups:
        return ticket.assignee_id == user.pk or ticket.line == Line.SECOND
    return True


def assignable_staff() -> QuerySet[User]:
    """Provider-side people who can be assigned a ticket."""
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(Q(groups__name__in=ASSIGNABLE_GROUPS) | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def tickets_for_queue() -> QuerySet[Ticket]:
    """Tickets in queue order with what a list row shows, in a fixed number of queries: the
    rows with their customer, package and SLA target, then per page their clocks, policies and
    assignees. Three joins, not six: PostgreSQL's planning time grows steeply with the joins,
    and at 100,000 tickets it spent 20-50 ms planning six for a page it then read in 2 ms."""
    queue = (
        Ticket.objects.select_related("customer", "package", "sla_target")
        .prefetch_related("sla_policy", "assignee")
        .order_by(*QUEUE_ORDER)
    )
    queue._iterable_class = RowsWithClocks
    return queue


class RowsWithClocks(ModelIterable):  # type: ignore[type-arg] # not generic at run time
    """Tickets, each with its SLA clocks in `clock_list` (by metric), read in one query as the
    tickets are: what `prefetch_related("clocks")` reads, without its reference cycles. That
    prefetch points every clock back to its ticket and keeps a queryset on the ticket that
    knows the ticket again, so a page's rows (tickets, clocks and what they select) outlived the
    request until a full garbage collection: at 100,000 tickets one of ~40,000 objects every
    tenth queue page, 12-30 ms in the middle of a request (issue #16)."""

    def __iter__(self) -> Iterator[Ticket]:
        tickets = list(super().__iter__())
        clocks: dict[int, list[SlaClock]] = {ticket.pk: [] for ticket in tickets}
        if clocks:
            found = SlaClock.objects.using(self.queryset.db).filter(ticket_id__in=clocks)
            for clock in found.order_by("metric"):
                clocks[clock.ticket_id].append(clock)
        for ticket in tickets:
            ticket.clock_list = clocks[ticket.pk]
        return iter(tickets)


def ticket_clocks(ticket: Ticket) -> Iterable[SlaClock]:
    """The ticket's SLA clocks: those its row was read with (RowsWithClocks), else its own."""
    clocks: list[SlaClock] | None = getattr(ticket, "clock_list", None)
    return ticket.clocks.all() if clocks is None else clocks


def ticket_clock_label(ticket: Ticket, metric: str) -> str:
    """One SLA clock in words (D5, D6, D7), from prefetched clocks; no extra query."""
    clock = next((c for c in ticket_clocks(ticket) if c.metric == metric), None)
    if clock is None:
        return _("no target")
    if clock.stopped_at is not None:
        if clock.met is None:
            return _("stopped (cancelled)")
        return _("met") if clock.met else _("missed")
    if clock.started_at is None:
        policy = ticket.sla_policy
        if (
            metric == Metric.RESOLUTION
            and policy is not None
            and (policy.resolution_start == ResolutionStart.ROOT_CAUSE_IDENTIFIED)
        ):
            return _("resolution clock not started (waits for the root cause)")
        return _("not started")
    if clock.due_at is None or ticket.status == Status.WAITING_FOR_CUSTOMER:
        return _("paused (waiting for the customer)")
    return _("running")


def ticket_priority_label(ticket: Ticket) -> str:
    """The provider's own name for the priority, in the viewer's language (D7)."""
    target = ticket.sla_target
    if target is None:
        return _("no priority")
    return target.label_en if (get_language() or "nl").startswith("en") else target.label_nl


def tickets_visible_to(contact: Contact, *, everything: bool = False) -> QuerySet[Ticket]:
    """D15: the organisation's tickets a contact may see. A named contact sees its own and those
    shared with the organisation; the manager sees all of them when it asks (`everything`)."""
    tickets = Ticket.objects.filter(customer_id=contact.customer_id)
    if everything and contact_is_manager(contact):
        return tickets
    return tickets.filter(Q(contact=contact) | Q(shared_with_organisation=True))


# --- What a customer sees of a ticket's conversation (issue #10 §6): the one visibility rule
# for pages, downloads, mails and the API. Internal notes and their files never reach a customer.

_Attachment = TypeVar("_Attachment", bound=Model)


def messages_visible_to_contact(contact: Contact, ticket: Ticket) -> QuerySet[TicketMessage]:
    """The public messages of the ticket, if the contact may see the ticket (D15); else none."""
    return TicketMessage.objects.filter(
        ticket=ticket,
        ticket__in=tickets_visible_to(contact, everything=True),
        kind=MessageKind.PUBLIC,
    )


def events_visible_to_contact(contact: Contact, ticket: Ticket) -> QuerySet[TicketEvent]:
    """The ticket's events a contact may see, if it may see the ticket (D15): the kinds of
    `tickets.event_kinds.CUSTOMER_EVENT_DATA`, a message only when it is public. Read their
    data through `event_data_for_customer`."""
    public_message = Q(kind="message_added", data__message_kind=MessageKind.PUBLIC)
    other_kinds = Q(kind__in=sorted(set(CUSTOMER_EVENT_DATA) - {"message_added"}))
    return TicketEvent.objects.filter(
        public_message | other_kinds,
        ticket=ticket,
        ticket__in=tickets_visible_to(contact, everything=True),
    )


def attachment_public_q() -> Q:
    """An attachment a customer may see: one of a public message (its own message, or the
    message its email became), or of the ticket's opening (no message at all). An attachment of
    an internal note, including an email that became one (an automatic reply), never is.

    Written on the attachment's field names: the attachment model lives in the intake, above
    this app, so the rule takes its querysets instead of importing it."""
    public, internal = MessageKind.PUBLIC, MessageKind.INTERNAL
    own_message_public = Q(ticket_message__kind=public)
    email_message_public = Q(ticket_message__isnull=True) & (
        Q(inbound__ticket_message__isnull=True) | Q(inbound__ticket_message__kind=public)
    )
    return (own_message_public | email_message_public) & ~Q(inbound__ticket_message__kind=internal)


def attachments_public(attachments: QuerySet[_Attachment]) -> QuerySet[_Attachment]:
    """What a mail to the customer may carry or name: only public attachments."""
    return attachments.filter(attachment_public_q())


def attachments_visible_to_contact(
    contact: Contact, attachments: QuerySet[_Attachment]
) -> QuerySet[_Attachment]:
    """The attachments (of any queryset: a ticket's, a message's, one id) that the contact may
    list and download: public ones of tickets it may see (D15)."""
    return attachments_public(
        attachments.filter(ticket__in=tickets_visible_to(contact, everything=True))
    )


def clock_breached_q(now: datetime, *, prefix: str = "") -> Q:
    """The one definition of "breached" for a clock (a ticket's clocks with `prefix`
    "clocks__"): its verdict is "missed", or it still runs past its due time."""
    return Q(**{f"{prefix}met": False}) | Q(
        **{f"{prefix}stopped_at__isnull": True, f"{prefix}due_at__lt": now}
    )


def tickets_breached(tickets: QuerySet[Ticket], now: datetime) -> QuerySet[Ticket]:
    """The tickets with a breached clock (no duplicates: a pk subquery)."""
    with_breach = SlaClock.objects.filter(clock_breached_q(now)).values("ticket_id")
    return tickets.filter(pk__in=with_breach)


def due_state(ticket: Ticket, due_at: datetime | None, now: datetime) -> tuple[str, str]:
    """(state, words) for a due time in the queue: on track, warning (the ticket is at risk:
    tickets.sla.warning_due, and this is its earliest running due time), breached, paused or
    none (D10 colours)."""
    if ticket.status == Status.WAITING_FOR_CUSTOMER:
        return "paused", _("paused")
    if due_at is None:
        return "none", "—"
    seconds = int((due_at - now).total_seconds())
    hours, minutes = divmod(abs(seconds) // 60, 60)
    days, day_hours = divmod(hours, 24)
    if hours >= 48:  # beyond two days the minutes are noise
        span = _("%(days)s d %(hours)s h") % {"days": days, "hours": day_hours}
    else:
        span = f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
    if seconds < 0:
        return "breached", _("%(span)s overdue") % {"span": span}
    at_risk = ticket.at_risk_at is not None and now >= ticket.at_risk_at
    state = "warning" if at_risk and due_at == ticket.earliest_due_at else "on_track"
    return state, _("due in %(span)s") % {"span": span}


# --- Problems, time entries and vendor escalations (D21, SPEC §5, CON-56, TKT-100..105) ---

# two or more Top/Hoog incidents of one customer on one service within 30 days.
SUGGESTION_WINDOW = timedelta(days=30)
SUGGESTION_RANK_MAX = 2
SUGGESTION_MIN_INCIDENTS = 2


@dataclass(frozen=True)
class ProblemSuggestion:
    """Incidents that look related (oldest first) and the open problems some already link to."""

    tickets: list[Ticket]
    problems: list[Problem]


def _suggestion_candidate(ticket: Ticket) -> bool:
    return (
        ticket.request_type == RequestType.INCIDENT
        and ticket.priority_rank is not None
        and ticket.priority_rank <= SUGGESTION_RANK_MAX
        and bool(ticket.product.strip())
        and ticket.status != Status.CANCELLED
    )


def problem_suggestion(ticket: Ticket) -> ProblemSuggestion | None:
    """A-39 prompt for the coordinator, in one query: the Top/Hoog incidents of the ticket's
    customer on its service registered within 30 days of it (this one included), when there
    are two or more and they are not all linked to one problem; otherwise None."""
    if not _suggestion_candidate(ticket):
        return None
    related = list(
        Ticket.objects.filter(
            customer_id=ticket.customer_id,
            product__iexact=ticket.product.strip(),
            request_type=RequestType.INCIDENT,
            priority_rank__lte=SUGGESTION_RANK_MAX,
            created_at__gte=ticket.created_at - SUGGESTION_WINDOW,
            created_at__lte=ticket.created_at + SUGGESTION_WINDOW,
        )
        .exclude(status=Status.CANCELLED)
        .select_related("problem")
        .order_by("created_at", "pk")
    )
    if len(related) < SUGGESTION_MIN_INCIDENTS:
        return None
    problem_ids = {t.problem_id for t in related}
    if len(problem_ids) == 1 and None not in problem_ids:
        return None
    problems: dict[int, Problem] = {}
    for incident in related:
        problem = incident.problem
        if problem is not None and problem.status != ProblemStatus.CLOSED:
            problems.setdefault(problem.pk, problem)
    return ProblemSuggestion(tickets=related, problems=list(problems.values()))


def problems_with_counts() -> QuerySet[Problem]:
    """Problems with `incident_count` annotated (one query), RCA due first."""
    return (
        Problem.objects.select_related("customer")
        .annotate(incident_count=Count("incidents"))
        .order_by(F("rca_due_at").asc(nulls_last=True), "-opened_at")
    )


def problems_rca_open(now: datetime) -> QuerySet[Problem]:
    """Open problems whose RCA is due and not delivered, with `rca_overdue` annotated."""
    return (
        problems_with_counts()
        .exclude(status=ProblemStatus.CLOSED)
        .filter(rca_due_at__isnull=False, rca_delivered_at__isnull=True)
        .annotate(
            rca_overdue=Case(
                When(rca_due_at__lt=now, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


def problem_incidents(problem: Problem) -> QuerySet[Ticket]:
    return problem.incidents.select_related("customer", "sla_target").order_by("created_at")


@dataclass(frozen=True)
class TimeTotals:
    total_minutes: int
    distance_km: int  # travelled, one way; whether any of it is billed is the contract's rule


def ticket_time_totals(ticket: Ticket) -> TimeTotals:
    """Minutes and travel distance registered on a ticket, in one query."""
    return tickets_time_totals([ticket.pk]).get(ticket.pk, TimeTotals(0, 0))


def tickets_time_totals(ticket_ids: Iterable[int]) -> dict[int, TimeTotals]:
    """Totals for many tickets in one query; tickets without time entries are left out."""
    rows = (
        TimeEntry.objects.filter(ticket_id__in=list(ticket_ids))
        .values("ticket_id")
        .annotate(total=Sum("minutes"), distance=Coalesce(Sum("distance_km"), 0))
        .order_by()
    )
    return {r["ticket_id"]: TimeTotals(r["total"], r["distance"]) for r in rows}


def ticket_time_entries(ticket: Ticket) -> QuerySet[TimeEntry]:
    return ticket.time_entries.select_related("user").order_by("started_at", "pk")


def ticket_vendor_escalations(ticket: Ticket) -> list[VendorEscalation]:
    """The ticket's vendor escalations, open ones first, in one query."""
    rows = list(ticket.vendor_escalations.select_related("escalated_by"))
    return sorted(rows, key=lambda e: (e.closed_at is not None, e.escalated_at, e.pk))


def ticket_has_open_vendor_escalation(ticket: Ticket) -> bool:
    """For the resolve form: suggests "resolution owned by vendor" (A-08, D9)."""
    return ticket.vendor_escalations.filter(closed_at__isnull=True).exists()
