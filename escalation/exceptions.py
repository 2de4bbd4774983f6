"""Domain errors of the escalation app."""

from contracts.exceptions import DomainError


class EscalationError(DomainError):
    """An escalation cannot be raised or changed; the message says why."""
