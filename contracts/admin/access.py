"""Remote-access grants in the admin (SPEC SEC-04, issue #15 §3): a read-only list for every
provider role (a CSAM sees their own contracts' customers'), filtered by state and customer.
The customer's manager grants access in the portal or the API; a support coordinator may
revoke a grant (the customer phoned to withdraw it) through the service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.exceptions import ContractsError
from contracts.models import GrantState, RemoteAccessGrant
from contracts.models.access import RemoteAccessGrantQuerySet
from contracts.selectors_access import grant_state_words
from contracts.services.access import remote_access_revoke
from contracts.staff_scope import staff_rows


class GrantStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(GrantState.choices)

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[RemoteAccessGrant]
    ) -> QuerySet[RemoteAccessGrant]:
        value = self.value()
        if value not in GrantState.values:
            return queryset
        assert isinstance(queryset, RemoteAccessGrantQuerySet)
        return queryset.in_state(value, timezone.now())


@admin.register(RemoteAccessGrant)
class RemoteAccessGrantAdmin(admin.ModelAdmin):
    list_display = ["system", "customer", "scope", "granted_by", "granted_at", "state"]
    list_filter = [GrantStateFilter, "customer"]
    list_select_related = ["customer", "granted_by", "revoked_by_contact", "revoked_by_user"]
    search_fields = ["system", "scope", "customer__name"]
    date_hierarchy = "granted_at"
    actions = ["revoke_selected"]
    fields = readonly_fields = (
        "customer",
        "contract",
        "system",
        "scope",
        "granted_by",
        "granted_at",
        "expires_at",
        "state",
        "revoked_at",
        "revoked_by_contact",
        "revoked_by_user",
        "revoke_reason",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[RemoteAccessGrant]:
        return staff_rows(request.user, super().get_queryset(request))

    @admin.display(description=_("state"))
    def state(self, obj: RemoteAccessGrant) -> str:
        return grant_state_words(obj, timezone.now())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the customer's manager grants access, in the portal or the API

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # never edited: revoked by the action

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the rows are the record of who allowed what, when

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("contracts.change_remoteaccessgrant")

    @admin.action(description=_("Revoke the selected grants"), permissions=["revoke"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[RemoteAccessGrant]) -> None:
        now = timezone.now()
        assert isinstance(queryset, RemoteAccessGrantQuerySet)
        count = 0
        for grant in queryset.active(now):
            try:
                remote_access_revoke(grant=grant, by=request.user, now=now)  # type: ignore[arg-type]
            except ContractsError as refused:  # revoked meanwhile by someone else
                messages.warning(request, str(refused))
                continue
            self.log_change(request, grant, [{"changed": {"fields": ["revoked_at"]}}])
            count += 1
        messages.success(request, gettext("Grants revoked: %(count)s.") % {"count": count})
