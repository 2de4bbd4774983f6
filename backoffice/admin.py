"""The ticket change page becomes the work page (issue #6 §2); the list stays the queue of
tickets/admin.py. Registered here, the top layer, because the page uses escalation and intake."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from backoffice.access import tickets_in_scope
from backoffice.views.ticket import ticket_work
from tickets.admin import TicketAdmin
from tickets.models import Ticket

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
