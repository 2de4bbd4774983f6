"""Writing the billing ledger (issue #14): a ticket's lines follow its work, one-off lines,
monthly fees.

Append-only: `ticket_lines_refresh` computes what a ticket SHOULD bill per (category, month of
the work) with the pure rules, subtracts what its lines already bill per `source`, and writes
only the differences. Calling it twice writes nothing the second time. A difference for a month
that is closed lands in the next open month as a correction that points at the line it corrects.
Rates are read when the lines are refreshed: a changed quote reprices a ticket's work the next
time its time changes (as a correction line, never in place).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from contracts.models import BillingMode, Contract, ContractStatus, Provider
from tickets.models import Ticket, TimeEntry
from usage.exceptions import BillingRefused
from usage.models import BillingLine, BillingMonth, ContractBilling, LineCategory, LineUnit
from usage.rules.blocks import WorkItem
from usage.rules.cbg import labour_amount, money, monthly_fee
from usage.rules.targets import BillingTerms, Target, ticket_targets
from usage.services.months import (
    display_zone,
    month_of_moment,
    month_start,
    next_month,
    open_month_from,
)

DEFAULT_VAT_CODE = "NL-21"


def work_item(entry: TimeEntry) -> WorkItem:
    """A time entry as the rules see it."""
    return WorkItem(
        entry_id=entry.pk,
        started_at=entry.started_at,
        minutes=entry.minutes,
        category=entry.category,
        billable_override=entry.billable_override,
        distance_km=entry.distance_km,
    )


def billing_terms(contract: Contract, billing: ContractBilling) -> BillingTerms:
    package = contract.package
    return BillingTerms(
        provider=contract.provider.code,
        billing_mode=package.billing_mode,
        hourly_rate=billing.hourly_rate,
        km_rate=billing.km_rate,
        contiguous_limit=package.max_contiguous_minutes,
        minimum_minutes=package.minimum_billable_minutes,
        increment_minutes=package.billing_increment_minutes,
        travel_factor=package.travel_factor,
    )


def _source(ticket: Ticket, category: str, month: date) -> str:
    return f"ticket:{ticket.pk}:{category}:{month:%Y-%m}"


@dataclass(frozen=True)
class _Billed:
    quantity: Decimal
    amount: Decimal
    last_id: int


def _billed_by_source(ticket: Ticket) -> dict[str, _Billed]:
    rows = (
        BillingLine.objects.filter(ticket=ticket, source__startswith=f"ticket:{ticket.pk}:")
        .values("source")
        .annotate(quantity=Sum("quantity"), amount=Sum("amount"), last_id=Max("pk"))
        .order_by("source")
    )
    return {r["source"]: _Billed(r["quantity"], r["amount"], r["last_id"]) for r in rows}


@dataclass(frozen=True)
class _Context:
    ticket: Ticket
    contract: Contract
    vat_code: str
    now: datetime


@transaction.atomic
def ticket_lines_refresh(*, ticket: Ticket, now: datetime) -> list[BillingLine]:
    """Bring the ticket's lines in line with its recorded work; returns the lines written."""
    # One refresh per ticket at a time: two racing refreshes would both write the same delta.
    ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
    if ticket.contract_id is None:
        return []
    contract = Contract.objects.select_related("package", "provider").get(pk=ticket.contract_id)
    billing = ContractBilling.objects.filter(contract=contract).first()
    if billing is None:
        return []  # no quote, no rates: nothing can be priced
    items = [work_item(entry) for entry in TimeEntry.objects.filter(ticket=ticket)]
    targets = {
        _source(ticket, t.category, t.month): t
        for t in ticket_targets(items, billing_terms(contract, billing), display_zone())
    }
    billed = _billed_by_source(ticket)
    context = _Context(ticket, contract, billing.vat_code, now)
    lines = (
        _delta_line(context, source, targets.get(source), billed.get(source))
        for source in sorted(set(targets) | set(billed))
    )
    return BillingLine.objects.bulk_create([line for line in lines if line is not None])


