"""Domain errors of availability and maintenance: a clear message in the reader's language;
nothing was written (the root is contracts.exceptions.DomainError)."""

from contracts.exceptions import DomainError


class AvailabilityError(DomainError):
    """Base class of the availability domain errors."""

    code = "availability_error"


class ServiceRefused(AvailabilityError):
    """A monitored service cannot be created or changed like this."""

    code = "service_refused"


class OutageRefused(AvailabilityError):
    """An outage cannot be recorded, ended or changed like this."""

    code = "outage_refused"


class MaintenanceRefused(AvailabilityError):
    """Maintenance cannot be planned or cancelled like this (window, notice, status)."""

    code = "maintenance_refused"
