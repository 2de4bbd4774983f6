"""Contract terms that run by themselves (DECISIONS D18): the daily job renews onITnow
contracts whose renewal date came without notice, and ends every active contract whose last
day has passed (a notice's effective end, a work order's end). A CBG subscription that ends is
followed by a Standaard contract (CON-123).

Exactly once. Each change is a compare-and-set on the contract row (the renewal date or the
status it was read with) and writes a `ContractTermEvent`, unique per contract, kind and date,
in the same transaction as its mails' outbox rows. A second run, or one running concurrently
(the second UPDATE waits for the first's row lock, then finds the row changed), matches no row
and does nothing; a crash rolls back the change with its event and mails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q

from contracts.models import Contract, ContractStatus, ContractTermEvent, TermEventKind
from contracts.selectors_terms import contract_term_state
from contracts.services.successors import contract_successor_create
from contracts.terms import (
    TermKind,
    onitnow_notice_deadline,
    onitnow_renewal_after,
    onitnow_renewal_coming,
)
from usage.models import ContractBilling
from usage.services.rates import Rates, contract_billing_set
from usage.services.terms_mail import contract_term_event_mail


@dataclass
class TermsApplied:
    renewed: int = 0
    ended: int = 0
    followed: int = 0  # ended contracts followed by a fallback-package contract


def _renewal_candidates(today: date) -> list[Contract]:
    rows = (
        Contract.objects.filter(status=ContractStatus.ACTIVE, auto_renew=True, end_date=None)
        .filter(Q(renewal_date__lte=today) | Q(renewal_date=None, go_live_date__isnull=False))
        .select_related("provider", "package", "customer", "csam__staff_profile")
        .order_by("pk")
    )
    return [row for row in rows if contract_term_state(row).kind == TermKind.ONITNOW]


@transaction.atomic
def _renew(contract: Contract, *, today: date, now: datetime) -> int:
    """Every renewal of `contract` due by `today` (one per missed year), each once."""
    go_live, stored = contract.go_live_date, contract.renewal_date
    due = onitnow_renewal_coming(go_live=go_live, renewal=stored, on=contract.start_date)
    renewed = 0
    while due is not None and due <= today:
        following = onitnow_renewal_after(due, go_live)
        won = Contract.objects.filter(
            pk=contract.pk, status=ContractStatus.ACTIVE, end_date=None, renewal_date=stored
        ).update(renewal_date=following, renewal_notice_deadline=onitnow_notice_deadline(following))
        if not won:
            break
        event = ContractTermEvent.objects.create(
            contract=contract,
            kind=TermEventKind.RENEWED,
            on=due,
            next_renewal=following,
            occurred_at=now,
        )
        contract_term_event_mail(event=event, now=now)
        stored = due = following
        renewed += 1
    return renewed


@transaction.atomic
def _end(contract: Contract, *, now: datetime) -> ContractTermEvent | None:
    """End `contract` (its last day passed) once; a CBG subscription gets its successor."""
    won = Contract.objects.filter(
        pk=contract.pk, status=ContractStatus.ACTIVE, end_date=contract.end_date
    ).update(status=ContractStatus.ENDED)
    if not won or contract.end_date is None:
        return None
    contract.status = ContractStatus.ENDED
    successor = None
    if contract_term_state(contract).kind == TermKind.CBG:
        successor = contract_successor_create(contract=contract)
    if successor is not None:
        _rates_carry_over(contract, successor)
    event = ContractTermEvent.objects.create(
        contract=contract,
        kind=TermEventKind.ENDED,
        on=contract.end_date,
        successor=successor,
        occurred_at=now,
    )
    contract_term_event_mail(event=event, now=now)
    return event


def _rates_carry_over(ended: Contract, successor: Contract) -> None:
    """The quote's rates go on (A-18): hourly, km and one-off fees; a monthly fee does not."""
    billing = ContractBilling.objects.filter(contract=ended).first()
    if billing is None:
        return
    rates = Rates(
        hourly_rate=billing.hourly_rate,
        km_rate=billing.km_rate,
        licence_count=billing.licence_count,
        new_licence_fee=billing.new_licence_fee,
        vat_code=billing.vat_code,
    )
    contract_billing_set(contract=successor, rates=rates)


def contract_terms_apply(*, today: date, now: datetime) -> TermsApplied:
    """Apply the renewals and ends due by `today` (the desk's local date); each contract in
    its own transaction, so one contract's trouble does not hold back the others' changes."""
    applied = TermsApplied()
    for contract in _renewal_candidates(today):
        applied.renewed += _renew(contract, today=today, now=now)
    ending = (
        Contract.objects.filter(status=ContractStatus.ACTIVE, end_date__lt=today)
        .select_related("provider", "package", "customer", "csam__staff_profile")
        .order_by("pk")
    )
    for contract in ending:
        event = _end(contract, now=now)
        if event is not None:
            applied.ended += 1
            applied.followed += event.successor_id is not None
    return applied
