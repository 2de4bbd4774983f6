"""The ticket change page becomes the work page (issue #6 §2); the list stays the queue of
tickets/admin.py. Registered here, the top layer, because the page uses escalation and intake."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse

from backoffice.views.ticket import ticket_work
from tickets.admin import TicketAdmin
from tickets.models import Ticket

admin.site.unregister(Ticket)


@admin.register(Ticket)
class TicketWorkAdmin(TicketAdmin):
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
