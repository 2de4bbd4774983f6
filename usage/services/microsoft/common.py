"""What the Microsoft services share: the lock on the work order, the local day, and the checks
that the work order is Microsoft's and still running."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

from contracts.models import Contract, ContractStatus
from usage.exceptions import UsageError

MICROSOFT = "microsoft"
BASE_PACKAGES = ("advanced", "performance")
CSAM_ROLE = "customer success account manager"


def local_today(now: datetime) -> date:
    return now.astimezone(ZoneInfo(settings.DISPLAY_TIME_ZONE)).date()


def day_text(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def number_text(value: Decimal) -> str:
    """A quantity as the reader writes it: whole numbers without decimals, else two."""
    places = 0 if value == value.to_integral_value() else 2
    return formats.number_format(value, decimal_pos=places)


def hours_text(value: Decimal) -> str:
    return formats.number_format(value, decimal_pos=2)


def contract_lock(contract: Contract) -> Contract:
    """The work order's row, locked until the transaction ends: every change of its balances
    takes this lock first, so two changes racing for the last credits or hours run one after
    the other and the second sees what the first took."""
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("provider", "package", "customer", "csam")
        .get(pk=contract.pk)
    )


def is_microsoft(contract: Contract) -> bool:
    return contract.provider.code == MICROSOFT


def work_order_ended(contract: Contract, today: date) -> bool:
    end = contract.end_date
    return contract.status == ContractStatus.ENDED or (end is not None and today > end)


def ended_text(contract: Contract) -> str:
    if contract.end_date is None:
        return _("The work order has ended.")
    return _("The work order ended on %(date)s.") % {"date": day_text(contract.end_date)}


def microsoft_required(contract: Contract, error: type[UsageError]) -> None:
    if not is_microsoft(contract):
        raise error(_("This only applies to Microsoft work orders."))
