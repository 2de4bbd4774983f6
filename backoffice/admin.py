"""The ticket change page becomes the work page (issue #6 §2); the list stays the queue of
tickets/admin.py. Registered here, the top layer, because the page uses escalation and intake.

Every ModelAdmin of the site is also scoped here (`admin_scope_all`, issue #10 §5): its rows are
those contracts.staff_scope lets the user see."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse

from backoffice import admin_aem  # noqa: F401  (registers the AEM events' admin)
from backoffice.access import csam_only
from backoffice.views.ticket import ticket_work
from contracts.staff_scope import staff_rows
from tickets.admin import TicketAdmin
from tickets.models import Ticket

# The queue needs the width: the index page lists the apps, the sidebar repeats it.
admin.site.enable_nav_sidebar = False
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
        # ASCII digits only: int() also reads full-width and other Unicode digits ("１２").
        if not (object_id.isascii() and object_id.isdigit()):
            raise Http404
        return ticket_work(request, int(object_id), self)


def _related_only(model: type[Any], filters: list[Any], request: HttpRequest) -> list[Any]:
    """The admin's filters, where a filter on a related row offers only the values of the rows
    the user sees: a CSAM's filter lists never name another contract's customers."""
    if not csam_only(cast(User, request.user)):
        return filters
    result: list[Any] = []
    for entry in filters:
        if isinstance(entry, str):
            field = get_fields_from_path(model, entry)[-1]
            if field.is_relation:
                entry = (entry, admin.RelatedOnlyFieldListFilter)
        result.append(entry)
    return result


def admin_scope_all(site: admin.AdminSite) -> None:
    """Re-register every ModelAdmin of the site so its rows (lists, change pages, filters,
    autocompletes) are those contracts.staff_scope lets the user see (issue #10 §5). Called once
    from BackofficeConfig.ready(), after every app's admin module registered its models, so a
    model added later is scoped too (and shows a CSAM nothing until contracts.staff_scope
    classifies it)."""
    for model, model_admin in list(site._registry.items()):
        base = type(model_admin)
        if getattr(base, "staff_scoped", False):
            continue

        def get_queryset(self: admin.ModelAdmin, request: HttpRequest, base: Any = base) -> Any:
            return staff_rows(cast(User, request.user), base.get_queryset(self, request))

        def get_list_filter(self: admin.ModelAdmin, request: HttpRequest, base: Any = base) -> Any:
            return _related_only(self.model, list(base.get_list_filter(self, request)), request)

        scoped = type(
            base.__name__,
            (base,),
            {
                "get_queryset": get_queryset,
                "get_list_filter": get_list_filter,
                "staff_scoped": True,
                "__module__": base.__module__,
            },
        )
        site.unregister(model)
        site.register(model, scoped)
