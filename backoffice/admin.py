"""The ticket change page becomes the work page (issue #6 §2); the list stays the queue of
tickets/admin.py. Registered here, the top layer, because the page uses escalation and intake."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from backoffice.access import csam_only, tickets_in_scope
from backoffice.views.ticket import ticket_work
from contracts.models import Contract, Customer
from tickets.admin import TicketAdmin
from tickets.models import Ticket

# The queue needs the width: the index page lists the apps, the sidebar repeats it.
admin.site.enable_nav_sidebar = False
admin.site.unregister(Ticket)


@admin.register(Ticket)
class TicketWorkAdmin(TicketAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[Ticket]:
        return tickets_in_scope(cast(User, request.user), super().get_queryset(request))

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            pk = int(object_id)
        except ValueError:
            raise Http404 from None
        return ticket_work(request, pk, self)


def _csam_scoped(model: type[Any], lookup: str) -> None:
    """Re-register `model` so a CSAM without another role lists only what their contracts
    cover (issue #6 §1); everyone else sees the admin's own queryset."""
    base = type(admin.site.get_model_admin(model))

    def get_queryset(self: admin.ModelAdmin, request: HttpRequest) -> QuerySet[Any]:
        rows = base.get_queryset(self, request)
        user = cast(User, request.user)
        return rows.filter(**{lookup: user}).distinct() if csam_only(user) else rows

    admin.site.unregister(model)
    admin.site.register(model, type(base.__name__, (base,), {"get_queryset": get_queryset}))


_csam_scoped(Contract, "csam")
_csam_scoped(Customer, "contracts__csam")
