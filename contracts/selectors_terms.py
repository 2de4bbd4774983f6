"""A contract's term as the rules see it, and its next deadline (DECISIONS D18). The back-office
shows it per contract; the portal and the API read it from here."""

from __future__ import annotations

from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _

from contracts.models import Contract, ContractStatus
from contracts.terms import Deadline, DeadlineKind, TermState, next_deadline, term_kind


def contract_term_state(contract: Contract) -> TermState:
    """The rules' view of a contract; reads `contract.provider` and `contract.package` (select
    them along for a list)."""
    return TermState(
        kind=term_kind(contract.provider.code, contract.package.billing_mode),
        start=contract.start_date,
        go_live=contract.go_live_date,
        end=contract.end_date,
        renewal=contract.renewal_date,
        auto_renew=contract.auto_renew,
    )


def contract_next_deadline(contract: Contract, today: date) -> Deadline | None:
    """What comes next for the contract (notice deadline, renewal or end) and when; None for
    an ended contract or one with nothing scheduled."""
    if contract.status == ContractStatus.ENDED:
        return None
    return next_deadline(contract_term_state(contract), today)


def deadline_kind_label(kind: DeadlineKind) -> str:
    labels = {
        DeadlineKind.NOTICE: _("last day for notice"),
        DeadlineKind.RENEWAL: _("renews"),
        DeadlineKind.END: _("ends"),
    }
    return labels[kind]


def deadline_text(deadline: Deadline | None, day_format: str = "DATE_FORMAT") -> str:
    """'renews: 1 February 2026', in the active language; '-' when there is none. `day_format`
    is a Django date format (a page's own, e.g. the portal's "j F Y")."""
    if deadline is None:
        return "-"
    day = formats.date_format(deadline.on, day_format)
    return f"{deadline_kind_label(deadline.kind)}: {day}"
