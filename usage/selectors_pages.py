"""Reads behind the usage pages (issue #14 §4): a contract's ledger with its running total, a
month's billable lines and their CSV rows, fair use per CBG organisation, an organisation's
balances (the Microsoft figures come from usage.selectors_microsoft).

Every read is a fixed number of queries, whatever the number of lines, contracts or
organisations: grouped sums, never a query per row. Months are those of the display zone
(Europe/Amsterdam); their bounds are aware moments, so work just after midnight on the first
of a month counts in that month, not in the one before (the database compares in UTC).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import QuerySet

from contracts.csvcell import csv_cell
from contracts.models import (
    BillingMode,
    Contract,
)
from contracts.selectors_terms import contract_next_deadline, deadline_text
from usage.models import BillingLine, LineUnit
from usage.rules.fair_use import FAIR_USE_FACTOR
from usage.selectors import month_minutes_by_contract
from usage.selectors_microsoft import MICROSOFT, MicrosoftFigures, microsoft_figures
from usage.services.fair_use import fair_use_month_figures
from usage.services.months import display_zone

CBG = "cbg"
TENTH = Decimal("0.1")


def month_preceding(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_from_text(text: str | None, *, default: date) -> tuple[date, bool]:
    """`YYYY-MM` as the first day of that month; the default and False when it is no month."""
    try:
        year, month = (int(part) for part in (text or "").strip().split("-"))
        return date(year, month, 1), True
    except ValueError:
        return default.replace(day=1), not (text or "").strip()


# --- the ledger of one contract -----------------------------------------------------------


@dataclass(frozen=True)
class LedgerRow:
    line: BillingLine
    running_total: Decimal


def contract_ledger(contract: Contract) -> list[LedgerRow]:
    """Every line of the contract in the order it was written, with the total so far."""
    lines = (
        BillingLine.objects.filter(contract=contract)
        .select_related("ticket", "corrects", "created_by")
        .order_by("created_at", "pk")
    )
    rows, total = [], Decimal(0)
    for line in lines:
        total += line.amount
        rows.append(LedgerRow(line, total))
    return rows


# --- a month's billable lines ---------------------------------------------------------------


def month_lines(*, contracts: QuerySet[Contract], month: date) -> QuerySet[BillingLine]:
    """The lines invoiced in `month` for `contracts` (already narrowed to what the reader may
    see), by customer, contract and the order they were written."""
    return (
        BillingLine.objects.filter(contract__in=contracts.values("pk"), month=month.replace(day=1))
        .select_related("contract__customer", "contract__provider", "ticket")
        .order_by("contract__customer__name", "contract__reference", "created_at", "pk")
    )


CSV_HEADER = (
    "customer",
    "contract",
    "date",
    "ticket",
    "category",
    "minutes",
    "rate",
    "amount",
    "vat_code",
)


def line_minutes(line: BillingLine) -> str:
    return f"{line.quantity:.0f}" if line.unit == LineUnit.MINUTES else ""


def month_csv_rows(lines: Iterable[BillingLine]) -> list[tuple[str, ...]]:
    """One row per line for an invoicing system: ISO dates (the day the line was written, in
    the display zone), dot decimals, the category's key; minutes empty for other units."""
    zone = display_zone()
    return [
        (
            line.contract.customer.name,
            line.contract.reference,
            line.created_at.astimezone(zone).date().isoformat(),
            line.ticket.number if line.ticket else "",
            line.category,
            line_minutes(line),
            f"{line.rate.normalize():f}",
            f"{line.amount:.2f}",
            line.vat_code,
        )
        for line in lines
    ]


