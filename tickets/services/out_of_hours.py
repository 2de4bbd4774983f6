"""Calls and emergencies outside the provider's office hours (issue #13 §2; SPEC TKT-44, TKT-50,
A-48): which line a phone registration goes on, and whether the person on call must hear of a
ticket. The decisions only; paging lives above (escalation.services.out_of_hours).

Phone (the first line or the person on call registers a call):
- in office hours nothing changes (a code given is not needed and not checked);
- outside them, under a package with an out-of-hours business-critical line (CBG Extra), the
  customer's valid code puts the call on that 24x7 line as business-critical; a wrong code, or
  a business-critical call without one, is refused with what can be done instead;
- under a package without that line (Standaard, Basis) a business-critical call (or a code) is
  refused; a normal ticket is registered and its clock starts at the next opening, as the
  calendar does for every business-hours ticket.
Emergency (Websitenazorg: outside working hours only emergencies are handled): an emergency
reported while the office is closed reaches the person on call.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from contracts.businesstime import is_open, next_open
from contracts.calendars import calendar_for
from contracts.models import Contract, SlaPolicy
from contracts.selectors import contract_calendar, contract_for_submission, sla_policy_targets
from contracts.selectors_phone_codes import out_of_hours_phone_policy, phone_code_valid
from tickets.exceptions import TicketValidationError
from tickets.models import Channel, Ticket
from tickets.questions import QuestionSet, contract_question_set
from tickets.services.create import TicketCreateInput, is_business_critical

PAGE_PHONE = "out_of_hours_phone"
PAGE_EMERGENCY = "emergency"


class OutOfHoursRefused(TicketValidationError):
    """The call cannot be taken as asked outside office hours; the message says what can."""

    code = "out_of_hours_refused"

    def __init__(self, message: str) -> None:
        super().__init__("phone_code", message)


@dataclass(frozen=True)
class PhoneDecision:
    data: TicketCreateInput
    # The call is on the out-of-hours line: the person on call is paged.
    on_call: bool = False


def _when(moment: datetime) -> str:
    return date_format(moment.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE)), "l j F Y H:i")


def _next_office_opening(contract: Contract, moment: datetime) -> datetime | None:
    """None while the office is open (or the contract has no calendar)."""
    row = contract_calendar(contract)
    if row is None or row.always_open:
        return None
    calendar = calendar_for(row)
    return None if is_open(moment, calendar) else next_open(moment, calendar)


def _critical_asked(contract: Contract, data: TicketCreateInput) -> bool:
    """The answers (the checklist) or the chosen level make the call business-critical."""
    if is_business_critical(data):
        return True
    policy = sla_policy_targets(contract=contract)
    return policy is not None and any(
        t.business_critical and t.level == data.priority_level for t in policy.targets
    )


def _on_the_line(data: TicketCreateInput, line: SlaPolicy) -> TicketCreateInput:
    level = line.targets.filter(business_critical=True).values_list("level", flat=True).first()
    return replace(data, policy_code=line.code, priority_level=level or "")


def phone_registration_rules(
    *, data: TicketCreateInput, phone_code: str, now: datetime
) -> PhoneDecision:
    """The input ticket_create gets for a phone registration, or OutOfHoursRefused."""
    if data.channel != Channel.PHONE:
        return PhoneDecision(data)
    received = data.received_at or now
    today = received.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE)).date()
    contract = contract_for_submission(
        contact=data.contact,
        on=today,
        contract_id=data.contract_id,
        allow_not_named=bool(data.named_contact_override.strip()),
    )
    opening = _next_office_opening(contract, received)
    if opening is None:
        return PhoneDecision(data)
    line = out_of_hours_phone_policy(contract.package)
    given = bool(phone_code.strip())
    facts = {"contract": contract.reference, "package": contract.package.name}
    facts["next"] = _when(opening)
    if line is None and (given or _critical_asked(contract, data)):
        raise OutOfHoursRefused(
            _(
                "%(package)s has business-critical phone support during office hours only, and "
                "no out-of-hours phone code applies to it. Register the call as a normal ticket "
                "(without the business-critical answers): it is handled from the next office "
                "day, %(next)s, when its clock starts."
            )
            % facts
        )
    if line is not None and given:
        if phone_code_valid(contract=contract, code=phone_code, now=now):
            return PhoneDecision(_on_the_line(data, line), on_call=True)
        raise OutOfHoursRefused(
            _(
                "This is not the valid out-of-hours phone code of contract %(contract)s (wrong, "
                "withdrawn or ended), so the call does not go on the 24x7 business-critical "
                "line. Ask the caller for the current code, or register the call as a normal "
                "ticket under the office-hours rules: it is handled from the next office day, "
                "%(next)s."
            )
            % facts
        )
    if line is not None and _critical_asked(contract, data):
        raise OutOfHoursRefused(
            _(
                "Outside office hours a business-critical call under contract %(contract)s "
                "needs the customer's out-of-hours phone code: enter the code the caller gives. "
                "Without it, register the call as a normal ticket under the office-hours rules: "
                "it is handled from the next office day, %(next)s."
            )
            % facts
        )
    return PhoneDecision(data)


def office_closed(ticket: Ticket, now: datetime) -> bool:
    """Nobody is at the office of the ticket's contract now: only on call can act."""
    return _next_office_opening(ticket.contract, now) is not None


def emergency_outside_hours(ticket: Ticket, now: datetime) -> bool:
    """An emergency reported while the office is closed, under a package that handles
    emergencies outside its hours and a provider that asks whether it is one (Websitenazorg):
    elsewhere the flag (an API caller may send it) wakes nobody."""
    if not ticket.emergency or not ticket.package.out_of_hours_emergency:
        return False
    if not contract_question_set(ticket.contract).asks(QuestionSet.EMERGENCY):
        return False
    return office_closed(ticket, now)
