"""Back-office action for the portal: invite contacts (issue #5 §1).

The contact admin lives in contracts/, which may not import portal/ (layer order), so the portal
adds its action here, after contracts.admin has registered."""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Contact
from portal.services import contact_invite


@admin.action(description=_("Invite to the customer portal (email with a set-password link)"))
def invite_to_portal(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    invited = 0
    for contact in queryset.select_related("customer", "user"):
        try:
            contact_invite(contact=contact, now=timezone.now())
            invited += 1
        except ValueError as exc:
            modeladmin.message_user(request, str(exc), level=messages.ERROR)
    modeladmin.message_user(
        request, _("%(n)s invitation(s) written to the outbox.") % {"n": invited}
    )


_contact_admin = type(admin.site.get_model_admin(Contact))
_contact_admin.actions = [*(_contact_admin.actions or []), invite_to_portal]
