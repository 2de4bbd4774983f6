"""A month of demo usage (issue #14), so a first look shows balances, billable lines, a closed
month, a fair-use flag and a billing CSV: the previous full month and the current month so far,
relative to `now`, made through the usage services only (never a ledger row written directly).

In time order: the quotes' rates; the Microsoft purchases and credit rates
(`usage.demo_microsoft`); the previous month's fees and its work on the demo tickets
(`usage.demo_work`); at the start of the current month what the monthly beat does (the month's
fees, the fair-use check of the month that ended, which flags Fysio Oost and tells the
coordinators) and CBG's month close by the coordinator; then the current month's work with a
coordinator's billable decision, a Microsoft request cancelled too late (its fee billed) and a
CBG notice. The mails of it count as sent, like the history's (`escalation.demo`).

Idempotent: nothing happens when the demo contracts already have their rates.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max

from contracts.models import Contract, NoticeParty, Provider
from contracts.selectors_events import local_day
from contracts.services.notices import contract_notice_record
from escalation.demo import demo_mails_settle
from notifications.models import OutboxEmail
from tickets.demo.data import CUSTOMERS
from tickets.models import Ticket
from usage.demo_data import COORDINATOR, CURRENT, FYSIO, NOTICE_NOTE, PREVIOUS, RATES, WORK
from usage.demo_microsoft import microsoft_steps
from usage.demo_work import (
    Months,
    Step,
    at,
    demo_calendars,
    local_midnight,
    ticket_for,
    work_planned,
    work_record,
    working_days,
)
from usage.models import BillingLine, ContractBilling, FairUseFlag
from usage.services.fair_use import fair_use_check
from usage.services.lines import monthly_fee_lines_write
from usage.services.months import billing_month_close, month_of_moment, month_start
from usage.services.rates import contract_billing_set

CBG = "cbg"
BEAT_HOUR = 6  # the monthly beat's run on the first of the month
CLOSE_ON_WORKING_DAY = 2  # the coordinator closes the month that ended on its second working day


def _demo_contracts() -> dict[str, Contract]:
    codes = [spec.code for spec in CUSTOMERS]
    rows = (
        Contract.objects.filter(customer__code__in=codes)
        .select_related("customer", "provider", "package__release")
        .order_by("pk")
    )
    return {c.customer.code: c for c in rows}


@transaction.atomic
def usage_demo_seed(*, now: datetime) -> Counter[str]:
    """The demo's month of usage up to `now`; counts of what was created (nothing when the demo
    contracts have their rates already, or there are no demo contracts)."""
    contracts = _demo_contracts()
    counts: Counter[str] = Counter()
    if not contracts or ContractBilling.objects.filter(contract__in=contracts.values()).exists():
        return counts
    last_mail = OutboxEmail.objects.aggregate(m=Max("pk"))["m"] or 0
    lines_before, flags_before = BillingLine.objects.count(), FairUseFlag.objects.count()
    connection = transaction.get_connection()
    callbacks = len(connection.run_on_commit)
    people = {u.username: u for u in get_user_model().objects.filter(is_staff=True)}
    current = month_of_moment(now)
    months: Months = {CURRENT: current, PREVIOUS: month_start(current - timedelta(days=1))}
    for code, rates in RATES.items():
        if code in contracts:
            contract_billing_set(contract=contracts[code], rates=rates)
            counts["contract rates"] += 1
    steps = microsoft_steps(
        contracts=contracts, people=people, months=months, now=now, counts=counts
    )
    steps += _work_steps(contracts, people, months, now, counts)
    steps += _month_steps(contracts, people, months, now, counts)
    for _moment, _order, step in sorted(steps, key=lambda s: (s[0], s[1])):
        step()
    counts["billing lines"] = BillingLine.objects.count() - lines_before
    counts["fair-use flags"] = FairUseFlag.objects.count() - flags_before
    counts["mails sent"] = demo_mails_settle(after_pk=last_mail, now=now)
    # As in the history: the mails are marked sent, so their "send now" tasks are dropped.
    del connection.run_on_commit[callbacks:]
    return counts


def _work_steps(
    contracts: dict[str, Contract],
    people: dict[str, User],
    months: Months,
    now: datetime,
    counts: Counter[str],
) -> list[Step]:
    """Each piece of work at the moment it is recorded; its ticket is chosen in plan order, so
    a job's second entry joins the first one's ticket."""
    calendars = demo_calendars(contracts)
    planned = work_planned(
        work=WORK, contracts=contracts, months=months, calendars=calendars, now=now
    )
    tickets: dict[int, Ticket] = {}  # plan index -> its ticket
    for offset in (PREVIOUS, CURRENT):  # the previous month's work chooses first
        taken = {t.pk for t in tickets.values()}
        previous: Ticket | None = None
        for index, item in enumerate(planned):
            if item.work.month != offset:
                continue
            joins = item.work.same_ticket and previous is not None
            previous = previous if joins else ticket_for(item, taken=taken)
            if previous is not None:
                tickets[index] = previous
    return [
        (
            item.recorded_at,
            index,
            partial(work_record, planned=item, ticket=tickets[index], people=people, counts=counts),
        )
        for index, item in enumerate(planned)
        if index in tickets
    ]


def _month_steps(
    contracts: dict[str, Contract],
    people: dict[str, User],
    months: Months,
    now: datetime,
    counts: Counter[str],
) -> list[Step]:
    """The monthly beat of both months, CBG's close of the previous month, the CBG notice."""
    coordinator = people[COORDINATOR]
    steps: list[Step] = []
    for offset in (PREVIOUS, CURRENT):
        beat = local_midnight(months[offset]) + timedelta(hours=BEAT_HOUR)
        steps.append((min(beat, now), -1, partial(_monthly_beat, months, offset, beat, counts)))
    days = working_days(months[CURRENT], demo_calendars(contracts))
    closing = min(at(days[CLOSE_ON_WORKING_DAY - 1], 10), now)
    steps.append(
        (closing, 0, partial(_month_close, months[PREVIOUS], coordinator, closing, counts))
    )
    fysio = contracts.get(FYSIO)
    if fysio is not None:
        received = now - timedelta(days=1)
        notice = partial(_notice, fysio, coordinator, received, counts)
        steps.append((received, 0, notice))
    return steps


def _monthly_beat(months: Months, offset: int, moment: datetime, counts: Counter[str]) -> None:
    """What usage.tasks' monthly beat does on the first: the month's fees and the fair use of
    the month that ended (of the previous month only: the month before has no work)."""
    for provider in Provider.objects.order_by("pk"):
        counts["monthly fees"] += monthly_fee_lines_write(
            provider=provider, month=months[offset], now=moment
        )
        if offset == CURRENT:
            fair_use_check(provider=provider, month=months[PREVIOUS], now=moment)


def _month_close(month: date, by: User, moment: datetime, counts: Counter[str]) -> None:
    provider = Provider.objects.filter(code=CBG).first()
    if provider is not None:
        billing_month_close(provider=provider, month=month, by=by, now=moment)
        counts["months closed"] += 1


def _notice(contract: Contract, by: User, moment: datetime, counts: Counter[str]) -> None:
    contract_notice_record(
        contract=contract,
        received_on=local_day(moment),
        given_by=NoticeParty.CUSTOMER,
        by=by,
        now=moment,
        note=NOTICE_NOTE,
    )
    counts["contract notices"] += 1
