"""The mail that tells the support coordinators and the contract's CSAM a contract renewed or
ended (DECISIONS D18): one per event and person (the outbox key), in the reader's language."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import override

from contracts.models import Contract, ContractTermEvent, TermEventKind
from contracts.terms import onitnow_notice_deadline
from notifications.services.emails import render
from notifications.services.outbox import outbox_enqueue
from notifications.services.recipients import Recipient, coordinators, staff_recipient


def _day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _recipients(contract: Contract) -> list[tuple[Any, Recipient]]:
    people = [(user, staff_recipient(user, "support coordinator")) for user in coordinators()]
    csam = contract.csam
    if csam is not None and csam.email and all(user.pk != csam.pk for user, _r in people):
        people.append((csam, staff_recipient(csam, "customer success account manager")))
    return people


def _text(event: ContractTermEvent) -> tuple[str, str, list[tuple[str, str]]]:
    """Heading, intro and facts of the event's mail, in the active language."""
    contract = event.contract
    facts = [
        (_("Customer"), contract.customer.name),
        (_("Contract"), contract.reference),
        (_("Package"), contract.package.name),
    ]
    if event.kind == TermEventKind.RENEWED and event.next_renewal is not None:
        heading = _("Contract %(contract)s renewed for 12 months") % {
            "contract": contract.reference
        }
        intro = _("No notice was given in time, so the contract renewed on %(date)s.") % {
            "date": _day(event.on)
        }
        facts += [
            (_("Next renewal"), _day(event.next_renewal)),
            (_("Notice deadline"), _day(onitnow_notice_deadline(event.next_renewal))),
        ]
        return heading, intro, facts
    heading = _("Contract %(contract)s has ended") % {"contract": contract.reference}
    intro = _("The contract's last day was %(date)s.") % {"date": _day(event.on)}
    if event.successor is not None:
        intro += " " + _(
            "From %(date)s the customer's tickets are handled and billed under %(package)s."
        ) % {"date": _day(event.successor.start_date), "package": event.successor.package.name}
        facts.append((_("New contract"), event.successor.reference))
    return heading, intro, facts


def contract_term_event_mail(*, event: ContractTermEvent, now: datetime) -> int:
    """Write the event's mails in the caller's transaction; returns how many were new."""
    written = 0
    for user, recipient in _recipients(event.contract):
        with override(recipient.language):
            heading, intro, facts = _text(event)
            email = render(
                language=recipient.language,
                recipient=recipient,
                subject=f"[{event.contract.reference}] {heading} - {event.contract.customer.name}",
                heading=heading,
                intro=intro,
                facts=facts,
            )
        if outbox_enqueue(key=f"contract-term:{event.pk}:{user.pk}", email=email, now=now):
            written += 1
    return written
