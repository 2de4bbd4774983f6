"""Domain errors of usage and billing: a clear message in the reader's language; nothing was
written (the root is contracts.exceptions.DomainError)."""

from contracts.exceptions import DomainError


class UsageError(DomainError):
    """Base class of the usage domain errors."""

    code = "usage_error"


class BillingRefused(UsageError):
    """A billing write was refused (bad rate, closed or future month, missing role)."""

    code = "billing_refused"


class RedemptionRefused(UsageError):
    """Proactive credits cannot be redeemed for this service now (CON-40, 41, D20)."""

    code = "redemption_refused"


class RequestChangeRefused(UsageError):
    """A requested service cannot be cancelled, rescheduled or charged like this (CON-22)."""

    code = "request_change_refused"


class EdeRefused(UsageError):
    """A time entry cannot be deducted from the EDE hours (CON-51..55)."""

    code = "ede_refused"


class ExchangeRefused(UsageError):
    """An exchange between services or support locations is not allowed (CON-23, CON-42)."""

    code = "exchange_refused"


class LocationRefused(UsageError):
    """A support location cannot be added to the work order (CON-60..70)."""

    code = "location_refused"


class RateRefused(UsageError):
    """A credit rate cannot be recorded (CON-40)."""

    code = "rate_refused"


class PurchaseRefused(UsageError):
    """A purchase cannot be entered in a work order's entitlement ledger (D20)."""

    code = "purchase_refused"
