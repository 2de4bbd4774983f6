"""Out-of-hours phone codes (issue #13 §2; SPEC TKT-44, PTY-17): issued, rotated and revoked by
the provider's coordinators, revealed once to the customer's support services manager.

The digits are drawn at the reveal and only their salted hash is kept (contracts.models.
phone_codes says why), so nobody at the provider ever reads a customer's code; the manager
sees it once. Rotation withdraws the live code and issues its successor with the same end."""

from __future__ import annotations

import secrets
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from contracts.exceptions import ContractsError
from contracts.models import Contact, Contract, PhoneCode
from contracts.selectors_phone_codes import (
    CODE_DIGITS,
    STATE_WAITING,
    contact_manages,
    out_of_hours_phone_policy,
    phone_code_live,
    phone_code_state,
)


class PhoneCodeRefused(ContractsError):
    code = "phone_code_refused"


def _when(moment: datetime) -> str:
    return date_format(localtime(moment), "j F Y H:i")


def _contract_end(contract: Contract) -> datetime | None:
    """A code ends with its contract: at the end of the contract's last day."""
    if contract.end_date is None:
        return None
    zone = ZoneInfo(settings.DISPLAY_TIME_ZONE)
    return datetime.combine(contract.end_date, time(23, 59, 59), tzinfo=zone)


@transaction.atomic
def phone_code_issue(
    *, contract: Contract, actor: User, now: datetime, ends_at: datetime | None = None
) -> PhoneCode:
    """A new code for the contract, waiting to be shown to the customer's manager."""
    if out_of_hours_phone_policy(contract.package) is None:
        raise PhoneCodeRefused(
            _(
                "%(package)s has no business-critical phone line outside office hours, so "
                "contract %(contract)s gets no out-of-hours phone code."
            )
            % {"package": contract.package.name, "contract": contract.reference}
        )
    Contract.objects.select_for_update().filter(pk=contract.pk).first()  # one issue at a time
    live = phone_code_live(contract)
    if live is not None:
        raise PhoneCodeRefused(
            _(
                "Contract %(contract)s already has a code, issued on %(when)s: rotate it to "
                "replace it, or revoke it first."
            )
            % {"contract": contract.reference, "when": _when(live.issued_at)}
        )
    ends = ends_at if ends_at is not None else _contract_end(contract)
    if ends is not None and ends <= now:
        raise PhoneCodeRefused(_("The code's end must lie in the future."))
    return PhoneCode.objects.create(contract=contract, issued_at=now, issued_by=actor, ends_at=ends)


@transaction.atomic
def phone_code_revoke(
    *, code: PhoneCode, actor: User, now: datetime, rotated: bool = False
) -> PhoneCode:
    """Withdrawn at once; revoking twice keeps the first time."""
    PhoneCode.objects.filter(pk=code.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_by=actor, rotated=rotated
    )
    code.refresh_from_db(fields=["revoked_at", "revoked_by", "rotated"])
    return code


@transaction.atomic
def phone_code_rotate(*, contract: Contract, actor: User, now: datetime) -> PhoneCode:
    """The live code is replaced: its successor ends when it would have ended."""
    live = phone_code_live(contract)
    ends_at = None
    if live is not None:
        ends_at = live.ends_at if live.ends_at and live.ends_at > now else None
        phone_code_revoke(code=live, actor=actor, now=now, rotated=True)
    return phone_code_issue(contract=contract, actor=actor, now=now, ends_at=ends_at)


@transaction.atomic
def phone_code_reveal(*, code: PhoneCode, contact: Contact, now: datetime) -> tuple[PhoneCode, str]:
    """Draw the digits and show them this once to the customer's support services manager."""
    code = PhoneCode.objects.select_for_update().select_related("contract").get(pk=code.pk)
    if not contact_manages(contact, code.contract):
        raise PhoneCodeRefused(_("Only the support services manager can see the phone code."))
    state = phone_code_state(code, now)
    if state != STATE_WAITING:
        if code.revealed_at is not None:
            raise PhoneCodeRefused(
                _(
                    "This code was shown on %(when)s and is not shown again. If it is lost, "
                    "ask us for a new one."
                )
                % {"when": _when(code.revealed_at)}
            )
        raise PhoneCodeRefused(_("This code has been withdrawn or has ended."))
    digits = "".join(secrets.choice("0123456789") for _n in range(CODE_DIGITS))
    code.code_hash = make_password(digits)
    code.revealed_at = now
    code.revealed_to = contact
    code.save(update_fields=["code_hash", "revealed_at", "revealed_to"])
    return code, f"{digits[:4]} {digits[4:]}"
