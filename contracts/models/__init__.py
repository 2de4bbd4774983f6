from contracts.models.access import GrantState, RemoteAccessGrant
from contracts.models.agreements import Contract, ContractStatus, EscalationContact, Hosting
from contracts.models.catalogue import (
    BillingMode,
    BusinessCalendar,
    CatalogueRelease,
    CatalogueService,
    ChannelKind,
    Inclusion,
    Package,
    Provider,
    ProviderChannel,
    ServiceInclusion,
)
from contracts.models.entitlements import EntitlementKind, EntitlementMovement, MovementCause
from contracts.models.escalation import EscalationPolicy
from contracts.models.events import AemEvent, AemEventStatus
from contracts.models.microsoft import (
    LocationExchange,
    LocationRole,
    RequestChangeKind,
    ServiceExchange,
    ServiceRate,
    ServiceRequest,
    ServiceRequestChange,
    ServiceRequestStatus,
    SupportLocation,
)
from contracts.models.oncall import OnCallShift
from contracts.models.parties import Contact, ContactRole, ContactRoleKind, Customer
from contracts.models.phone_codes import PhoneCode
from contracts.models.requests import (
    ContactChangeAction,
    ContactChangeRequest,
    ContactChangeStatus,
)
from contracts.models.sla import ClockKind, RequestType, ResolutionStart, SlaPolicy, SlaTarget
from contracts.models.terms import (
    ContractNotice,
    ContractTermEvent,
    NoticeParty,
    TermEventKind,
)
from contracts.models.tokens import ApiToken, TokenScope

__all__ = [
    "AemEvent",
    "AemEventStatus",
    "ApiToken",
    "BillingMode",
    "BusinessCalendar",
    "CatalogueRelease",
    "CatalogueService",
    "ChannelKind",
    "ClockKind",
    "Contact",
    "ContactChangeAction",
    "ContactChangeRequest",
    "ContactChangeStatus",
    "ContactRole",
    "ContactRoleKind",
    "Contract",
    "ContractNotice",
    "ContractStatus",
    "ContractTermEvent",
    "Customer",
    "EntitlementKind",
    "EntitlementMovement",
    "EscalationContact",
    "EscalationPolicy",
    "GrantState",
    "Hosting",
    "Inclusion",
    "LocationExchange",
    "LocationRole",
    "MovementCause",
    "NoticeParty",
    "OnCallShift",
    "Package",
    "PhoneCode",
    "Provider",
    "ProviderChannel",
    "RemoteAccessGrant",
    "RequestChangeKind",
    "RequestType",
    "ResolutionStart",
    "ServiceExchange",
    "ServiceInclusion",
    "ServiceRate",
    "ServiceRequest",
    "ServiceRequestChange",
    "ServiceRequestStatus",
    "SlaPolicy",
    "SlaTarget",
    "SupportLocation",
    "TermEventKind",
    "TokenScope",
]
