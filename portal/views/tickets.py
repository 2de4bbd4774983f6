"""Portal ticket pages: home, list, detail with its actions, new ticket (issue #5 §2).

Views parse, call one service, render. Every ticket is read through portal.selectors, so a
ticket of another organisation answers 404."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from contracts.exceptions import DomainError
from escalation.services.actions import escalation_raise_by_customer
from escalation.services.emails import escalation_promise
from escalation.services.out_of_hours import ticket_create_reaching_on_call
from portal.access import contact_required
from portal.attachments import uploads_store
from portal.critical import (
    critical_portal_context,
    effort_24x7_request,
    staffing_downgrade_offered,
)
from portal.forms import (
    EscalateForm,
    NewTicketForm,
    PriorityRequestForm,
    ReplyForm,
    SurveyForm,
    TicketFilterForm,
)
from portal.selectors import (
    contact_is_manager,
    contracts_visible,
    sla_panel,
    ticket_visible,
    tickets_visible,
)
from tickets.models import OPEN_STATUSES, Attachment, Channel, Status, Ticket
from tickets.questions import contract_question_set
from tickets.selectors import (
    QUEUE_ORDER,
    attachments_visible_to_contact,
    messages_visible_to_contact,
)
from tickets.selectors_aem import ticket_policy_label
from tickets.services import (
    ticket_customer_confirm,
    ticket_priority_request,
    ticket_reply_customer,
    ticket_survey_answer,
)

LIST_COLUMNS = ("customer", "sla_target", "contact")


def _list(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return queryset.select_related(*LIST_COLUMNS)


@contact_required
def home(request: HttpRequest) -> HttpResponse:
    contact = request.contact  # type: ignore[attr-defined]
    visible = tickets_visible(contact)
    now = timezone.now()
    mine = visible.filter(contact=contact, status__in=OPEN_STATUSES)
    context = {
        "open": _list(mine.order_by(*QUEUE_ORDER))[:10],
        "waiting": _list(visible.filter(status=Status.WAITING_FOR_CUSTOMER))[:10],
        "resolved": _list(
            visible.filter(
                status__in=(Status.RESOLVED, Status.CLOSED),
                resolved_at__gte=now - timedelta(days=30),
            ).order_by("-resolved_at")
        )[:10],
        "attention": _list(
            visible.filter(status__in=OPEN_STATUSES)
            .filter(
                Q(earliest_due_at__lt=now)
                | Q(escalations__level__gte=1, escalations__resolved_at__isnull=True)
            )
            .distinct()
            .order_by("earliest_due_at")
        )[:10],
    }
    return render(request, "portal/home.html", context)


def _filtered(request: HttpRequest, form: TicketFilterForm) -> QuerySet[Ticket]:
    contact = request.contact  # type: ignore[attr-defined]
    data = form.cleaned_data if form.is_valid() else {}
    tickets = tickets_visible(contact, everything=bool(data.get("everything")))
    if data.get("q"):
        tickets = tickets.filter(Q(number__icontains=data["q"]) | Q(subject__icontains=data["q"]))
    for field, lookup in (
        ("status", "status"),
        ("request_type", "request_type"),
        ("rank", "priority_rank"),
        ("contact", "contact"),
        ("created_from", "created_at__date__gte"),
        ("created_to", "created_at__date__lte"),
    ):
        if data.get(field):
            tickets = tickets.filter(**{lookup: data[field]})
    sort = data.get("sort") or "queue"
    return _list(tickets.order_by(*(QUEUE_ORDER if sort == "queue" else [sort, "pk"])))


@contact_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    contact = request.contact  # type: ignore[attr-defined]
    form = TicketFilterForm(request.GET or None, customer_id=contact.customer_id)
    page = Paginator(_filtered(request, form), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/ticket_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "is_manager": contact_is_manager(request.contact),  # type: ignore[attr-defined]
        },
    )


def _levels(ticket: Ticket) -> list[tuple[str, str]]:
    if ticket.sla_policy is None:
        return []
    english = (request_language() or "nl").startswith("en")
    return [
        (t.level, t.label_en if english else t.label_nl)
        for t in ticket.sla_policy.targets.filter(request_type=ticket.request_type)
    ]


def request_language() -> str:
    from django.utils.translation import get_language

    return get_language() or "nl"


@contact_required
@require_http_methods(["GET", "POST"])
def ticket_detail(request: HttpRequest, number: str) -> HttpResponse:
    contact = request.contact  # type: ignore[attr-defined]
    ticket = ticket_visible(contact, number)
    if request.method == "POST":
        moved = _ticket_action(request, ticket)
        return moved or redirect("portal:ticket", number=number)
    # One visibility rule (issue #10 §6): internal notes and their files never show here.
    visible_files = attachments_visible_to_contact(contact, Attachment.objects.all())
    conversation = (
        messages_visible_to_contact(contact, ticket)
        .select_related("author_user", "author_contact")
        .prefetch_related(Prefetch("attachments", queryset=visible_files))
    )
    return render(
        request,
        "portal/ticket_detail.html",
        {
            "ticket": ticket,
            "conversation": conversation,
            "attachments": attachments_visible_to_contact(contact, ticket.attachments.all()),
            "sla": sla_panel(ticket, timezone.now()),
            "policy_label": ticket_policy_label(ticket),
            "reply_form": ReplyForm(prefix="reply"),
            "escalate_form": EscalateForm(prefix="escalate"),
            "unsatisfied_form": EscalateForm(prefix="unsatisfied"),
            "priority_form": PriorityRequestForm(
                prefix="priority",
                levels=_levels(ticket),
                staffing=staffing_downgrade_offered(ticket),
            ),
            "survey_form": SurveyForm(prefix="survey"),
            "survey": getattr(ticket, "survey", None) if hasattr(ticket, "survey") else None,
            "open": ticket.status in OPEN_STATUSES,
            **critical_portal_context(ticket),
        },
    )


def _ticket_action(request: HttpRequest, ticket: Ticket) -> HttpResponse | None:
    """One action per POST. Returns where to go when it is not back to this ticket (a reply that
    opened a follow-up ticket). A refusal (DomainError) propagates: the one web mapping,
    servicedesk.middleware.DomainErrorMiddleware, shows it on this page."""
    contact = request.contact  # type: ignore[attr-defined]
    action, now = request.POST.get("action", ""), timezone.now()
    form: Form
    if action == "reply":
        return _reply(request, ticket, contact, now)
    elif action in ("escalate", "unsatisfied"):
        form = EscalateForm(request.POST, prefix=action)
        if form.is_valid():
            escalation = escalation_raise_by_customer(
                ticket=ticket,
                contact=contact,
                now=now,
                reason=form.cleaned_data["reason"],
                unsatisfied=action == "unsatisfied",
            )
            # The page promises what the confirmation mail promises: told now, or when.
            promise = escalation_promise(escalation, now=now)
            received = _("Your escalation was received.")
            messages.success(request, f"{received} {promise}")
    elif action == "priority":
        form = PriorityRequestForm(
            request.POST,
            prefix="priority",
            levels=_levels(ticket),
            staffing=staffing_downgrade_offered(ticket),
        )
        if form.is_valid():
            ticket_priority_request(
                ticket=ticket,
                contact=contact,
                now=now,
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["reason"],
                reason_code=form.reason_code(),
            )
            messages.success(request, _("Your request was sent; the provider decides."))
    elif action == "effort_24x7":
        effort_24x7_request(request, ticket, contact, now)
    elif action in ("confirm", "reopen"):
        ticket_customer_confirm(
            ticket=ticket, contact=contact, now=now, confirmed=action == "confirm"
        )
    elif action == "survey":
        form = SurveyForm(request.POST, prefix="survey")
        if form.is_valid():
            ticket_survey_answer(
                ticket=ticket,
                contact=contact,
                now=now,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("Thank you for your answer."))
    return None


def _reply(request: HttpRequest, ticket: Ticket, contact: Any, now: Any) -> HttpResponse | None:
    form = ReplyForm(request.POST, request.FILES, prefix="reply", ticket=ticket)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return None
    # One rule for a customer's reply by every channel (issue #11 §1); a refused upload
    # (UploadRefused) keeps no half reply.
    result = ticket_reply_customer(
        ticket=ticket,
        contact=contact,
        body=form.cleaned_data["body"],
        now=now,
        channel=Channel.PORTAL,
        files=form.cleaned_data["attachments"],
    )
    if result.outcome == "follow_up":
        messages.success(
            request,
            _("Ticket %(old)s is closed; your message opened ticket %(new)s.")
            % {"old": ticket.number, "new": result.ticket.number},
        )
        return redirect("portal:ticket", number=result.ticket.number)
    if result.outcome == "reopened":
        messages.success(request, _("Your reply was added and the ticket is open again."))
    else:
        messages.success(request, _("Your reply was added."))
    return None


def _proposable_levels(contracts: QuerySet[Any]) -> list[tuple[str, str]]:
    """The levels a customer may propose under any of the contracts: only where the provider
    assigns the level (Microsoft, TKT-11); the proposal waits for the provider (D8)."""
    english = request_language().startswith("en")
    levels: dict[str, str] = {}
    for contract in contracts:
        for level, label in contract_question_set(contract).proposable_levels(english=english):
            levels.setdefault(level, label)
    return list(levels.items())


@contact_required
@require_http_methods(["GET", "POST"])
def ticket_new(request: HttpRequest) -> HttpResponse:
    """A customer proposes, the provider's rules decide (issue #11 §4): no level is passed to
    ticket_create; scope x effect, the checklist or the emergency flag pick the target, and a
    proposed severity becomes a pending priority request."""
    contact = request.contact  # type: ignore[attr-defined]
    contracts = contracts_visible(contact)
    form = NewTicketForm(
        request.POST or None,
        request.FILES or None,
        contracts=contracts,
        levels=_proposable_levels(contracts),
        customer=contact.customer,
    )
    if request.method == "POST" and form.is_valid():
        data, now = form.cleaned_data, timezone.now()
        proposed = data["proposed_level"]
        try:
            with transaction.atomic():  # a refused upload (UploadRefused) keeps no ticket
                # An emergency while the office is closed reaches on call.
                ticket = ticket_create_reaching_on_call(
                    data=form.create_input(contact=contact), now=now
                )
                if proposed and proposed != ticket.priority_level:
                    ticket_priority_request(
                        ticket=ticket,
                        contact=contact,
                        level=proposed,
                        reason=data["business_impact"],
                        now=now,
                    )
                uploads_store(data["attachments"], ticket=ticket, message=None, now=now)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Ticket %(number)s was registered.") % {"number": ticket.number}
            )
            if proposed and proposed != ticket.priority_level:
                messages.info(request, _("Your proposed severity was sent; the provider decides."))
            return redirect("portal:ticket", number=ticket.number)
    return render(request, "portal/ticket_new.html", {"form": form, "contracts": contracts})
