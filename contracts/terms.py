"""Contract terms: when a contract renews, when a notice ends it (DECISIONS D18, A-11, A-12).

Pure: standard library only, no Django, never reads the clock (the caller passes `today`).

Model. A contract follows one of four term rules, chosen by its provider and package:

* ``ONITNOW`` (SPEC CON-104, A-11): the first term ends ``go_live + 12 months``; that date is the
  renewal date. Without notice the contract renews for 12 months each time; renewal dates stay
  anchored on go-live (``go_live + 12·n months``), so a go-live on 29 February or the 31st does
  not drift after one short month. A notice counts for a renewal when it is received on or
  before ``renewal − 2 calendar months`` (the notice deadline); it ends the contract on that
  renewal date. A later notice counts for the renewal after.
* ``CBG`` (CON-122, A-12): monthly. A notice received at least 14 calendar days before the end
  of its month M ends the contract at the end of M, otherwise at the end of M + 1.
* ``MICROSOFT`` (CON-20, CON-53): the work order's end date; no renewal and no notice. EDE ends
  on the same date as the Unified Support agreement it belongs to.
* ``NONE``: no term rule (e.g. CBG Standaard, Websitenazorg): only an end date entered by hand.

Calendar-month arithmetic clamps to the month's last day (31 March − 1 month = 28/29 February).
Dates are days; an end date is the last day the contract is in force.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

__all__ = [
    "CBG_NOTICE_DAYS",
    "ONITNOW_NOTICE_MONTHS",
    "ONITNOW_TERM_MONTHS",
    "Deadline",
    "DeadlineKind",
    "TermKind",
    "TermState",
    "add_months",
    "cbg_notice_effective_end",
    "ede_end",
    "month_end",
    "next_deadline",
    "notice_effective_end",
    "onitnow_notice_deadline",
    "onitnow_renewal_after",
    "onitnow_renewal_coming",
    "term_kind",
]

ONITNOW_TERM_MONTHS = 12
ONITNOW_NOTICE_MONTHS = 2
CBG_NOTICE_DAYS = 14


class TermKind(StrEnum):
    ONITNOW = "onitnow"
    CBG = "cbg"
    MICROSOFT = "microsoft"
    NONE = "none"


class DeadlineKind(StrEnum):
    NOTICE = "notice_deadline"  # the last day a notice counts for the coming end or renewal
    RENEWAL = "renewal"  # the contract renews on this day (too late for notice)
    END = "end"  # the contract ends at the end of this day


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    on: date


@dataclass(frozen=True)
class TermState:
    """What the rules need of a contract. `end` is set once a notice was recorded (or a work
    order's end entered); `renewal` is the stored coming renewal date, if any."""

    kind: TermKind
    start: date
    go_live: date | None = None
    end: date | None = None
    renewal: date | None = None
    auto_renew: bool = True


def term_kind(provider_code: str, billing_mode: str) -> TermKind:
    """The term rule of a contract: CBG's monthly terms apply to its subscriptions only."""
    if provider_code == "onitnow":
        return TermKind.ONITNOW
    if provider_code == "cbg" and billing_mode == "subscription":
        return TermKind.CBG
    if provider_code == "microsoft":
        return TermKind.MICROSOFT
    return TermKind.NONE


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, clamped to the last day of the target month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


# -- onITnow -----------------------------------------------------------------------------------


def onitnow_notice_deadline(renewal: date) -> date:
    """The last day a notice counts for `renewal`: 2 calendar months before it."""
    return add_months(renewal, -ONITNOW_NOTICE_MONTHS)


def _onitnow_renewal(go_live: date, n: int) -> date:
    return add_months(go_live, ONITNOW_TERM_MONTHS * n)


def onitnow_renewal_after(renewal: date, go_live: date | None = None) -> date:
    """The renewal date 12 months after `renewal`. When `renewal` is one of go-live's
    anniversaries the next one is counted from go-live (a 29 February go-live renews on 28
    February and again on 29 February in a leap year); otherwise from `renewal` itself."""
    if go_live is not None and renewal.month == go_live.month:
        n = renewal.year - go_live.year
        if n >= 1 and _onitnow_renewal(go_live, n) == renewal:
            return _onitnow_renewal(go_live, n + 1)
    return add_months(renewal, ONITNOW_TERM_MONTHS)


def onitnow_renewal_coming(*, go_live: date | None, renewal: date | None, on: date) -> date | None:
    """The first renewal on or after `on`, from the stored renewal date (or go-live)."""
    if renewal is None:
        if go_live is None:
            return None
        renewal = _onitnow_renewal(go_live, 1)
    while renewal < on:
        renewal = onitnow_renewal_after(renewal, go_live)
    return renewal


def _onitnow_notice_end(*, go_live: date | None, renewal: date | None, received: date) -> date:
    coming = onitnow_renewal_coming(go_live=go_live, renewal=renewal, on=received)
    if coming is None:
        raise ValueError("an onITnow term needs a go-live or a renewal date")
    while received > onitnow_notice_deadline(coming):
        coming = onitnow_renewal_after(coming, go_live)
    return coming


# -- CBG ---------------------------------------------------------------------------------------


def cbg_notice_effective_end(received: date, start: date | None = None) -> date:
    """End of the notice's month when it came >= 14 days before it, else end of the next month.
    A notice before the contract starts counts from the start."""
    counted = max(received, start) if start is not None else received
    end = month_end(counted)
    if (end - counted).days >= CBG_NOTICE_DAYS:
        return end
    return month_end(end + timedelta(days=1))


def _cbg_notice_deadline(today: date) -> Deadline:
    deadline = month_end(today) - timedelta(days=CBG_NOTICE_DAYS)
    if today > deadline:
        deadline = month_end(month_end(today) + timedelta(days=1)) - timedelta(days=CBG_NOTICE_DAYS)
    return Deadline(DeadlineKind.NOTICE, deadline)


# -- Microsoft ---------------------------------------------------------------------------------


def ede_end(work_order_end: date) -> date:
    """EDE ends on the same date as the Unified Support agreement (CON-53)."""
    return work_order_end


# -- All rules ---------------------------------------------------------------------------------


def notice_effective_end(state: TermState, received: date) -> date | None:
    """The day a notice received on `received` ends the contract; None when the rule has no
    notice (Microsoft, none) or an onITnow term has neither go-live nor renewal date."""
    if state.kind == TermKind.CBG:
        return cbg_notice_effective_end(received, state.start)
    if state.kind == TermKind.ONITNOW:
        if state.go_live is None and state.renewal is None:
            return None
        return _onitnow_notice_end(go_live=state.go_live, renewal=state.renewal, received=received)
    return None


def next_deadline(state: TermState, today: date) -> Deadline | None:
    """What comes next for the contract and when: its end once known, otherwise the last day
    for notice (or, past it, the renewal); None when nothing is scheduled."""
    if state.end is not None:
        return Deadline(DeadlineKind.END, state.end)
    if state.kind == TermKind.CBG:
        return _cbg_notice_deadline(today)
    if state.kind != TermKind.ONITNOW or not state.auto_renew:
        return None
    coming = onitnow_renewal_coming(go_live=state.go_live, renewal=state.renewal, on=today)
    if coming is None:
        return None
    notice_by = onitnow_notice_deadline(coming)
    if today <= notice_by:
        return Deadline(DeadlineKind.NOTICE, notice_by)
    return Deadline(DeadlineKind.RENEWAL, coming)
