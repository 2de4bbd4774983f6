from tickets.models.activity import (
    ClockSegment,
    MessageKind,
    Metric,
    SegmentState,
    SlaClock,
    TicketEvent,
    TicketMessage,
)
from tickets.models.ticket import (
    OPEN_STATUSES,
    TRANSITIONS,
    Channel,
    ImpactEffect,
    ImpactScope,
    ResolutionKind,
    Status,
    Ticket,
    TicketCounter,
)

__all__ = [
    "OPEN_STATUSES",
    "TRANSITIONS",
    "Channel",
    "ClockSegment",
    "ImpactEffect",
    "ImpactScope",
    "MessageKind",
    "Metric",
    "ResolutionKind",
    "SegmentState",
    "SlaClock",
    "Status",
    "Ticket",
    "TicketCounter",
    "TicketEvent",
    "TicketMessage",
]
