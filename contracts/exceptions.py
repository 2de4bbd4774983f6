"""Domain errors of the contracts app, with messages a coordinator can act on, and the one root
of every domain error in the project (issue #11 §1).

Each interface maps `DomainError` once: the portal and back-office show its message on the page
(`portal.errors`, `backoffice.errors`), intake records it as the triage reason, a management
command exits with status 1 and the message on stderr. The message is always written for the
person who reads it, in their language; `code` is stable for machines (the API).
"""


class DomainError(Exception):
    """Root of the domain errors: a rule refused the change; the message says why."""

    code = "domain_error"


class ContractsError(DomainError):
    """Base class of the contracts domain errors."""


class CatalogueError(ContractsError):
    """A catalogue file is broken; `problems` lists each as '<file>: <entry>: <reason>'."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("catalogue rejected:\n" + "\n".join(f"  - {p}" for p in problems))


class UnknownCalendarError(ContractsError):
    """No current calendar has the requested code."""


class SubmissionRefused(ContractsError):
    """A contact may not submit a ticket under a contract (D14); the message says why."""

    code = "submission_refused"


class ContactInactive(SubmissionRefused):
    code = "contact_inactive"


class NotNamedContact(SubmissionRefused):
    code = "not_named_contact"


class NoCurrentContract(SubmissionRefused):
    code = "no_current_contract"


class AmbiguousContract(SubmissionRefused):
    code = "ambiguous_contract"


class UnknownPriority(ContractsError):
    """The requested priority level is not in the contract's SLA policy."""


class UnknownPolicy(ContractsError):
    """The requested SLA context (policy) does not apply to the contract."""


class ContactNameRefused(ContractsError):
    """A person's name with line breaks or address syntax (issue #10 §2); the message says so."""

    code = "name_syntax"


class ContactRoleRefused(ContractsError):
    """A role cannot be granted (named-contact limit, second support services manager, ...)."""


class CalendarRevisionInvalid(ContractsError):
    """A calendar revision was refused; `problems` lists every reason, one per entry (D1, D3)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("calendar revision refused: " + "; ".join(problems))


class ContactChangeError(ContractsError):
    """A named-contact change request cannot be decided as asked (D14)."""


class ContactChangeDecided(ContactChangeError):
    """The request was already approved or rejected; a decision is taken once."""


class EntitlementExhausted(ContractsError):
    """The contract has too little left of an entitlement for the use asked (D20)."""

    code = "entitlement_exhausted"


class AemEventRefused(ContractsError):
    """An Azure Event Management event cannot be planned (or agreed); `errors` per field."""

    code = "aem_event_refused"

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(" ".join(errors.values()))


class NoticeRefused(ContractsError):
    """A notice to end a contract cannot be recorded as given (D18); the message says why."""

    code = "notice_refused"
