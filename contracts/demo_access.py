"""Demo: two remote-access grants (SPEC SEC-04) of Zuiderzee Logistiek, given by its support
services manager Anna de Vries (tickets/demo/data.py): one active for a few more days, one that
expired last week. The work pages of the customer's tickets show both; Anna's portal page
"Remote access" lists them. Made through the grant service at their moments in the past.

Idempotent: nothing happens when the customer has a grant already (or is not in the demo)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from contracts.models import Contact, RemoteAccessGrant
from contracts.services.access import remote_access_grant

MANAGER_EMAIL = "anna.devries@zuiderzee-logistiek.example"
# (system, scope, granted days before now, days it runs)
GRANTS = (
    ("dc01.zuiderzee.local", "Gebeurtenislogboeken lezen, geen wijzigingen", 2, 7),
    ("erp-app-02.zuiderzee.local", "Beheersessie voor de update van de koppeling", 20, 14),
)


def remote_access_demo_seed(*, now: datetime) -> Counter[str]:
    counts: Counter[str] = Counter()
    manager = Contact.objects.filter(email=MANAGER_EMAIL, is_active=True).first()
    if (
        manager is None
        or RemoteAccessGrant.objects.filter(customer_id=manager.customer_id).exists()
    ):
        return counts
    contract = manager.customer.contracts.order_by("pk").first()
    for system, scope, days_ago, days in GRANTS:
        granted_at = now - timedelta(days=days_ago)
        remote_access_grant(
            contact=manager,
            system=system,
            scope=scope,
            expires_at=granted_at + timedelta(days=days),
            now=granted_at,
            contract=contract,
        )
        counts["remote-access grants"] += 1
    return counts
