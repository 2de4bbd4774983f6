"""Domain errors of the escalation app."""


class EscalationError(Exception):
    """An escalation cannot be raised or changed; the message says why."""
