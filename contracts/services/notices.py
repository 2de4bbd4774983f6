"""Recording a notice that ends a contract (DECISIONS D18, SPEC CON-104, CON-122).

The notice is a dated record; its effective end follows from the contract's term rule
(`contracts.terms`) and is written on the contract's end date in the same transaction. The
daily job (`usage.services.terms`) ends the contract when that day has passed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from contracts.exceptions import NoticeRefused
from contracts.models import Contract, ContractNotice, ContractStatus, NoticeParty
from contracts.selectors_events import local_day
from contracts.selectors_terms import contract_term_state
from contracts.services.contracts import contract_version_bump
from contracts.terms import (
    TermKind,
    TermState,
    cbg_notice_effective_end,
    onitnow_notice_deadline,
    onitnow_renewal_coming,
)


def _day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _refuse_state(contract: Contract, today: date) -> None:
    """A contract that ended, or already has its notice, takes no (other) notice."""
    if contract.status == ContractStatus.ENDED or (
        contract.end_date is not None and contract.end_date < today
    ):
        raise NoticeRefused(
            _("Contract %(contract)s has already ended; it takes no notice.")
            % {"contract": contract.reference}
        )
    existing = ContractNotice.objects.filter(contract=contract).first()
    if existing is not None:
        raise NoticeRefused(
            _(
                "Contract %(contract)s already has a notice, received on %(received)s; "
                "it ends on %(end)s."
            )
            % {
                "contract": contract.reference,
                "received": _day(existing.received_on),
                "end": _day(existing.effective_end),
            }
        )


def _onitnow_end(contract: Contract, state: TermState, received_on: date) -> date:
    coming = onitnow_renewal_coming(go_live=state.go_live, renewal=state.renewal, on=received_on)
    if coming is None:
        raise NoticeRefused(
            _(
                "Contract %(contract)s has no go-live or renewal date yet; enter the go-live "
                "date first, the term and its renewal follow from it."
            )
            % {"contract": contract.reference}
        )
    deadline = onitnow_notice_deadline(coming)
    if received_on > deadline:
        raise NoticeRefused(
            _(
                "The deadline for the renewal of %(renewal)s was %(deadline)s; the contract "
                "renews and the notice can be given for the next term (record it after the "
                "renewal)."
            )
            % {"renewal": _day(coming), "deadline": _day(deadline)}
        )
    return coming


def _effective_end(contract: Contract, received_on: date, in_writing: bool) -> date:
    """The day the notice ends the contract, or a refusal saying why it cannot."""
    state = contract_term_state(contract)
    if state.kind == TermKind.MICROSOFT:
        raise NoticeRefused(
            _("A work order ends on its end date (%(end)s) and takes no notice.")
            % {"end": _day(contract.end_date) if contract.end_date else "-"}
        )
    if state.kind == TermKind.NONE:
        raise NoticeRefused(
            _("The %(package)s package has no notice terms; enter the contract's end date instead.")
            % {"package": contract.package.name}
        )
    if not in_writing:
        # CON-104 (ONS) and CON-122: notice is given in writing.
        raise NoticeRefused(
            _("A notice for contract %(contract)s counts only when it is given in writing.")
            % {"contract": contract.reference}
        )
    if state.kind == TermKind.ONITNOW:
        return _onitnow_end(contract, state, received_on)
    return cbg_notice_effective_end(received_on, contract.start_date)


@transaction.atomic
def contract_notice_record(
    *,
    contract: Contract,
    received_on: date,
    given_by: str,
    by: Any,
    now: datetime,
    in_writing: bool = True,
    note: str = "",
) -> ContractNotice:
    """Record a notice received on `received_on` and set the contract's end to its effective
    end; refuses (NoticeRefused, nothing written) what the contract's terms do not allow."""
    locked = (
        Contract.objects.select_for_update(of=("self",))
        .select_related("provider", "package")
        .get(pk=contract.pk)
    )
    today = local_day(now)
    _refuse_state(locked, today)
    if received_on > today:
        raise NoticeRefused(
            _("A notice cannot be dated in the future (%(date)s); record it once received.")
            % {"date": _day(received_on)}
        )
    if given_by not in NoticeParty.values:
        raise NoticeRefused(_("Say who gave the notice: the customer or the provider."))
    end = _effective_end(locked, received_on, in_writing)
    if locked.end_date is not None and locked.end_date <= end:
        raise NoticeRefused(
            _("Contract %(contract)s already ends on %(end)s, before the notice would.")
            % {"contract": locked.reference, "end": _day(locked.end_date)}
        )
    notice = ContractNotice.objects.create(
        contract=locked,
        received_on=received_on,
        in_writing=in_writing,
        given_by=given_by,
        effective_end=end,
        recorded_by=by,
        recorded_at=now,
        note=note,
    )
    locked.end_date = end
    locked.save(update_fields=["end_date"])
    contract_version_bump(contract=locked, changed=["end_date"])
    contract.end_date, contract.version = locked.end_date, locked.version
    return notice
