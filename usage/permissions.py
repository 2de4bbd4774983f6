"""Who may act on a Microsoft work order's usage (issue #14 §2): one table for the back-office
forms and the API. The grants are the roles' (backoffice migrations): coordinators and the work
order's CSAM act, service support managers read, the first and second line may not; only a
coordinator enters the fee of a late change (A-29)."""

MICROSOFT_PERMS = {
    "purchase": "contracts.add_entitlementmovement",
    "rate": "contracts.add_servicerate",
    "redeem": "contracts.add_servicerequest",
    "change": "contracts.change_servicerequest",
    "fee": "contracts.change_servicerequestchange",
    "exchange": "contracts.add_serviceexchange",
    "location": "contracts.add_supportlocation",
    "location_exchange": "contracts.add_locationexchange",
}