def _delta_line(
    context: _Context, source: str, target: Target | None, billed: _Billed | None
) -> BillingLine | None:
    quantity = (target.quantity if target else Decimal(0)) - (billed.quantity if billed else 0)
    amount = (target.amount if target else Decimal(0)) - (billed.amount if billed else 0)
    if quantity == 0 and amount == 0:
        return None
    category, month_text = source.split(":")[2:4]
    work_month = date.fromisoformat(f"{month_text}-01")
    previous = BillingLine.objects.get(pk=billed.last_id) if billed else None
    unit, rate = (target.unit, target.rate) if target else (previous.unit, previous.rate)  # type: ignore[union-attr]
    ticket = context.ticket
    return BillingLine(
        contract=context.contract,
        month=open_month_from(provider_id=context.contract.provider_id, month=work_month),
        ticket=ticket,
        category=category,
        description=f"{ticket.number} {ticket.subject}"[:300],
        quantity=quantity,
        unit=unit,
        rate=rate,
        amount=amount,
        vat_code=context.vat_code,
        source=source,
        corrects=previous,
        created_at=context.now,
    )


def _vat_code(contract: Contract) -> str:
    billing = ContractBilling.objects.filter(contract=contract).first()
    return billing.vat_code if billing is not None else DEFAULT_VAT_CODE


@transaction.atomic
def billing_line_add(
    *,
    contract: Contract,
    category: str,
    quantity: Decimal,
    unit: str,
    rate: Decimal,
    description: str,
    source: str,
    now: datetime,
    by: User | None = None,
    ticket: Ticket | None = None,
) -> BillingLine:
    """A one-off line (a Microsoft chargeable event, a new licence's fee) in the month of `now`,
    or the next open month when that one is closed."""
    if category not in LineCategory.values:
        raise BillingRefused(_("Unknown billing category %(c)r.") % {"c": category})
    if unit not in LineUnit.values:
        raise BillingRefused(_("Unknown unit %(u)r.") % {"u": unit})
    if rate < 0:
        raise BillingRefused(_("A rate cannot be negative."))
    month = open_month_from(provider_id=contract.provider_id, month=month_of_moment(now))
    return BillingLine.objects.create(
        contract=contract,
        month=month,
        ticket=ticket,
        category=category,
        description=description.strip()[:300],
        quantity=quantity,
        unit=unit,
        rate=rate,
        amount=line_amount(quantity=quantity, unit=unit, rate=rate),
        vat_code=_vat_code(contract),
        source=source[:120],
        created_at=now,
        created_by=by,
    )


def line_amount(*, quantity: Decimal, unit: str, rate: Decimal) -> Decimal:
    """A line's amount: minutes are priced at an hourly rate (as the ticket lines are), every
    other unit at its rate per unit."""
    if unit == LineUnit.MINUTES:
        return labour_amount(quantity, hourly_rate=rate)
    return money(quantity * rate)


def _subscribed_in(month: date) -> dict[str, object]:
    """Filter of the contracts on a subscription that run during `month`."""
    return {
        "status": ContractStatus.ACTIVE,
        "package__billing_mode": BillingMode.SUBSCRIPTION,
        "start_date__lt": next_month(month),
    }


@transaction.atomic
def monthly_fee_line_write(*, contract: Contract, month: date, now: datetime) -> BillingLine | None:
    """BIL-01: the contract's fixed monthly fee, exactly once per contract and month (a unique
    constraint makes a second call, or a racing one, write nothing). None when nothing is due:
    no rates, or the month is already closed."""
    month = month_start(month)
    billing = ContractBilling.objects.filter(contract=contract).first()
    closed = BillingMonth.objects.filter(provider_id=contract.provider_id, month=month).exists()
    if billing is None or closed:
        return None
    if BillingLine.objects.filter(
        contract=contract, month=month, category=LineCategory.MONTHLY_FEE, corrects__isnull=True
    ).exists():
        return None
    try:
        with transaction.atomic():
            return BillingLine.objects.create(
                contract=contract,
                month=month,
                category=LineCategory.MONTHLY_FEE,
                description=f"{contract.reference} {month:%Y-%m}",
                quantity=Decimal(billing.licence_count),
                unit=LineUnit.LICENCES,
                rate=billing.licence_fee,
                amount=monthly_fee(
                    licence_count=billing.licence_count, licence_fee=billing.licence_fee
                ),
                vat_code=billing.vat_code,
                source=f"monthly_fee:{contract.pk}:{month:%Y-%m}",
                created_at=now,
            )
    except IntegrityError:
        return None


def monthly_fee_lines_write(*, provider: Provider, month: date, now: datetime) -> int:
    """The monthly fees of the provider's running subscriptions; returns how many were new."""
    month = month_start(month)
    contracts = Contract.objects.filter(provider=provider, **_subscribed_in(month)).exclude(
        end_date__lt=month
    )
    written = 0
    for contract in contracts.order_by("pk"):
        if monthly_fee_line_write(contract=contract, month=month, now=now) is not None:
            written += 1
    return written
