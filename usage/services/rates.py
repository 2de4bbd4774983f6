"""A contract's rates from its signed quote (A-18): set as a whole, never negative."""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal

from django.db import models, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from contracts.models import Contract
from usage.exceptions import BillingRefused
from usage.models import ContractBilling


@dataclass(frozen=True)
class Rates:
    hourly_rate: Decimal
    km_rate: Decimal = Decimal(0)
    licence_fee: Decimal = Decimal(0)
    licence_count: int = 0
    new_licence_fee: Decimal = Decimal(0)
    vat_code: str = "NL-21"


def _label(name: str) -> str:
    model_field = ContractBilling._meta.get_field(name)
    return str(model_field.verbose_name) if isinstance(model_field, models.Field) else name


@transaction.atomic
def contract_billing_set(*, contract: Contract, rates: Rates) -> ContractBilling:
    """Write the contract's rates; a negative rate or licence count is refused, nothing written."""
    for field in fields(Rates):
        value = getattr(rates, field.name)
        if not isinstance(value, str) and value < 0:
            raise BillingRefused(
                _("%(field)s cannot be negative.") % {"field": capfirst(_label(field.name))}
            )
    if not rates.vat_code.strip():
        raise BillingRefused(_("Give the VAT code."))
    billing, _created = ContractBilling.objects.update_or_create(
        contract=contract,
        defaults={field.name: getattr(rates, field.name) for field in fields(Rates)},
    )
    return billing
