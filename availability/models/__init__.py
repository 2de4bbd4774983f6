from availability.models.maintenance import (
    AnnouncementKind,
    MaintenanceAnnouncement,
    MaintenanceStatus,
    MaintenanceWindow,
    PlannedMaintenance,
)
from availability.models.outages import ExclusionReason, Outage
from availability.models.services import MonitoredService, ServiceKind, TargetBasis

__all__ = [
    "AnnouncementKind",
    "ExclusionReason",
    "MaintenanceAnnouncement",
    "MaintenanceStatus",
    "MaintenanceWindow",
    "MonitoredService",
    "Outage",
    "PlannedMaintenance",
    "ServiceKind",
    "TargetBasis",
]
