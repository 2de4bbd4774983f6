"""ticket_create: the one way a ticket is made, for every channel (ARCHITECTURE rule 1)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from contracts.exceptions import UnknownPriority
from contracts.models import Contact, Contract, RequestType, SlaTarget
from contracts.selectors import PolicyTargets, contract_for_submission, sla_policy_targets
from contracts.selectors_events import (
    PACKAGE_CHOICE,
    PolicyChoice,
    ServiceArea,
    extended_policy_choose,
)
from contracts.text import display_line, display_text
from tickets.exceptions import TicketValidationError
from tickets.models import (
    Channel,
    ClockSegment,
    ImpactEffect,
    ImpactScope,
    SegmentState,
    Ticket,
    TicketEvent,
)
from tickets.services.clocks import clocks_build, ticket_calendar_row
from tickets.services.guards import requires_aware_now
from tickets.services.numbering import ticket_insert_numbered
from tickets.services.problems import problem_open_for_top_incident
from tickets.signals import ChangeKind, TicketChange, ticket_change_emit

# SPEC TKT-41: all five must hold for a CBG situation to be business-critical.
BUSINESS_CRITICAL_CHECKS = (
    "no_listed_failure",
    "working_situation_delivered",
    "passwords_handed_over",
    "files_unreachable_for_all",
    "no_user_can_login",
)


@dataclass(frozen=True)
class TicketCreateInput:
    contact: Contact
    request_type: str
    channel: str
    subject: str
    description: str
    contract_id: int | None = None
    priority_level: str = ""
    impact_scope: str = ""
    impact_effect: str = ""
    business_impact: str = ""
    business_critical_checklist: Mapping[str, bool] = field(default_factory=dict)
    any_user_can_login: bool | None = None
    emergency: bool = False
    policy_code: str = ""
    reproduction_steps: str = ""
    created_by: User | None = None
    follow_up_of: Ticket | None = None
    product: str = ""
    # Microsoft's extended services (contracts.selectors_events.ServiceArea): what the ticket is
    # about picks Rapid Response / AEM / Retail targets when the contract has the service.
    service_area: str = ""
    # Issue #11 §2: the contact gets a receipt (number, due times), written with the ticket's
    # other new mails (one INSERT, carried by its webhook event's statement).
    send_receipt: bool = True
    # The receipt's outbox key, when the channel names it: email intake's is the incoming
    # message's (`receipt:<inbound>`: one per message, its Message-ID threads the answers).
    # Empty: `receipt:ticket:<ticket>`.
    receipt_key: str = ""
    # D15, issue #11 §5: None takes the contract's default.
    shared_with_organisation: bool | None = None
    # Issue #11 §3: a coordinator's reason to accept someone who is not a named contact.
    named_contact_override: str = ""
    # Issue #11 §3, staff registration: when the request reached the provider (a phone call, a
    # walk-in), if before `now`. The ticket's creation time, its contract day and its clocks
    # start there; `now` stays the registration time, logged on the "created" event.
    received_at: datetime | None = None
    # How it reached the provider ("phone", "walk_in", "on_behalf"), logged on that event.
    received_how: str = ""


def _validate(data: TicketCreateInput) -> None:
    if not data.subject.strip():
        raise TicketValidationError("subject", _("A subject is required."))
    if len(data.subject) > 250:
        raise TicketValidationError("subject", _("The subject is longer than 250 characters."))
    if not data.description.strip():
        raise TicketValidationError("description", _("A description is required."))
    if data.request_type not in RequestType.values:
        raise TicketValidationError(
            "request_type",
            _("Unknown request type %(value)r; use one of %(all)s.")
            % {"value": data.request_type, "all": ", ".join(RequestType.values)},
        )
    if data.channel not in Channel.values:
        raise TicketValidationError(
            "channel",
            _("Unknown channel %(value)r; use one of %(all)s.")
            % {"value": data.channel, "all": ", ".join(Channel.values)},
        )
    if data.impact_scope and data.impact_scope not in ImpactScope.values:
        raise TicketValidationError(
            "impact_scope", _("Unknown impact scope %(value)r.") % {"value": data.impact_scope}
        )
    if data.impact_effect and data.impact_effect not in ImpactEffect.values:
        raise TicketValidationError(
            "impact_effect", _("Unknown impact effect %(value)r.") % {"value": data.impact_effect}
        )
    if data.service_area not in ServiceArea.values:
        raise TicketValidationError(
            "service_area",
            _("Unknown service area %(value)r; use one of %(all)s.")
            % {"value": data.service_area, "all": ", ".join(v for v in ServiceArea.values if v)},
        )
    unknown = set(data.business_critical_checklist) - set(BUSINESS_CRITICAL_CHECKS)
    if unknown:
        raise TicketValidationError(
            "business_critical_checklist",
            _("Unknown checklist items: %(items)s.") % {"items": ", ".join(sorted(unknown))},
        )


def _received_at(data: TicketCreateInput, now: datetime) -> datetime:
    """When the clocks start: the time the request came in (never after its registration)."""
    received = data.received_at
    if received is None:
        return now
    if received.tzinfo is None or received.utcoffset() is None:
        raise TicketValidationError(
            "received_at", "received_at needs an aware datetime (with a time zone)."
        )
    if received > now:
        raise TicketValidationError(
            "received_at", _("The time the request came in cannot be in the future.")
        )
    return received.astimezone(UTC)


def is_business_critical(data: TicketCreateInput) -> bool:
    """TKT-41/42: every check holds and no user at all can log in."""
    checks = data.business_critical_checklist
    return all(checks.get(name) is True for name in BUSINESS_CRITICAL_CHECKS) and (
        data.any_user_can_login is not True
    )


def target_choose(policy: PolicyTargets | None, data: TicketCreateInput) -> SlaTarget | None:
    """The target row for the request (D7); information/change requests have none (A-47)."""
    if policy is None:
        return None
    targets = [t for t in policy.targets if t.request_type == data.request_type]
    if not targets:
        return None
    if data.priority_level:
        for target in targets:
            if target.level == data.priority_level:
                return target
        levels = ", ".join(t.level for t in targets)
        raise UnknownPriority(
            _("Priority %(level)r is not in %(policy)s; use one of %(levels)s.")
            % {"level": data.priority_level, "policy": policy.policy.name, "levels": levels}
        )
    matches = [t for t in targets if _target_matches(t, data)]
    # No impact answer given: the lowest priority of the table until the provider decides.
    pool = matches or targets
    return max(pool, key=lambda t: (t.rank, t.sort))


def _target_matches(target: SlaTarget, data: TicketCreateInput) -> bool:
    if target.impact_scope or target.impact_effect:
        return (target.impact_scope, target.impact_effect) == (
            data.impact_scope,
            data.impact_effect,
        )
    if target.business_critical is not None:
        return target.business_critical == is_business_critical(data)
    if target.emergency is not None:
        return target.emergency == data.emergency
    return False


def _display_cleaned(data: TicketCreateInput) -> TicketCreateInput:
    """What every door stores for display, without control, bidi or zero-width characters
    (issue #10 §2); checked after cleaning, so a subject of invisible characters is empty."""
    return replace(
        data,
        subject=display_line(data.subject),
        description=display_text(data.description),
        reproduction_steps=display_text(data.reproduction_steps),
        business_impact=display_text(data.business_impact),
        product=display_line(data.product),
    )


@requires_aware_now
def ticket_create(*, data: TicketCreateInput, now: datetime) -> Ticket:
    """Create a ticket with its frozen SLA basis, clocks, ledger and audit event."""
    data = _display_cleaned(data)
    _validate(data)
    received = _received_at(data, now)
    # The contract day is the provider's calendar day, not UTC's (00:00-02:00 differ).
    today = received.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE)).date()
    contract = contract_for_submission(
        contact=data.contact,
        on=today,
        contract_id=data.contract_id,
        allow_not_named=bool(data.named_contact_override.strip()),
    )
    choice = _policy_choice(data, contract, received)
    policy = sla_policy_targets(contract=contract, policy_code=choice.code)
    target = target_choose(policy, data)
    # Every refusal is above, before the first write: the writes alone are the transaction.
    # Nested in a caller's transaction they take no savepoint of their own (two round trips
    # a ticket): a caller that goes on after a refusal finds its transaction untouched, and
    # an error below is no refusal, so it rolls the caller's transaction back too.
    with transaction.atomic(savepoint=False):
        ticket = Ticket(
            provider=contract.provider,
            customer=contract.customer,
            contract=contract,
            contact=data.contact,
            request_type=data.request_type,
            channel=data.channel,
            subject=data.subject.strip(),
            description=data.description,
            reproduction_steps=data.reproduction_steps,
            created_by=data.created_by,
            follow_up_of=data.follow_up_of,
            product=data.product.strip()[:200],
            priority_level=target.level if target else "",
            priority_rank=target.rank if target else None,
            package_precedence=contract.package.precedence,
            impact_scope=data.impact_scope,
            impact_effect=data.impact_effect,
            business_impact=data.business_impact,
            business_critical_checklist=dict(data.business_critical_checklist),
            any_user_can_login=data.any_user_can_login,
            emergency=data.emergency,
            shared_with_organisation=(
                contract.tickets_shared_by_default
                if data.shared_with_organisation is None
                else data.shared_with_organisation
            ),
            named_contact_override=display_text(data.named_contact_override).strip(),
            package=contract.package,
            contract_version=contract.version,
            sla_policy=policy.policy if policy and target else None,
            sla_target=target,
            calendar=ticket_calendar_row(contract, target),
            created_at=received,
            updated_at=now,
        )
        clocks = clocks_build(ticket=ticket, target=target, now=now)
        segment = ClockSegment(
            ticket=ticket, state=SegmentState.RUNNING, started_at=received, reason="registered"
        )
        created = TicketEvent(
            ticket=ticket,
            kind="created",
            actor_user=data.created_by,
            actor_contact=data.contact,
            created_at=now,
            data={
                "channel": data.channel,
                "request_type": data.request_type,
                "priority": ticket.priority_level,
                "rank": ticket.priority_rank,
                "policy": policy.policy.code if policy and target else None,
                "policy_reason": choice.reason or None,
                "aem_event": choice.event.pk if choice.event else None,
                "contract_version": contract.version,
                "response_due_at": _iso(ticket.response_due_at),
                "resolution_due_at": _iso(ticket.resolution_due_at),
                "named_contact_override": ticket.named_contact_override or None,
                # The event's own time is the registration; this is when the request came in.
                "received_at": _iso(received) if received != now else None,
                "received_how": data.received_how or None,
            },
        )
        # The number drawn, the ticket and these three written in one round trip on
        # PostgreSQL (tickets.services.numbering).
        ticket_insert_numbered(ticket, now=received, children=(clocks, [segment], [created]))
        # D21: every Top incident opens a problem.
        problem_open_for_top_incident(ticket=ticket, now=now, actor=data.created_by, new=True)
        ticket_change_emit(
            TicketChange(
                kind=ChangeKind.CREATED,
                ticket=ticket,
                now=now,
                actor_user=data.created_by,
                actor_contact=data.contact,
                data={"receipt": data.send_receipt, "receipt_key": data.receipt_key},
            )
        )
    return ticket


def _policy_choice(data: TicketCreateInput, contract: Contract, at: datetime) -> PolicyChoice:
    """An explicit policy (the demo, a test) or the extended-service rule's choice."""
    if data.policy_code:
        return PolicyChoice(code=data.policy_code, reason="")
    choice = extended_policy_choose(
        contract=contract,
        request_type=data.request_type,
        area=data.service_area,
        product=data.product,
        subject=data.subject,
        description=data.description,
        at=at,
    )
    if choice.code and data.priority_level:
        # Staff who set a level of the package's table (e.g. Critical) chose its targets.
        extended = sla_policy_targets(contract=contract, policy_code=choice.code)
        levels = {t.level for t in extended.targets} if extended else set()
        if data.priority_level not in levels:
            return PACKAGE_CHOICE
    return choice


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
