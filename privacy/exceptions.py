"""Domain errors of the privacy app, with messages a coordinator can act on."""

from contracts.exceptions import DomainError


class PrivacyError(DomainError):
    code = "privacy_error"


class RequestNotOpen(PrivacyError):
    """The request was completed already (or is of the other kind)."""

    code = "request_not_open"


class ConfirmationMismatch(PrivacyError):
    """The reference typed to confirm an erasure is not the request's."""

    code = "confirmation_mismatch"


class ConfirmationNotAllowed(PrivacyError):
    """Only a support coordinator (or an administrator) confirms an erasure."""

    code = "confirmation_not_allowed"


class SubjectErased(PrivacyError):
    """The person's data was erased already: there is nothing to export or erase."""

    code = "subject_erased"


class ExportUnavailable(PrivacyError):
    """No export to download: not built yet, or removed after its keeping period."""

    code = "export_unavailable"
