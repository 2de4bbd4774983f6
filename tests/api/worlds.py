"""An organisation's objects, one per path parameter of the API (tenancy walk, schema fuzz).

`World(org, now).value("ticket_id")` makes (once) and returns the organisation's object that a
route's parameter names: a ticket, its attachment, a priority request, a contract, an
escalation, a problem, a webhook endpoint and delivery ... Every object made records the strings
that identify it (`strings`), which must never show up in another tenant's answers.

A parameter nobody taught this module raises `Unfillable` naming it: the walk then fails and
says which route it could not fill, instead of passing without walking it. Add a builder below.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db.models import Model

from contracts.models import Contract
from escalation.services.actions import escalation_raise_by_customer
from tests.factories import ContractFactory
from tests.portal.conftest import Org, b_strings
from tickets.models import Attachment, ProblemOrigin, Ticket, TicketMessage
from tickets.services.priority import ticket_priority_request
from tickets.services.problems import problem_open

LEVELS = ("top", "hoog", "gemiddeld", "laag")  # onITnow ONS, the organisations' package


class Unfillable(LookupError):
    """No object for this path parameter (no builder, or its model does not exist yet)."""


@dataclass
class World:
    org: Org
    now: datetime
    # The provider and package of a second contract whose calendar is the world's own (None:
    # the calendar of the organisation's contract). Organisation B gets one of a provider A
    # has no contract with: every calendar A's contract runs on is A's to see.
    calendar_contract: tuple[str, str] | None = None
    # Whose webhook endpoint the world has: "provider" (its contract's provider: the provider
    # token's proofs on A's objects reach it) or "customer" (the organisation's own: B's, for
    # the walk as A's manager).
    webhook_owner: str = "provider"
    strings: list[str] = field(default_factory=list)
    _made: dict[str, Any] = field(default_factory=dict)

    def value(self, param: str) -> Any:
        if param not in self._made:
            builder = BUILDERS.get(param)
            if builder is None:
                raise Unfillable(f"no builder for the parameter {param!r} (tests/api/worlds.py)")
            self._made[param] = builder(self)
        return self._made[param]

    def values(self, params: tuple[str, ...]) -> dict[str, Any]:
        return {param: self.value(param) for param in params}

    def make_all(self, params: set[str]) -> list[str]:
        """Make the objects of every parameter that can be made; why the others cannot."""
        unfillable = []
        for param in sorted(params):
            try:
                self.value(param)
            except Unfillable as exc:
                unfillable.append(str(exc))
        return unfillable

    # --- the objects ----------------------------------------------------------------------

    @property
    def ticket(self) -> Ticket:
        return next(iter(self.org.tickets.values()))

    def note(self, text: str) -> str:
        """A string that names the organisation, remembered as identifying."""
        said = f"{text} ({self.org.customer.name})"
        self.strings.append(said)
        return said


def model(label: str) -> type[Model]:
    try:
        return apps.get_model(label)
    except LookupError as exc:
        raise Unfillable(f"the model {label} does not exist (yet)") from exc


def _calendar(world: World) -> str:
    contract: Contract = world.org.contract
    if world.calendar_contract is not None:
        provider, package = world.calendar_contract
        contract = ContractFactory(
            customer=world.org.customer,
            provider_code=provider,
            package_code=package,
            reference=f"{world.org.customer.code.upper()}-{provider.upper()}-1",
        )
        world.strings.append(contract.reference)
    calendar = contract.calendar or contract.package.default_calendar
    return str(calendar.code)


def _priority_request(world: World) -> int:
    ticket = world.ticket
    level = next(level for level in LEVELS if level != ticket.priority_level)
    request = ticket_priority_request(
        ticket=ticket,
        contact=world.org.manager,
        level=level,
        reason=world.note("Graag een andere prioriteit"),
        now=world.now,
    )
    return request.pk


def _escalation(world: World) -> int:
    escalation = escalation_raise_by_customer(
        ticket=world.ticket,
        contact=world.org.manager,
        reason=world.note("Wij escaleren"),
        now=world.now,
    )
    return escalation.pk


def _problem(world: World) -> int:
    problem = problem_open(
        title=world.note("Terugkerende storing"),
        customer=world.org.customer,
        tickets=[world.ticket],
        origin=ProblemOrigin.COORDINATOR,
        now=world.now,
        actor=None,
    )
    world.strings.append(problem.number)
    return problem.pk


def _webhook_endpoint(world: World) -> int:
    owner = (
        {"customer": world.org.customer}
        if world.webhook_owner == "customer"
        else {"provider": world.org.contract.provider}
    )
    endpoint = model("notifications.WebhookEndpoint").objects.create(
        **owner,
        url=f"https://hooks.{world.org.customer.code}.example/desk",
        description=world.note("Onze haak"),
        events=["ticket.created", "ticket.updated"],
        secret="whsec_" + secrets.token_urlsafe(24),
        created_at=world.now,
        updated_at=world.now,
    )
    world.strings.append(endpoint.url)
    return int(endpoint.pk)


def _webhook_event(world: World) -> int:
    ticket = world.ticket
    event = model("notifications.WebhookEvent").objects.create(
        public_id=f"msg_{secrets.token_hex(12)}",
        type="ticket.updated",
        provider_id=ticket.provider_id,
        customer_id=ticket.customer_id,
        ticket=ticket,
        payload={"ticket": {"number": ticket.number, "subject": ticket.subject}},
        created_at=world.now,
    )
    world.strings.append(event.public_id)
    return int(event.pk)


def _webhook_delivery(world: World) -> int:
    delivery = model("notifications.WebhookDelivery").objects.create(
        endpoint_id=world.value("webhook_id"),
        event_id=world.value("event_id"),
        last_status_code=500,
        last_response=world.note("Ontvanger antwoordde"),
        created_at=world.now,
    )
    return int(delivery.pk)


def _oncall_page(world: World) -> int:
    from escalation.services.oncall import oncall_page_open

    page = oncall_page_open(ticket=world.ticket, now=world.now, reason="walk")
    return page.pk


def _aem_event(world: World) -> int:
    """An event on the organisation's contract, written as a row: the walk is about who sees
    it, not the planning rules."""
    from datetime import timedelta

    from contracts.models import AemEvent

    day = world.now.date() + timedelta(days=70)
    event = AemEvent.objects.create(
        contract=world.org.contract,
        solution=world.note("Webwinkel"),
        starts_on=day,
        ends_on=day + timedelta(days=1),
        confirmed_at=world.now,
        created_at=world.now,
    )
    return int(event.pk)


def _phone_code(world: World) -> int:
    """A code waiting for the organisation's manager, written as a row: the walk is about who
    sees it, not which package has the out-of-hours line."""
    code = model("contracts.PhoneCode").objects.create(
        contract=world.org.contract, issued_at=world.now
    )
    return int(code.pk)


def _time_entry(world: World) -> int:
    """An hour of work on the organisation's first ticket, written as a row: the walk is about
    who reaches it, not the registration rules."""
    from datetime import timedelta

    from tests.factories import UserFactory
    from tickets.models import TimeEntry

    entry = TimeEntry.objects.create(
        ticket=world.ticket,
        user=UserFactory(),
        started_at=world.now - timedelta(days=3),
        minutes=60,
        category="in_subscription",
        note=world.note("Werk verricht"),
        created_at=world.now,
    )
    return int(entry.pk)


def _billing_line(world: World) -> int:
    """A billable line of the organisation's first ticket, written as a row: the walk is about
    who reads it, not the billing rules."""
    from decimal import Decimal

    from usage.models import BillingLine

    line = BillingLine.objects.create(
        contract=world.org.contract,
        month=world.now.date().replace(day=1),
        ticket=world.ticket,
        category="over_limit",
        description=world.note("Werk buiten het abonnement"),
        quantity=Decimal(45),
        unit="minutes",
        rate=Decimal("90.00"),
        amount=Decimal("67.50"),
        vat_code="NL-21",
        source=f"walk:{world.org.customer.code}",
        created_at=world.now,
    )
    return int(line.pk)


def _service_request(world: World) -> int:
    """A service requested on the organisation's contract, written as a row: the walk is about
    who reaches it, not the credit rules."""
    from datetime import timedelta
    from decimal import Decimal

    from contracts.models import CatalogueService, ServiceRequest

    request = ServiceRequest.objects.create(
        contract=world.org.contract,
        service=CatalogueService.objects.order_by("pk").first(),
        quantity=1,
        credits=Decimal(12),
        first_delivery_date=world.now.date() + timedelta(days=30),
        requested_at=world.now,
    )
    return int(request.pk)


def _request_change(world: World) -> int:
    from contracts.models import ServiceRequest, ServiceRequestChange

    request = ServiceRequest.objects.get(pk=world.value("service_request_id"))
    change = ServiceRequestChange.objects.create(
        request=request,
        kind="cancelled",
        old_date=request.first_delivery_date,
        chargeable=True,
        changed_at=world.now,
    )
    return int(change.pk)


def _remote_access_grant(world: World) -> int:
    """An active grant of the organisation's manager, written as a row: the walk is about who
    reaches it, not the granting rules."""
    from datetime import timedelta

    from contracts.models import RemoteAccessGrant

    grant = RemoteAccessGrant.objects.create(
        customer=world.org.customer,
        contract=world.org.contract,
        system=world.note("server-01"),
        scope="logs",
        granted_by=world.org.manager,
        granted_at=world.now,
        expires_at=world.now + timedelta(days=30),
    )
    return int(grant.pk)


def _message(world: World) -> int:
    message = TicketMessage.objects.filter(ticket=world.ticket).order_by("-pk").first()
    assert message is not None
    return message.pk


def _monitored_service(world: World) -> int:
    """A measured service of the organisation's contract, written as a row: the walk is about
    who reaches it, not the default targets."""
    from availability.models import MonitoredService

    service = MonitoredService.objects.create(
        contract=world.org.contract,
        name=world.note("Webportaal"),
        kind="integration_service",
        created_at=world.now,
    )
    return int(service.pk)


def _outage(world: World) -> int:
    from datetime import timedelta

    from availability.models import Outage

    outage = Outage.objects.create(
        service_id=world.value("service_id"),
        start=world.now - timedelta(hours=2),
        description=world.note("Portaal onbereikbaar"),
        recorded_at=world.now,
    )
    outage.tickets.add(world.ticket)
    return int(outage.pk)


def _maintenance(world: World) -> int:
    """Announced maintenance on the organisation's service (announced: its customer sees it)."""
    from datetime import timedelta

    from availability.models import PlannedMaintenance

    maintenance = PlannedMaintenance.objects.create(
        provider=world.org.contract.provider,
        title=world.note("Onderhoud webportaal"),
        start=world.now + timedelta(days=10),
        end=world.now + timedelta(days=10, hours=2),
        announced_at=world.now,
        created_at=world.now,
    )
    maintenance.services.add(world.value("service_id"))
    return int(maintenance.pk)


