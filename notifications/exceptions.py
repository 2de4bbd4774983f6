"""Domain errors of the notifications app, with messages the caller can show as they are."""

from contracts.exceptions import DomainError


class WebhookError(DomainError):
    """A webhook endpoint, delivery or replay cannot be changed as asked; `field` names the
    input at fault, when one is."""

    code = "webhook_error"

    def __init__(self, message: str, *, field: str = "") -> None:
        self.field = field
        super().__init__(message)


class WebhookInvalid(WebhookError):
    """The endpoint's input is incomplete or malformed (no events, an unknown event type)."""

    code = "invalid"


class WebhookTargetRefused(WebhookError):
    """The address is not one the desk sends to: not http(s), or a loopback, private,
    link-local or otherwise internal address (server-side request forgery)."""

    code = "webhook_target_refused"