def month_csv_text(lines: Iterable[BillingLine]) -> str:
    """The month's CSV for an invoicing system (the back-office's download and the API's):
    the header, then `month_csv_rows`. Names and references are escaped against spreadsheet
    formulas; the figures are ours and stay numbers (a correction's negative amount must
    import as a number)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for customer, contract, *rest in month_csv_rows(lines):
        writer.writerow([csv_cell(customer), csv_cell(contract), *rest])
    return out.getvalue()


# --- fair use (CBG subscriptions) -------------------------------------------------------------


@dataclass(frozen=True)
class FairUseRow:
    contract_id: int
    reference: str
    customer: str
    minutes: int
    licences: int
    per_licence: Decimal
    threshold: Decimal  # FAIR_USE_FACTOR x the mean of the others; 0 when alone
    flagged: bool


def fair_use_month(month: date) -> dict[int, FairUseRow]:
    """Per CBG subscription with licences its figure against the others (a fixed number of
    queries). The same contracts, minutes and licences as the monthly fair-use check
    (usage.services.fair_use): every organisation takes part in the mean, whoever reads;
    callers show only the rows the reader may see."""
    rows = {}
    for contract, usage, figure in fair_use_month_figures(provider_code=CBG, month=month):
        if figure is None:  # no licences: cannot be normalised
            continue
        rows[contract.pk] = FairUseRow(
            contract_id=contract.pk,
            reference=contract.reference,
            customer=contract.customer.name,
            minutes=usage.minutes,
            licences=usage.licences,
            per_licence=figure.per_licence.quantize(TENTH),
            threshold=(FAIR_USE_FACTOR * figure.mean_of_others).quantize(TENTH),
            flagged=figure.flagged,
        )
    return rows


# --- the portal's usage page ----------------------------------------------------------------


@dataclass(frozen=True)
class ContractUsage:
    """What the customer's manager sees of one contract's balances."""

    contract: Contract
    microsoft: MicrosoftFigures | None
    fair_use: FairUseRow | None
    minutes: int | None  # a CBG subscription's minutes when no fair-use figure is available
    # The contract's next deadline (notice, renewal or end) in the reader's language; None when
    # nothing is scheduled.
    next_deadline: str | None = None


def contracts_usage(
    *, contracts: QuerySet[Contract], month: date, today: date
) -> list[ContractUsage]:
    """Balances per contract of one organisation: a fixed number of queries for any count."""
    rows = list(contracts.order_by("reference"))
    customers = {c.customer_id for c in rows if c.provider.code == MICROSOFT}
    microsoft = {
        figures.contract.pk: figures
        for customer_id in customers
        for figures in microsoft_figures(today=today, customer_id=customer_id)
    }
    cbg = [c for c in rows if _is_cbg_subscription(c)]
    fair_use = fair_use_month(month) if cbg else {}
    minutes = month_minutes_by_contract(contracts=cbg, month=month) if cbg else {}
    return [
        ContractUsage(
            contract=c,
            microsoft=microsoft.get(c.pk),
            fair_use=fair_use.get(c.pk),
            minutes=minutes.get(c.pk, 0) if _is_cbg_subscription(c) else None,
            next_deadline=_deadline(c, today),
        )
        for c in rows
    ]


def _deadline(contract: Contract, today: date) -> str | None:
    deadline = contract_next_deadline(contract, today)
    return deadline_text(deadline, "j F Y") if deadline is not None else None


def _is_cbg_subscription(contract: Contract) -> bool:
    return (
        contract.provider.code == CBG and contract.package.billing_mode == BillingMode.SUBSCRIPTION
    )


def portal_month_lines(
    *, contracts: QuerySet[Contract], month: date, own_tickets_of: int | None
) -> QuerySet[BillingLine]:
    """The organisation's lines of the month; for a named contact (`own_tickets_of`, its id)
    only the lines of the tickets it raised (D15)."""
    return lines_of_own_tickets(
        month_lines(contracts=contracts, month=month), own_tickets_of=own_tickets_of
    )


def lines_of_own_tickets(
    lines: QuerySet[BillingLine], *, own_tickets_of: int | None
) -> QuerySet[BillingLine]:
    """`lines` as a customer's contact sees them (D15): all of them for the support services
    manager (`own_tickets_of` None), else only the lines of the tickets that contact raised."""
    if own_tickets_of is None:
        return lines
    return lines.filter(ticket__contact_id=own_tickets_of)
