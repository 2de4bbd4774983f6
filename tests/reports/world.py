"""A month of an onITnow ONS contract for the review pack tests: November 2026 with met, late
and exempt Top tickets, a breach still open at the month's end, a problem with an RCA, an
escalation, a vendor escalation and survey answers; October with one late ticket revisited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from availability.services.monitored import monitored_service_create
from contracts.models import Contract
from escalation.models import Escalation
from tests.availability.world import record_outage
from tests.factories import ContractFactory, UserFactory, named_contact
from tests.tickets.helpers import ams, create_ticket
from tickets.models import Ticket
from tickets.services import ticket_reply, ticket_resolve, ticket_sla_exempt
from tickets.services.lifecycle import ticket_record_root_cause, ticket_survey_answer
from tickets.services.work import vendor_escalation_open

NOVEMBER = (date(2026, 11, 1), date(2026, 12, 1))
AFTER = ams("2026-12-15 10:00")  # a moment after November: its pack is closed


@dataclass
class PackWorld:
    contract: Contract
    late: Ticket  # response late by 60 minutes, resolved with a fix
    open_breach: Ticket  # never answered: still missed at the end of the month
    exempt: Ticket  # late, exempt: listed, not counted
    october: Ticket  # late in October, revisited


def _top(contact, start: str) -> Ticket:
    return create_ticket(contact, ams(start), priority_level="top", subject=f"Storing {start}")


def pack_world() -> PackWorld:
    contract = ContractFactory(
        provider_code="onitnow", package_code="ons", reference="ONS-PACK-1", hosting="cloud"
    )
    contact = named_contact(contract, name="Petra Pakket", email="petra@pakket.example")
    agent = UserFactory(username="pack-agent")
    met = _top(contact, "2026-11-02 09:00")
    ticket_reply(ticket=met, body="Bezig", now=ams("2026-11-02 09:30"), author_user=agent)
    late = _top(contact, "2026-11-03 09:00")
    ticket_reply(ticket=late, body="Bezig", now=ams("2026-11-03 11:00"), author_user=agent)
    ticket_record_root_cause(
        ticket=late, text="Certificaat verlopen", now=ams("2026-11-03 11:30"), actor=agent
    )
    late = ticket_resolve(
        ticket=late,
        kind="fix",
        text="Certificaat vernieuwd",
        now=ams("2026-11-03 12:00"),
        actor=agent,
    )
    ticket_survey_answer(
        ticket=late, contact=contact, score=4, comment="", now=ams("2026-11-04 10:00")
    )
    open_breach = _top(contact, "2026-11-30 09:00")
    exempt = _top(contact, "2026-11-05 09:00")
    ticket_sla_exempt(
        ticket=exempt,
        reason="geen toegang via trust",
        vendor_owned=False,
        now=ams("2026-11-05 09:05"),
        actor=agent,
    )
    vendor_escalation_open(
        ticket=exempt,
        vendor="xurrent",
        vendor_reference="XR-77",
        now=ams("2026-11-05 10:00"),
        actor=agent,
    )
    Escalation.objects.create(
        ticket=open_breach,
        level=1,
        reason="response_breach",
        clock_version=1,
        raised_at=ams("2026-11-30 10:00"),
    )
    october = _top(contact, "2026-10-06 09:00")
    ticket_reply(ticket=october, body="Bezig", now=ams("2026-10-06 12:00"), author_user=agent)
    service = monitored_service_create(
        contract=contract, name="Integratiedienst", kind="integration_service", now=AFTER
    )
    for day in (9, 10, 11, 12):  # four interruptions of an hour in office hours: two promises
        record_outage(service, ams(f"2026-11-{day:02d} 10:00"), 3600, tickets=[open_breach])
    return PackWorld(contract, late, open_breach, exempt, october)
