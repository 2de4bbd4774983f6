"""The service review pack of a contract and a period (issue #15 §2): ONE selector, whose data
every rendering shows (the page, the PDF, CSV and JSON, the API), so they cannot disagree.

`review_pack(contract=, start=, end=, now=)` reads everything as of `min(now, end)`: a pack of
a past period shows what was true at its end (clocks still running then count as missed, an
RCA due by then and not delivered is overdue), an open period's what is true now. The previous
period of equal length is revisited with the same breach list (REP-04), each breach with its
ticket's state and problem as they are at that moment. Availability, interruptions and
maintenance come from availability's selectors (D22).

The number of queries is fixed for a given period length, whatever the number of tickets:
grouped counts, lists fetched in one query each (the breaches in full, other lists bounded).
Labels are in the active language: call it under `translation.override(language)`.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import get_language

from contracts.models import Contract
from contracts.replica import replica_reads
from reports.periods import Period, period_of
from reports.selectors import activity, sla
from reports.selectors.availability import availability
from reports.selectors.common import moment
from reports.selectors.pack import ContractFacts, PeriodFacts, ReviewPack
from reports.selectors.usage import usage


def _period_facts(period: Period) -> PeriodFacts:
    return PeriodFacts(
        text=period.text,
        kind=period.kind,
        start=period.start,
        end=period.end,
        label=period.label(),
    )


def _contract_facts(contract: Contract) -> ContractFacts:
    return ContractFacts(
        id=contract.pk,
        reference=contract.reference,
        customer=contract.customer.name,
        provider=contract.provider.name,
        package=contract.package.name,
    )


def review_pack_of(*, contract: Contract, period: Period, now: datetime) -> ReviewPack:
    """The pack for a parsed period (see the module docstring); read from the replica when one
    is configured (contracts.replica)."""
    with replica_reads():
        return _review_pack_read(contract=contract, period=period, now=now)


def _review_pack_read(*, contract: Contract, period: Period, now: datetime) -> ReviewPack:
    as_of = min(now, period.end_at)
    start, end = period.start_at, period.end_at
    previous = period.previous()
    return ReviewPack(
        contract=_contract_facts(contract),
        period=_period_facts(period),
        previous_period=_period_facts(previous),
        language=(get_language() or "nl")[:2],
        as_of=moment(as_of) or "",
        compliance=sla.compliance_lines(contract=contract, start=start, end=end, as_of=as_of),
        breaches=sla.breaches(contract=contract, start=start, end=end, as_of=as_of),
        previous_breaches=sla.breaches(
            contract=contract, start=previous.start_at, end=previous.end_at, as_of=as_of
        ),
        volumes=activity.volumes(contract=contract, start=start, end=end),
        escalations=activity.escalations(contract=contract, start=start, end=end),
        problems=activity.problems(contract=contract, start=start, end=end, as_of=as_of),
        csat=activity.csat(contract=contract, period=period, start=start, end=end),
        usage=usage(contract=contract, period=period, as_of=as_of),
        vendor_escalations=activity.vendor_escalations(contract=contract, start=start, end=end),
        availability=availability(contract=contract, period=period, as_of=as_of),
    )


def review_pack(*, contract: Contract, start: date, end: date, now: datetime) -> ReviewPack:
    """The pack of [start, end): a month, a quarter or a custom period (`review_pack_of`)."""
    return review_pack_of(contract=contract, period=period_of(start, end), now=now)
