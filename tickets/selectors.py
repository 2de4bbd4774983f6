"""Reads of tickets, for the back-office and (later) the portal and API."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Case, F, OrderBy, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from contracts.models import Contact, ContactRole, ContactRoleKind, ResolutionStart
from tickets.models import OPEN_STATUSES, Metric, SlaClock, Status, Ticket

# D7 queue order: rank, then package precedence (CBG Extra > Basis > Standaard), then the
# earliest running due time; tickets without rank or due time come after those with one.
QUEUE_ORDER: list[OrderBy] = [
    # Open work first: resolved, closed and cancelled tickets follow, in the same order.
    Case(When(status__in=list(OPEN_STATUSES), then=Value(0)), default=Value(1)).asc(),
    F("priority_rank").asc(nulls_last=True),
    F("package_precedence").desc(),
    F("earliest_due_at").asc(nulls_last=True),
    F("created_at").asc(),
]


def tickets_for_queue() -> QuerySet[Ticket]:
    """Tickets in queue order with what a list needs in two queries: rows plus their clocks."""
    return (
        Ticket.objects.select_related("customer", "provider", "sla_policy", "sla_target")
        .prefetch_related(Prefetch("clocks", queryset=SlaClock.objects.order_by("metric")))
        .order_by(*QUEUE_ORDER)
    )


def ticket_clock_label(ticket: Ticket, metric: str) -> str:
    """One SLA clock in words (D5, D6, D7), from prefetched clocks; no extra query."""
    clock = next((c for c in ticket.clocks.all() if c.metric == metric), None)
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


def contact_is_manager(contact: Contact) -> bool:
    """The support services manager of any of the organisation's contracts sees everything."""
    return ContactRole.objects.filter(
        contact=contact, role=ContactRoleKind.SUPPORT_SERVICES_MANAGER
    ).exists()


def tickets_visible_to(contact: Contact, *, everything: bool = False) -> QuerySet[Ticket]:
    """D15: the organisation's tickets a contact may see. A named contact sees its own and those
    shared with the organisation; the manager sees all of them when it asks (`everything`)."""
    tickets = Ticket.objects.filter(customer_id=contact.customer_id)
    if everything and contact_is_manager(contact):
        return tickets
    return tickets.filter(Q(contact=contact) | Q(shared_with_organisation=True))


def due_state(ticket: Ticket, due_at: datetime | None, now: datetime) -> tuple[str, str]:
    """(state, words) for a due time in the queue: on track, warning (within an hour),
    breached, paused or none (D10 colours)."""
    if ticket.status == Status.WAITING_FOR_CUSTOMER:
        return "paused", _("paused")
    if due_at is None:
        return "none", "—"
    seconds = int((due_at - now).total_seconds())
    hours, minutes = divmod(abs(seconds) // 60, 60)
    span = f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
    if seconds < 0:
        return "breached", _("breached %(span)s ago") % {"span": span}
    state = "warning" if seconds <= 3600 else "on_track"
    return state, _("due in %(span)s") % {"span": span}
