"""Reads of out-of-hours phone codes (issue #13 §2; SPEC TKT-44): which package has the
out-of-hours business-critical line, a code's state, the codes a page lists, and whether a
code given on the phone opens the line now.

The line is catalogue data: a package has one when a policy of its release names the package,
is not its default (so only a valid code chooses it) and has a business-critical target on a
24x7 clock (CBG Extra's `cbg-extra-24x7`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.hashers import check_password
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from contracts.models import (
    ClockKind,
    Contact,
    ContactRole,
    ContactRoleKind,
    Contract,
    Package,
    PhoneCode,
    SlaPolicy,
)

STATE_WAITING = "waiting"  # issued, not yet shown to the customer: opens nothing
STATE_ACTIVE = "active"
STATE_ENDED = "ended"
STATE_REVOKED = "revoked"
CODE_DIGITS = 8


def out_of_hours_phone_policy(package: Package) -> SlaPolicy | None:
    """The package's out-of-hours business-critical phone line, or None (office hours only)."""
    return (
        SlaPolicy.objects.filter(
            release_id=package.release_id,
            packages=package,
            is_default=False,
            targets__clock_kind=ClockKind.ALWAYS,
            targets__business_critical=True,
        )
        .order_by("code")
        .first()
    )


def phone_code_state(code: PhoneCode, now: datetime) -> str:
    if code.revoked_at is not None:
        return STATE_REVOKED
    if code.ends_at is not None and code.ends_at <= now:
        return STATE_ENDED
    if not code.code_hash:
        return STATE_WAITING
    return STATE_ACTIVE


def phone_code_state_label(state: str) -> str:
    return {
        STATE_WAITING: _("issued, not yet shown to the customer"),
        STATE_ACTIVE: _("active"),
        STATE_ENDED: _("ended"),
        STATE_REVOKED: _("revoked"),
    }[state]


@dataclass(frozen=True)
class PhoneCodeRow:
    code: PhoneCode
    state: str
    state_label: str


def phone_code_rows(codes: QuerySet[PhoneCode], now: datetime) -> list[PhoneCodeRow]:
    rows = codes.select_related("contract", "issued_by", "revealed_to")
    return [
        PhoneCodeRow(c, phone_code_state(c, now), phone_code_state_label(phone_code_state(c, now)))
        for c in rows
    ]


def phone_codes_of_customer(customer_id: int) -> QuerySet[PhoneCode]:
    return PhoneCode.objects.filter(contract__customer_id=customer_id)


def phone_code_live(contract: Contract) -> PhoneCode | None:
    return PhoneCode.objects.filter(contract=contract, revoked_at__isnull=True).first()


def code_digits(value: str) -> str:
    """What was typed or spoken, without spaces, dashes or dots."""
    return "".join(ch for ch in value if ch.isdigit())


def phone_code_valid(*, contract: Contract, code: str, now: datetime) -> bool:
    """The contract's live, revealed code matches and has not ended."""
    live = phone_code_live(contract)
    digits = code_digits(code)
    if live is None or phone_code_state(live, now) != STATE_ACTIVE or len(digits) != CODE_DIGITS:
        return False
    return check_password(digits, live.code_hash)


def contact_manages(contact: Contact, contract: Contract) -> bool:
    """The customer's active support services manager (of this or another of its contracts)."""
    return (
        contact.is_active
        and contact.customer_id == contract.customer_id
        and ContactRole.objects.filter(
            Q(contract=contract) | Q(contract__customer_id=contract.customer_id),
            contact=contact,
            role=ContactRoleKind.SUPPORT_SERVICES_MANAGER,
        ).exists()
    )
