"""Template context for portal pages: is the signed-in contact the organisation's manager?"""

from django.http import HttpRequest

from portal.selectors import contact_is_manager


def portal(request: HttpRequest) -> dict[str, object]:
    contact = getattr(request, "contact", None)
    return {
        "portal_contact": contact,
        "portal_manager": bool(contact and contact_is_manager(contact)),
    }
