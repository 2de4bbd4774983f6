"""Template context for portal pages: the signed-in contact, whether they are the
organisation's manager, and the maintenance announced for their organisation (a banner)."""

from django.http import HttpRequest
from django.utils import timezone

from availability.selectors import maintenance_announced_for_customer
from portal.access import request_contact
from portal.selectors import contact_is_manager

PORTAL_PREFIX = "/portal/"


def portal(request: HttpRequest) -> dict[str, object]:
    contact = getattr(request, "contact", None)
    if contact is None and hasattr(request, "user") and request.path.startswith(PORTAL_PREFIX):
        # Pages not behind contact_required (an error page, the password pages) still show
        # the signed-in contact's navigation. A request refused before authentication (a NUL
        # byte in the URL) has no user.
        contact = request_contact(request)
    return {
        "portal_contact": contact,
        "portal_manager": bool(contact and contact_is_manager(contact)),
        # Issue #15 §1: announced maintenance on the organisation's services, until it is over.
        "portal_maintenance": (
            maintenance_announced_for_customer(customer_id=contact.customer_id, now=timezone.now())
            if contact is not None
            else []
        ),
    }
