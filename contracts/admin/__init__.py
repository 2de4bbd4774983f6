"""Back-office registrations of the contracts app, one module per sub-domain."""

from contracts.admin import (
    access,
    agreements,
    calendars,
    catalogue,
    oncall,
    parties,
    phone_codes,
    requests,
    tokens,
)
from contracts.admin.catalogue import ReadOnlyAdmin

__all__ = [
    "ReadOnlyAdmin",
    "access",
    "agreements",
    "calendars",
    "catalogue",
    "oncall",
    "parties",
    "phone_codes",
    "requests",
    "tokens",
]
