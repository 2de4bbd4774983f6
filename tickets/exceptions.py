"""Domain errors of the tickets app, with messages the caller can show as they are."""

from contracts.exceptions import DomainError


class TicketError(DomainError):
    """Base class of the tickets domain errors."""

    code = "ticket_error"


class TicketValidationError(TicketError):
    """Input is incomplete or malformed; `field` names the input at fault."""

    code = "invalid"

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


class InvalidTransition(TicketError):
    code = "invalid_transition"


class PriorityNotAllowed(TicketError):
    code = "priority_not_allowed"


class TicketNotAllowed(TicketError):
    """The person may not make this change (their role does not allow it)."""

    code = "not_allowed"