def _data_subject_request(world: World) -> int:
    """An access request about the organisation's named contact, as a coordinator records it."""
    from privacy.services.requests import dsr_record

    request = dsr_record(
        contact=world.org.named,
        kind="access",
        received_at=world.now,
        received_via="email",
        note=world.note("Inzageverzoek"),
        actor=None,
        now=world.now,
    )
    world.strings.append(request.reference)
    return request.pk


BUILDERS: dict[str, Callable[[World], Any]] = {
    "ticket_id": lambda world: world.ticket.pk,
    # The first file of the first ticket (a fuzzed upload may have added more since).
    "attachment_id": lambda world: (
        Attachment.objects.filter(ticket=world.org.tickets[next(iter(world.org.tickets))])
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    ),
    "message_id": _message,
    "request_id": _priority_request,
    "contract_id": lambda world: world.org.contract.pk,
    "customer_id": lambda world: world.org.customer.pk,
    "contact_id": lambda world: world.org.named.pk,
    "code": _calendar,
    "calendar_code": _calendar,
    "escalation_id": _escalation,
    "problem_id": _problem,
    "endpoint_id": _webhook_endpoint,
    "webhook_id": _webhook_endpoint,
    "event_id": _webhook_event,
    "delivery_id": _webhook_delivery,
    "page_id": _oncall_page,
    "aem_event_id": _aem_event,
    "phone_code_id": _phone_code,
    "entry_id": _time_entry,
    "line_id": _billing_line,
    "service_request_id": _service_request,
    "change_id": _request_change,
    "grant_id": _remote_access_grant,
    "service_id": _monitored_service,
    "outage_id": _outage,
    "maintenance_id": _maintenance,
    "data_subject_request_id": _data_subject_request,
}


def world_b(org_b: Org, now: datetime) -> World:
    world = World(org_b, now, calendar_contract=("cbg", "extra"), webhook_owner="customer")
    world.strings.extend(b_strings(org_b))
    return world


def world_a(org_a: Org, now: datetime) -> World:
    return World(org_a, now)
