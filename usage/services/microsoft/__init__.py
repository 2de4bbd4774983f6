"""Microsoft work orders in use (DECISIONS D20; SPEC §2.3-2.6, §7.4): proactive credits redeemed
for services, cancellations and reschedulings, EDE hours, exchanges between services and support
locations, and the lapse at the end. The arithmetic is pure (`usage.credits`); every write locks
the work order's row first (`common.contract_lock`)."""

from usage.services.microsoft.changes import (
    service_request_cancel,
    service_request_fee_set,
    service_request_reschedule,
)
from usage.services.microsoft.ede import ede_time_entry_deduct
from usage.services.microsoft.lapse import entitlements_lapse
from usage.services.microsoft.locations import (
    credits_exchange_locations,
    service_exchange_record,
    support_location_add,
)
from usage.services.microsoft.purchases import entitlement_purchase_record
from usage.services.microsoft.requests import (
    credits_redeem,
    service_rate_record,
)

__all__ = [
    "credits_exchange_locations",
    "credits_redeem",
    "ede_time_entry_deduct",
    "entitlement_purchase_record",
    "entitlements_lapse",
    "service_exchange_record",
    "service_rate_record",
    "service_request_cancel",
    "service_request_fee_set",
    "service_request_reschedule",
    "support_location_add",
]
