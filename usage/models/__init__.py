from usage.models.billing import (
    BillingLine,
    BillingMonth,
    ContractBilling,
    LineCategory,
    LineUnit,
)
from usage.models.fair_use import FairUseFlag

__all__ = [
    "BillingLine",
    "BillingMonth",
    "ContractBilling",
    "FairUseFlag",
    "LineCategory",
    "LineUnit",
]
