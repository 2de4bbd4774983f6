"""Domain errors of usage and billing: a clear message in the reader's language."""

from contracts.exceptions import DomainError


class UsageError(DomainError):
    """Base class of the usage domain errors."""

    code = "usage_error"


class BillingRefused(UsageError):
    """A billing write was refused (bad rate, closed or future month, missing role)."""

    code = "billing_refused"
